import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import { notFound } from "../platform/http/errors.ts";

/** One thing that happened on a student's way into a course, oldest first. */
export interface AccessLogEntry {
  at: string;
  kind: "purchase" | "message" | "link_click" | "first_access" | "module_completed";
  /** purchase: its status; message: the channel and its status; first_access: the origin; module: its name. */
  detail: string;
  /** The dispatch of a message or the rule behind it, when there is one. */
  dispatchId: string | null;
}

/**
 * The access log of one enrollment: its purchases by status, our messages about the product (sent,
 * refused, failed), clicks on our tracked links, the first access with its origin and each module
 * completed — the story a CS rep reads before deciding whether to chase a student.
 */
export async function listAccessLog(
  deps: Deps,
  input: { workspaceId: string; enrollmentId: string },
): Promise<{ enrollmentId: string; items: AccessLogEntry[] }> {
  const { rows: found } = await sql<{ contact_id: string; product_id: string }>`
    select contact_id, product_id from enrollments where id = ${input.enrollmentId} and workspace_id = ${input.workspaceId}
  `.execute(deps.db);
  const enrollment = found[0];
  if (!enrollment) throw notFound("Enrollment");
  const { contact_id: contactId, product_id: productId } = enrollment;
  const { rows } = await sql<{
    at: Date;
    kind: AccessLogEntry["kind"];
    detail: string;
    dispatch_id: string | null;
  }>`
    select coalesce(p.approved_at, p.last_event_at) as at, 'purchase' as kind, p.status as detail, null::uuid as dispatch_id
    from purchases p where p.contact_id = ${contactId} and p.product_id = ${productId} and p.status <> 'abandoned'
    union all
    select coalesce(d.sent_at, d.updated_at), 'message', d.channel || ' ' || d.status || coalesce(' (' || d.refusal || ')', ''), d.id
    from dispatches d
    where d.contact_id = ${contactId} and d.product_id = ${productId} and d.channel in ('whatsapp', 'email')
      and d.status in ('sent', 'refused', 'failed', 'unknown')
    union all
    select l.first_clicked_at, 'link_click', l.clicks || ' clique(s)', l.dispatch_id
    from tracked_links l where l.contact_id = ${contactId} and l.product_id = ${productId} and l.first_clicked_at is not null
    union all
    select e.first_access_at, 'first_access', coalesce(e.first_access_origin, 'unknown'), null
    from enrollments e where e.id = ${input.enrollmentId} and e.first_access_at is not null
    union all
    select (m ->> 'completedAt')::timestamptz, 'module_completed', coalesce(m ->> 'name', m ->> 'id'), null
    from enrollments e, jsonb_array_elements(e.modules) m where e.id = ${input.enrollmentId}
    order by 1, 2
    limit 500
  `.execute(deps.db);
  return {
    enrollmentId: input.enrollmentId,
    items: rows.map((row) => ({
      at: new Date(row.at).toISOString(),
      kind: row.kind,
      detail: row.detail,
      dispatchId: row.dispatch_id,
    })),
  };
}
