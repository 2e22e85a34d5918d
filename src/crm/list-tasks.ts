import { sql } from "kysely";
import type { Principal } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { decodeTimeCursor, encodeCursor } from "../platform/http/cursor.ts";
import { notFound } from "../platform/http/errors.ts";
import { seesOnlyOwnDeals } from "./list-deals.ts";
import { crmDb, type ListTasksQuery, type TaskView } from "./schemas.ts";

type Viewer = Pick<Principal, "workspaceId" | "role" | "userId">;

function tasksQuery(deps: Deps, viewer: Viewer) {
  let query = crmDb(deps.db)
    .selectFrom("tasks as t")
    .leftJoin("users as u", "u.id", "t.owner_id")
    .leftJoin("contacts as c", "c.id", "t.contact_id")
    .leftJoin("deals as d", "d.id", "t.deal_id")
    .select([
      "t.id",
      "t.title",
      "t.notes",
      "t.kind",
      "t.due_at",
      "t.remind_at",
      "t.owner_id",
      "u.name as owner_name",
      "u.email as owner_email",
      "t.contact_id",
      "c.name as contact_name",
      "t.deal_id",
      "d.title as deal_title",
      "t.status",
      "t.done_at",
      "t.created_at",
      "t.updated_at",
    ])
    .where("t.workspace_id", "=", viewer.workspaceId)
    .where("t.deleted_at", "is", null);
  // Like deals: a sales rep's list is their own.
  if (seesOnlyOwnDeals(viewer)) query = query.where("t.owner_id", "=", viewer.userId ?? sql<string>`null`);
  return query;
}

type TaskRow = Awaited<ReturnType<ReturnType<typeof tasksQuery>["executeTakeFirstOrThrow"]>>;

function taskView(row: TaskRow, now: Date): TaskView {
  return {
    id: row.id,
    title: row.title,
    notes: row.notes,
    kind: row.kind,
    dueAt: row.due_at.toISOString(),
    remindAt: row.remind_at?.toISOString() ?? null,
    owner:
      row.owner_id && row.owner_email
        ? { id: row.owner_id, name: row.owner_name, email: row.owner_email }
        : null,
    contact: row.contact_id ? { id: row.contact_id, name: row.contact_name } : null,
    deal: row.deal_id && row.deal_title ? { id: row.deal_id, title: row.deal_title } : null,
    status: row.status,
    doneAt: row.done_at?.toISOString() ?? null,
    isOverdue: row.status === "open" && row.due_at.getTime() < now.getTime(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Tasks by due time (soonest first), with filters and a keyset cursor. */
export async function listTasks(
  deps: Deps,
  input: ListTasksQuery & { viewer: Viewer },
): Promise<{ items: TaskView[]; nextCursor: string | null }> {
  let query = tasksQuery(deps, input.viewer);
  if (input.ownerId === "me")
    query = query.where("t.owner_id", "=", input.viewer.userId ?? sql<string>`null`);
  else if (input.ownerId === "none") query = query.where("t.owner_id", "is", null);
  else if (input.ownerId) query = query.where("t.owner_id", "=", input.ownerId);
  if (input.status) query = query.where("t.status", "=", input.status);
  if (input.contactId) query = query.where("t.contact_id", "=", input.contactId);
  if (input.dealId) query = query.where("t.deal_id", "=", input.dealId);
  if (input.dueBefore) query = query.where("t.due_at", "<", new Date(input.dueBefore));
  // Soonest first: "after the cursor" is a later (due time, id).
  const after = decodeTimeCursor(input.cursor);
  if (after) query = query.where(sql<boolean>`(t.due_at, t.id) > (${after.at}, ${after.id}::uuid)`);
  const rows = await query
    .orderBy("t.due_at")
    .orderBy("t.id")
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  const now = deps.clock.now();
  return {
    items: page.map((row) => taskView(row, now)),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.due_at.toISOString(), last.id]) : null,
  };
}

export async function getTask(deps: Deps, input: { taskId: string; viewer: Viewer }): Promise<TaskView> {
  const row = await tasksQuery(deps, input.viewer).where("t.id", "=", input.taskId).executeTakeFirst();
  if (!row) throw notFound("Task");
  return taskView(row, deps.clock.now());
}

/** Midnight at the start of `at`'s day in `timeZone`, and of the next day. */
export function dayBounds(at: Date, timeZone: string): { start: Date; end: Date } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  const offset = asUtc - Math.floor(at.getTime() / 1000) * 1000;
  const start = new Date(Date.UTC(get("year"), get("month") - 1, get("day")) - offset);
  return { start, end: new Date(start.getTime() + 86_400_000) };
}

/**
 * A rep's day: their open tasks that are overdue, due today (in their time zone) and in the next
 * seven days, reminders that are due, and their open deals with no open task (nothing planned).
 */
export async function getMyDay(deps: Deps, input: { viewer: Viewer; timeZone: string }) {
  const now = deps.clock.now();
  const { start, end } = dayBounds(now, input.timeZone);
  const weekEnd = new Date(end.getTime() + 7 * 86_400_000);
  const userId = input.viewer.userId;
  if (!userId)
    return {
      today: start.toISOString(),
      overdue: [],
      dueToday: [],
      upcoming: [],
      reminders: [],
      idleDeals: [],
    };
  const rows = await tasksQuery(deps, input.viewer)
    .where("t.owner_id", "=", userId)
    .where("t.status", "=", "open")
    .where("t.due_at", "<", weekEnd)
    .orderBy("t.due_at")
    .orderBy("t.id")
    .limit(500)
    .execute();
  const tasks = rows.map((row) => ({ row, view: taskView(row, now) }));
  const idleDeals = await crmDb(deps.db)
    .selectFrom("deals as d")
    .select(["d.id", "d.title", "d.stage_entered_at"])
    .where("d.workspace_id", "=", input.viewer.workspaceId)
    .where("d.owner_id", "=", userId)
    .where("d.status", "=", "open")
    .where("d.deleted_at", "is", null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("tasks as t")
            .select("t.id")
            .whereRef("t.deal_id", "=", "d.id")
            .where("t.status", "=", "open")
            .where("t.deleted_at", "is", null),
        ),
      ),
    )
    .orderBy("d.stage_entered_at")
    .limit(50)
    .execute();
  return {
    today: start.toISOString(),
    overdue: tasks.filter(({ row }) => row.due_at < now).map(({ view }) => view),
    dueToday: tasks.filter(({ row }) => row.due_at >= now && row.due_at < end).map(({ view }) => view),
    upcoming: tasks.filter(({ row }) => row.due_at >= end).map(({ view }) => view),
    reminders: tasks
      .filter(({ row }) => row.remind_at !== null && row.remind_at <= now)
      .map(({ view }) => view),
    idleDeals: idleDeals.map((deal) => ({
      id: deal.id,
      title: deal.title,
      stageEnteredAt: deal.stage_entered_at.toISOString(),
    })),
  };
}
