import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { notFound } from "../platform/http/errors.ts";
import type { EnrollmentView, StudentTables } from "./schemas.ts";

/** Puts one enrollment in a cohort (turma), or in none; audited when it changes. */
export async function setEnrollmentCohort(
  deps: Deps,
  input: { workspaceId: string; enrollmentId: string; cohort: string | null; actor: Actor },
): Promise<EnrollmentView> {
  return withTransaction(deps.db, async (base) => {
    const trx = base.withTables<StudentTables>();
    const before = await trx
      .selectFrom("enrollments")
      .select(["id", "cohort"])
      .where("id", "=", input.enrollmentId)
      .where("workspace_id", "=", input.workspaceId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw notFound("Enrollment");
    const row = await trx
      .updateTable("enrollments")
      .set({ cohort: input.cohort })
      .where("id", "=", before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (before.cohort !== input.cohort) {
      await recordAudit(base, {
        workspaceId: input.workspaceId,
        entityType: "enrollment",
        entityId: row.id,
        action: "enrollment.cohort_set",
        actor: input.actor,
        before: { cohort: before.cohort },
        after: { cohort: input.cohort },
        at: deps.clock.now(),
      });
    }
    return {
      id: row.id,
      productId: row.product_id,
      contactId: row.contact_id,
      firstAccessAt: row.first_access_at?.toISOString() ?? null,
      firstAccessOrigin: row.first_access_origin,
      modulesCompleted: row.modules_completed,
      cohort: row.cohort,
    };
  });
}
