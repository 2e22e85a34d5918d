import { type Expression, type SqlBool, sql } from "kysely";
import type { Deps } from "../deps.ts";
import type { ScoreReason, Temperature } from "../platform/db/schema.ts";
import { decodeCursor, encodeCursor } from "../platform/http/cursor.ts";
import { notFound } from "../platform/http/errors.ts";
import { type ContactView, toContactView } from "./get-contact.ts";
import { type ContactFilters, ContactFiltersSchema, type ListContactsQuery } from "./schemas.ts";

type Sort = ListContactsQuery["sort"];

const SORT_SQL: Record<Sort, { expression: string; direction: "asc" | "desc"; cast: string }> = {
  created_desc: { expression: "c.created_at", direction: "desc", cast: "timestamptz" },
  created_asc: { expression: "c.created_at", direction: "asc", cast: "timestamptz" },
  updated_desc: { expression: "c.updated_at", direction: "desc", cast: "timestamptz" },
  score_desc: { expression: "coalesce(s.score, 0)", direction: "desc", cast: "integer" },
  name_asc: { expression: "coalesce(lower(c.name), '')", direction: "asc", cast: "text" },
};

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** The WHERE conditions for a set of filters (shared by the list, export and segments). */
export function filterConditions(workspaceId: string, filters: ContactFilters): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [sql<SqlBool>`c.workspace_id = ${workspaceId}`];
  conditions.push(
    filters.deleted === "true" ? sql<SqlBool>`c.deleted_at is not null` : sql`c.deleted_at is null`,
  );
  if (filters.temperature && filters.temperature.length > 0) {
    conditions.push(sql<SqlBool>`coalesce(s.temperature, 'cold') in (${sql.join(filters.temperature)})`);
  }
  if (filters.source) {
    conditions.push(
      sql<SqlBool>`exists (select 1 from contact_touches t where t.contact_id = c.id and t.source = ${filters.source.toLowerCase()})`,
    );
  }
  if (filters.owner === "none") conditions.push(sql<SqlBool>`c.owner_id is null`);
  else if (filters.owner) conditions.push(sql<SqlBool>`c.owner_id = ${filters.owner}`);
  if (filters.tag) conditions.push(sql<SqlBool>`${filters.tag} = any(c.tags)`);
  if (filters.city) conditions.push(sql<SqlBool>`lower(c.city) = lower(${filters.city})`);
  if (filters.createdFrom) conditions.push(sql<SqlBool>`c.created_at >= ${filters.createdFrom}`);
  if (filters.createdTo) conditions.push(sql<SqlBool>`c.created_at < ${filters.createdTo}`);
  const q = filters.q?.trim();
  if (q) {
    const pattern = `%${escapeLike(q.toLowerCase())}%`;
    const digits = q.replace(/\D/g, "");
    const phonePattern = digits.length >= 4 && /^[\d\s()+.-]+$/.test(q) ? `%${digits}%` : null;
    conditions.push(
      sql<SqlBool>`(lower(c.name) like ${pattern} or exists (select 1 from contact_identities i where i.contact_id = c.id and (i.value like ${pattern}${phonePattern ? sql` or i.value like ${phonePattern}` : sql``})))`,
    );
  }
  return conditions;
}

export interface ContactListItem extends ContactView {}

/** A page of contacts: filters, search, sort and an opaque keyset cursor. */
export async function listContacts(
  deps: Deps,
  input: { workspaceId: string; query: ListContactsQuery },
): Promise<{ items: ContactListItem[]; nextCursor: string | null }> {
  const { query } = input;
  let filters: ContactFilters = query;
  if (query.segmentId) {
    const segment = await deps.db
      .selectFrom("segments")
      .select("filters")
      .where("id", "=", query.segmentId)
      .where("workspace_id", "=", input.workspaceId)
      .executeTakeFirst();
    if (!segment) throw notFound("Segment");
    const saved = ContactFiltersSchema.parse(segment.filters);
    filters = { ...saved, ...Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) };
  }
  const sort = SORT_SQL[query.sort];
  const conditions = filterConditions(input.workspaceId, filters);
  const after = decodeCursor(query.cursor);
  if (after) {
    const [value, id] = after;
    const operator = sort.direction === "desc" ? sql`<` : sql`>`;
    conditions.push(
      sql<SqlBool>`(${sql.raw(sort.expression)}, c.id) ${operator} (cast(${value} as ${sql.raw(sort.cast)}), ${String(id)}::uuid)`,
    );
  }
  const direction = sql.raw(sort.direction);
  const result = await sql<{
    id: string;
    sort_value: string | number | Date;
    score: number | null;
    temperature: Temperature | null;
    reasons: ScoreReason[] | null;
    scored_at: Date | null;
  }>`
    select c.id, ${sql.raw(sort.expression)} as sort_value, s.score, s.temperature, s.reasons, s.scored_at
    from contacts c left join contact_scores s on s.contact_id = c.id
    where ${sql.join(conditions, sql` and `)}
    order by ${sql.raw(sort.expression)} ${direction}, c.id ${direction}
    limit ${query.limit + 1}
  `.execute(deps.db);
  const page = result.rows.slice(0, query.limit);
  const ids = page.map((row) => row.id);
  if (ids.length === 0) return { items: [], nextCursor: null };
  const [rows, identities, touches] = await Promise.all([
    deps.db.selectFrom("contacts").selectAll().where("id", "in", ids).execute(),
    deps.db
      .selectFrom("contact_identities")
      .select(["contact_id", "kind", "value"])
      .where("contact_id", "in", ids)
      .orderBy("created_at")
      .execute(),
    deps.db
      .selectFrom("contact_touches")
      .select(["contact_id", "source"])
      .where("contact_id", "in", ids)
      .orderBy("at")
      .execute(),
  ]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const items = page.flatMap((entry) => {
    const row = byId.get(entry.id);
    if (!row) return [];
    const sources = [...new Set(touches.filter((t) => t.contact_id === entry.id).map((t) => t.source))];
    const score =
      entry.score === null || entry.temperature === null || entry.reasons === null || entry.scored_at === null
        ? undefined
        : {
            score: entry.score,
            temperature: entry.temperature,
            reasons: entry.reasons,
            scored_at: entry.scored_at,
          };
    return [
      toContactView(
        row,
        identities.filter((identity) => identity.contact_id === entry.id),
        sources,
        score,
      ),
    ];
  });
  const last = page.at(-1);
  const sortValue =
    last?.sort_value instanceof Date ? last.sort_value.toISOString() : (last?.sort_value ?? null);
  return {
    items,
    nextCursor: result.rows.length > query.limit && last ? encodeCursor([sortValue, last.id]) : null,
  };
}
