import type { Kysely } from "kysely";
import { raiseAlertIn } from "../alerts/raise-alert.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { type CrmDB, crmDb, type TaskKind } from "./schemas.ts";
import { workspaceTimeZone } from "./sweep-sla.ts";

const BATCH = 100;
/** At most this many batches a pass; the next minute's pass takes the rest. */
const MAX_BATCHES = 20;

export const TASK_REMINDER_ALERT = "crm.task-reminder";

const KIND_LABELS: Record<TaskKind, string> = {
  follow_up: "follow-up",
  call: "ligação",
  whatsapp: "WhatsApp",
  email: "e-mail",
  meeting: "reunião",
  visit: "visita",
  other: "tarefa",
};

function formatDue(dueAt: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("pt-BR", {
    timeZone,
    day: "2-digit",
    month: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(dueAt);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("day")}/${part("month")} às ${part("hour")}:${part("minute")}`;
}

/**
 * One pass of the task reminders, safe to run twice (or on two workers at once): each open, undeleted
 * task whose reminder is due is claimed once (reminded_at set by the statement that finds it, rows
 * another pass holds are skipped) and raises an alert for its owner in the same transaction, so a
 * reminder is never lost nor pushed twice. The alert names no person and no task title (titles often
 * carry a lead's name): its details hold the ids. Returns how many reminders went out.
 */
export async function sendTaskReminders(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const timeZones = new Map<string, string>();
  let total = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const sent = await withTransaction(deps.db, async (trx) => {
      const db = crmDb(trx);
      const due = db
        .selectFrom("tasks")
        .select("id")
        .where("remind_at", "<=", now)
        .where("reminded_at", "is", null)
        .where("status", "=", "open")
        .where("deleted_at", "is", null)
        .orderBy("remind_at")
        .limit(BATCH)
        .forUpdate()
        .skipLocked();
      const claimed = await db
        .updateTable("tasks")
        .set({ reminded_at: now })
        .where("id", "in", due)
        .where("reminded_at", "is", null)
        .where("status", "=", "open")
        .where("deleted_at", "is", null)
        .returning(["id", "workspace_id", "kind", "due_at", "remind_at", "owner_id", "contact_id", "deal_id"])
        .execute();
      for (const task of claimed) {
        const timeZone = await timeZoneOf(db, timeZones, task.workspace_id);
        await raiseAlertIn(trx, deps, {
          workspaceId: task.workspace_id,
          kind: TASK_REMINDER_ALERT,
          text: `Lembrete de ${KIND_LABELS[task.kind]}: vence ${formatDue(task.due_at, timeZone)}. Veja em Meu dia.`,
          details: {
            taskId: task.id,
            ownerId: task.owner_id,
            contactId: task.contact_id,
            dealId: task.deal_id,
            dueAt: task.due_at.toISOString(),
            remindAt: task.remind_at?.toISOString() ?? null,
          },
          // Every task reminds on its own: the claim above, not a cool-down, keeps it to once.
          cooldownMinutes: 0,
        });
      }
      return claimed.length;
    });
    total += sent;
    if (sent < BATCH) break;
  }
  return total;
}

async function timeZoneOf(
  db: Kysely<CrmDB>,
  cache: Map<string, string>,
  workspaceId: string,
): Promise<string> {
  const timeZone = cache.get(workspaceId) ?? (await workspaceTimeZone({ db }, workspaceId));
  cache.set(workspaceId, timeZone);
  return timeZone;
}
