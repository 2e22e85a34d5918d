import { recordAudit } from "../audit/record-audit.ts";
import type { Principal } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { emitPartnerEvent } from "../partner-webhooks/emit-partner-event.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { assertMember } from "./create-deal.ts";
import { getDeal, seesOnlyOwnDeals } from "./list-deals.ts";
import { getTask } from "./list-tasks.ts";
import { type CreateTaskSchema, crmDb, type TaskChanges, type TaskView } from "./schemas.ts";

type Viewer = Pick<Principal, "workspaceId" | "role" | "userId" | "actor">;

function assertOwnTask(viewer: Viewer, ownerId: string | null | undefined) {
  if (seesOnlyOwnDeals(viewer) && ownerId !== undefined && ownerId !== viewer.userId) {
    throw new AppError("forbidden", "Only a manager can give a task to someone else");
  }
}

function assertReminder(dueAt: Date, remindAt: Date | null) {
  if (remindAt && remindAt.getTime() > dueAt.getTime()) {
    throw new AppError("invalid_input", "A reminder comes before the task is due", [
      { field: "remindAt", message: "after the due time" },
    ]);
  }
}

/** A task for someone (the creator by default), about a lead and/or one of its deals. */
export async function createTask(
  deps: Deps,
  input: { viewer: Viewer; task: import("zod").infer<typeof CreateTaskSchema> },
): Promise<TaskView> {
  const { viewer, task } = input;
  const { workspaceId } = viewer;
  const ownerId = task.ownerId !== undefined ? task.ownerId : viewer.userId;
  assertOwnTask(viewer, ownerId);
  await assertMember(deps, workspaceId, ownerId);
  let contactId = task.contactId ?? null;
  if (task.dealId) {
    const deal = await getDeal(deps, { viewer, dealId: task.dealId });
    if (contactId && contactId !== deal.contact.id) {
      throw new AppError("invalid_input", "The deal is about another lead", [
        { field: "contactId", message: "not the deal's lead" },
      ]);
    }
    contactId = deal.contact.id;
  } else if (contactId) {
    const contact = await deps.db
      .selectFrom("contacts")
      .select("id")
      .where("id", "=", contactId)
      .where("workspace_id", "=", workspaceId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!contact) throw notFound("Contact");
  }
  const dueAt = new Date(task.dueAt);
  const remindAt = task.remindAt ? new Date(task.remindAt) : null;
  assertReminder(dueAt, remindAt);
  const now = deps.clock.now();
  const id = await deps.db.transaction().execute(async (trx) => {
    const row = await crmDb(trx)
      .insertInto("tasks")
      .values({
        workspace_id: workspaceId,
        title: task.title,
        notes: task.notes ?? null,
        kind: task.kind,
        due_at: dueAt,
        remind_at: remindAt,
        owner_id: ownerId,
        contact_id: contactId,
        deal_id: task.dealId ?? null,
        created_by: viewer.actor.label,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      workspaceId,
      entityType: "task",
      entityId: row.id,
      action: "task.created",
      actor: viewer.actor,
      before: null,
      after: {
        title: task.title,
        dueAt: dueAt.toISOString(),
        ownerId,
        contactId,
        dealId: task.dealId ?? null,
      },
      at: now,
    });
    await emitPartnerEvent(
      trx,
      workspaceId,
      "task.created",
      {
        taskId: row.id,
        kind: task.kind,
        dueAt: dueAt.toISOString(),
        ownerId,
        contactId,
        dealId: task.dealId ?? null,
      },
      now,
    );
    return row.id;
  });
  return getTask(deps, { viewer, taskId: id });
}

function toTime(iso: string | null): number | undefined {
  return iso ? Date.parse(iso) : undefined;
}

/** Changes a task; `status` done/open/canceled completes, reopens or cancels it. */
export async function updateTask(
  deps: Deps,
  input: { viewer: Viewer; taskId: string; changes: TaskChanges },
): Promise<TaskView> {
  const { viewer, changes } = input;
  assertOwnTask(viewer, changes.ownerId);
  await assertMember(deps, viewer.workspaceId, changes.ownerId);
  const before = await getTask(deps, { viewer, taskId: input.taskId });
  const dueAt = changes.dueAt ? new Date(changes.dueAt) : new Date(before.dueAt);
  const remindAt =
    changes.remindAt !== undefined
      ? changes.remindAt === null
        ? null
        : new Date(changes.remindAt)
      : before.remindAt
        ? new Date(before.remindAt)
        : null;
  assertReminder(dueAt, remindAt);
  // A reminder moved to another time reminds again (crm/send-task-reminders.ts).
  const rearm = changes.remindAt !== undefined && remindAt?.getTime() !== toTime(before.remindAt);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await crmDb(trx)
      .updateTable("tasks")
      .set({
        updated_at: now,
        ...(rearm ? { reminded_at: null } : {}),
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.notes !== undefined ? { notes: changes.notes } : {}),
        ...(changes.kind !== undefined ? { kind: changes.kind } : {}),
        ...(changes.dueAt !== undefined ? { due_at: dueAt } : {}),
        ...(changes.remindAt !== undefined ? { remind_at: remindAt } : {}),
        ...(changes.ownerId !== undefined ? { owner_id: changes.ownerId } : {}),
        ...(changes.status !== undefined
          ? { status: changes.status, done_at: changes.status === "done" ? now : null }
          : {}),
      })
      .where("id", "=", input.taskId)
      .execute();
    const action =
      changes.status && changes.status !== before.status
        ? { done: "task.completed", open: "task.reopened", canceled: "task.canceled" }[changes.status]
        : "task.updated";
    await recordAudit(trx, {
      workspaceId: viewer.workspaceId,
      entityType: "task",
      entityId: input.taskId,
      action,
      actor: viewer.actor,
      before: Object.fromEntries(
        Object.keys(changes).map((key) => [
          key,
          key === "ownerId" ? (before.owner?.id ?? null) : before[key as keyof TaskView],
        ]),
      ),
      after: { ...changes },
      at: now,
    });
  });
  return getTask(deps, { viewer, taskId: input.taskId });
}

export async function deleteTask(deps: Deps, input: { viewer: Viewer; taskId: string }): Promise<void> {
  const before = await getTask(deps, input);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await crmDb(trx)
      .updateTable("tasks")
      .set({ deleted_at: now, updated_at: now })
      .where("id", "=", before.id)
      .execute();
    await recordAudit(trx, {
      workspaceId: input.viewer.workspaceId,
      entityType: "task",
      entityId: before.id,
      action: "task.deleted",
      actor: input.viewer.actor,
      before: { title: before.title, status: before.status },
      after: null,
      at: now,
    });
  });
}
