import { sql } from "kysely";

/**
 * A person's own id and the ids of every contact merged into it (at any depth), as a subquery for
 * `contact_id in …`. Rows recorded for a contact (purchases, enrollments, messages) stay on it, and a
 * merge shows them on the survivor without moving rows, so undoing the merge needs nothing else.
 */
export function personContactIds(workspaceId: string, contactId: string) {
  return sql<{ id: string }>`(
    with recursive folded(id) as (
      select id from contacts where id = ${contactId} and workspace_id = ${workspaceId}
      union
      select c.id from contacts c join folded f on c.merged_into = f.id
    )
    select id from folded
  )`;
}
