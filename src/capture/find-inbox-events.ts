import type { Deps } from "../deps.ts";

export interface StoredInboxEvent {
  id: string;
  idempotency_key: string;
  status: "received" | "processed" | "failed";
  contact_id: string | null;
}

/**
 * A workspace's inbox events of one source with these idempotency keys, by key: what an earlier
 * (crashed or repeated) landing through the spine already stored, and the person it landed as.
 */
export async function findInboxEventsByKey(
  deps: Deps,
  input: { workspaceId: string; source: string; keys: string[] },
): Promise<Map<string, StoredInboxEvent>> {
  const rows = await deps.db
    .selectFrom("inbox_events")
    .select(["id", "idempotency_key", "status", "contact_id"])
    .where("workspace_id", "=", input.workspaceId)
    .where("source", "=", input.source)
    .where("idempotency_key", "in", input.keys)
    .execute();
  return new Map(rows.map((row) => [row.idempotency_key, row]));
}
