import { sql } from "kysely";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { notFound } from "../platform/http/errors.ts";
import { enrolledAtSql, resolveRange } from "./internal/enrollment-dates.ts";
import type { AssignCohortInput, StudentTables } from "./schemas.ts";

/**
 * Puts every enrollment of a product that began in a range (its purchase's approval: see
 * enrolledAtSql) in a cohort, in one statement; each enrollment that changes is audited.
 */
export async function assignCohort(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; assignment: AssignCohortInput },
): Promise<{ productId: string; cohort: string | null; from: string; to: string; updated: number }> {
  const { assignment } = input;
  const range = await resolveRange(deps, { workspaceId: input.workspaceId, ...assignment });
  const from = range.from as Date;
  const to = range.to as Date;
  const product = await deps.db
    .withTables<StudentTables>()
    .selectFrom("products")
    .select("id")
    .where("id", "=", assignment.productId)
    .where("workspace_id", "=", input.workspaceId)
    .executeTakeFirst();
  if (!product) throw notFound("Product");
  const changed = await withTransaction(deps.db, async (trx) => {
    const { rows } = await sql<{ id: string; before: string | null }>`
      with target as (
        select id, cohort from (
          select e.id, e.cohort, ${enrolledAtSql()} as enrolled_at from enrollments e
          where e.workspace_id = ${input.workspaceId} and e.product_id = ${product.id}
            and e.cohort is distinct from ${assignment.cohort}::text
        ) candidates
        where enrolled_at >= ${from} and enrolled_at < ${to}
      )
      update enrollments set cohort = ${assignment.cohort}::text
      from target where enrollments.id = target.id
      returning enrollments.id, target.cohort as before
    `.execute(trx);
    const now = deps.clock.now();
    await recordAudit(
      trx,
      rows.map((row) => ({
        workspaceId: input.workspaceId,
        entityType: "enrollment",
        entityId: row.id,
        action: "enrollment.cohort_set",
        actor: input.actor,
        before: { cohort: row.before },
        after: { cohort: assignment.cohort, from: from.toISOString(), to: to.toISOString() },
        at: now,
      })),
    );
    return rows.length;
  });
  return {
    productId: product.id,
    cohort: assignment.cohort,
    from: from.toISOString(),
    to: to.toISOString(),
    updated: changed,
  };
}
