import { emitAutomationEvent } from "../automation/emit-automation-event.ts";
import { attributeFirstAccess } from "../automation/follow-tracked-link.ts";
import type { Deps } from "../deps.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { ensureEnrollment, ensureProduct } from "./internal/student-db.ts";
import type { ClubFact, StudentTables } from "./schemas.ts";

/**
 * Records a members-area event: the enrollment (created if needed), its first access (the first one
 * recorded wins) or one completed module (each module counted once).
 */
export async function recordClubEvent(
  deps: Deps,
  input: { workspaceId: string; contactId: string; fact: ClubFact },
): Promise<void> {
  const { workspaceId, contactId, fact } = input;
  await withTransaction(deps.db, async (base) => {
    const trx = base.withTables<StudentTables>();
    const productId = await ensureProduct(trx, { workspaceId, product: fact.product });
    const enrollment = await ensureEnrollment(trx, { workspaceId, contactId, productId });
    if (fact.event === "first_access") {
      if (enrollment.first_access_at !== null) return;
      // Ours when the student clicked one of our tracked links shortly before; else the platform's e-mail.
      const origin = await attributeFirstAccess(deps, base, {
        contactId,
        productId,
        accessedAt: fact.occurredAt,
        fallback: fact.origin,
      });
      await trx
        .updateTable("enrollments")
        .set({ first_access_at: fact.occurredAt, first_access_origin: origin })
        .where("id", "=", enrollment.id)
        .execute();
      await emitAutomationEvent(base, {
        workspaceId,
        event: "enrollment.first_access",
        contactId,
        key: `enrollment:${enrollment.id}:first_access`,
        data: { productId, origin },
      });
      return;
    }
    const module = fact.module;
    if (!module || enrollment.modules.some((item) => item.id === module.id)) return;
    const modules = [
      ...enrollment.modules,
      { id: module.id, name: module.name, completedAt: fact.occurredAt.toISOString() },
    ];
    await trx
      .updateTable("enrollments")
      .set({ modules: JSON.stringify(modules), modules_completed: modules.length })
      .where("id", "=", enrollment.id)
      .execute();
    await emitAutomationEvent(base, {
      workspaceId,
      event: "module.completed",
      contactId,
      key: `enrollment:${enrollment.id}:module:${module.id}`,
      data: { productId, module: module.name ?? module.id, modulesCompleted: modules.length },
    });
  });
}
