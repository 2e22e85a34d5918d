import type { Kysely, Transaction } from "kysely";
import { sql } from "kysely";
import type { DB } from "../platform/db/schema.ts";

/**
 * WhatsApp statuses name the dispatch they are about (`biz_opaque_callback_data: dispatch:<id>`): a
 * dispatch whose send was interrupted (`unknown`, or still `sending`) learns it did go out, and keeps
 * the message id its delivery statuses follow. A `failed` status marks it failed. Safe to run twice.
 */
export async function reconcileDispatchStatuses(
  db: Kysely<DB> | Transaction<DB>,
  input: {
    workspaceId: string;
    statuses: { callbackData: string; providerMessageId: string; status: string; at: Date }[];
  },
): Promise<number> {
  const rows = input.statuses
    .filter((status) => /^dispatch:[0-9a-f-]{36}$/.test(status.callbackData))
    .map((status) => ({
      id: status.callbackData.slice("dispatch:".length),
      message: status.providerMessageId,
      failed: status.status === "failed",
      at: status.at.toISOString(),
    }));
  if (rows.length === 0) return 0;
  const result = await sql`
    update dispatches as d set
      status = case when v.failed then 'failed' else 'sent' end,
      provider_message_id = coalesce(d.provider_message_id, v.message),
      sent_at = coalesce(d.sent_at, v.at),
      last_error = case when v.failed then 'failed (WhatsApp status)' else d.last_error end,
      updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, message text, failed boolean, at timestamptz)
    where d.id = v.id and d.workspace_id = ${input.workspaceId} and d.channel = 'whatsapp'
      and (d.status in ('unknown', 'sending') or (v.failed and d.status = 'sent'))
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
