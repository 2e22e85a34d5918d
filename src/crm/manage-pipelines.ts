import { sql } from "kysely";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { type CrmDB, crmDb, type PipelineView, type StageInput, type StageView } from "./schemas.ts";

/** Stages a new pipeline starts with (pt-BR names: they are the team's own words, editable). */
export const PIPELINE_TEMPLATE_STAGES: Record<"sales" | "real-estate", StageInput[]> = {
  sales: [
    { name: "Novo", probability: 0.1, kind: "open", requires: [] },
    { name: "Qualificação", probability: 0.25, kind: "open", requires: ["owner"] },
    { name: "Reunião", probability: 0.5, kind: "open", requires: ["owner"] },
    { name: "Proposta", probability: 0.75, kind: "open", requires: ["owner", "value"] },
    { name: "Ganho", probability: 1, kind: "won", requires: ["value"] },
    { name: "Perdido", probability: 0, kind: "lost", requires: [] },
  ],
  "real-estate": [
    { name: "Novo", probability: 0.1, kind: "open", requires: [] },
    { name: "Qualificação", probability: 0.2, kind: "open", requires: ["owner"] },
    { name: "Visita", probability: 0.4, kind: "open", requires: ["owner"] },
    { name: "Proposta", probability: 0.7, kind: "open", requires: ["owner", "property", "value"] },
    { name: "Fechado", probability: 1, kind: "won", requires: ["property", "value"] },
    { name: "Perdido", probability: 0, kind: "lost", requires: [] },
  ],
};

function checkStages(stages: StageInput[]) {
  const names = new Set<string>();
  stages.forEach((stage, index) => {
    const key = stage.name.toLocaleLowerCase("pt-BR");
    if (names.has(key)) {
      throw new AppError("invalid_input", "Two stages have the same name", [
        { field: `stages.${index}.name`, message: "already used by another stage" },
      ]);
    }
    names.add(key);
  });
  if (!stages.some((stage) => stage.kind === "open")) {
    throw new AppError("invalid_input", "A pipeline needs at least one open stage", [
      { field: "stages", message: "no open stage" },
    ]);
  }
}

/** The workspace's pipelines in order, each with its stages and the open deals in them. */
export async function listPipelines(deps: Deps, input: { workspaceId: string; pipelineId?: string }) {
  const db = crmDb(deps.db);
  let query = db
    .selectFrom("pipelines")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .where("deleted_at", "is", null);
  if (input.pipelineId) query = query.where("id", "=", input.pipelineId);
  const pipelines = await query.orderBy("position").orderBy("created_at").execute();
  if (pipelines.length === 0) return { items: [] as PipelineView[] };
  const stages = await db
    .selectFrom("pipeline_stages as s")
    .leftJoin(
      (eb) =>
        eb
          .selectFrom("deals")
          .select([
            "stage_id",
            sql<number>`count(*)::int`.as("open_deals"),
            sql<string>`coalesce(sum(value), 0)`.as("open_value"),
          ])
          .where("workspace_id", "=", input.workspaceId)
          .where("deleted_at", "is", null)
          .groupBy("stage_id")
          .as("d"),
      (join) => join.onRef("d.stage_id", "=", "s.id"),
    )
    .select(["s.id", "s.pipeline_id", "s.name", "s.position", "s.probability", "s.kind", "s.requires"])
    .select(["d.open_deals", "d.open_value"])
    .where(
      "s.pipeline_id",
      "in",
      pipelines.map((pipeline) => pipeline.id),
    )
    .where("s.deleted_at", "is", null)
    .orderBy("s.position")
    .execute();
  return {
    items: pipelines.map(
      (pipeline): PipelineView => ({
        id: pipeline.id,
        name: pipeline.name,
        position: pipeline.position,
        stages: stages
          .filter((stage) => stage.pipeline_id === pipeline.id)
          .map((stage) => ({
            ...stageView(stage),
            openDeals: stage.open_deals ?? 0,
            openValue: Number(stage.open_value ?? 0),
          })),
        createdAt: pipeline.created_at.toISOString(),
        updatedAt: pipeline.updated_at.toISOString(),
      }),
    ),
  };
}

export function stageView(stage: {
  id: string;
  name: string;
  position: number;
  probability: string | number;
  kind: StageView["kind"];
  requires: StageView["requires"];
}): StageView {
  return {
    id: stage.id,
    name: stage.name,
    position: stage.position,
    probability: Number(stage.probability),
    kind: stage.kind,
    requires: stage.requires,
  };
}

export async function getPipeline(deps: Deps, input: { workspaceId: string; pipelineId: string }) {
  const { items } = await listPipelines(deps, input);
  const pipeline = items[0];
  if (!pipeline) throw notFound("Pipeline");
  return pipeline;
}

export async function createPipeline(
  deps: Deps,
  input: {
    workspaceId: string;
    name: string;
    stages?: StageInput[] | undefined;
    template: "sales" | "real-estate";
    actor: Actor;
  },
): Promise<PipelineView> {
  const stages = input.stages ?? PIPELINE_TEMPLATE_STAGES[input.template];
  checkStages(stages);
  if (stages.some((stage) => stage.id)) {
    throw new AppError("invalid_input", "A new pipeline has no existing stages", [
      { field: "stages", message: "leave out stage ids" },
    ]);
  }
  const now = deps.clock.now();
  const id = await deps.db.transaction().execute(async (trx) => {
    const db = crmDb(trx);
    const count = await db
      .selectFrom("pipelines")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("workspace_id", "=", input.workspaceId)
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow();
    const pipeline = await db
      .insertInto("pipelines")
      .values({
        workspace_id: input.workspaceId,
        name: input.name,
        position: count.n,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await insertStages(db, input.workspaceId, pipeline.id, stages, now);
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "pipeline",
      entityId: pipeline.id,
      action: "pipeline.created",
      actor: input.actor,
      before: null,
      after: { name: input.name, stages: stages.map((stage) => stage.name) },
      at: now,
    });
    return pipeline.id;
  });
  return getPipeline(deps, { workspaceId: input.workspaceId, pipelineId: id });
}

async function insertStages(
  db: import("kysely").Kysely<CrmDB>,
  workspaceId: string,
  pipelineId: string,
  stages: { stage: StageInput; position: number }[] | StageInput[],
  now: Date,
) {
  const rows = stages.map((entry, index) => {
    const { stage, position } = "stage" in entry ? entry : { stage: entry, position: index };
    return {
      workspace_id: workspaceId,
      pipeline_id: pipelineId,
      name: stage.name,
      position,
      probability: stage.probability,
      kind: stage.kind,
      requires: JSON.stringify(stage.requires),
      created_at: now,
    };
  });
  if (rows.length > 0) await db.insertInto("pipeline_stages").values(rows).execute();
}

/**
 * Renames a pipeline and/or sets its stages in board order: stages named by id are kept (with their
 * deals), new ones added, and the ones left out removed — refused while deals are still in them.
 */
export async function updatePipeline(
  deps: Deps,
  input: {
    workspaceId: string;
    pipelineId: string;
    name?: string | undefined;
    stages?: StageInput[] | undefined;
    actor: Actor;
  },
): Promise<PipelineView> {
  const before = await getPipeline(deps, input);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const db = crmDb(trx);
    if (input.name !== undefined) {
      await db
        .updateTable("pipelines")
        .set({ name: input.name, updated_at: now })
        .where("id", "=", input.pipelineId)
        .execute();
    }
    if (input.stages) {
      checkStages(input.stages);
      const known = new Set(before.stages.map((stage) => stage.id));
      input.stages.forEach((stage, index) => {
        if (stage.id && !known.has(stage.id)) {
          throw new AppError("invalid_input", "A stage does not belong to this pipeline", [
            { field: `stages.${index}.id`, message: "unknown stage" },
          ]);
        }
      });
      const kept = new Set(input.stages.flatMap((stage) => (stage.id ? [stage.id] : [])));
      const removed = before.stages.filter((stage) => !kept.has(stage.id));
      const busy = removed.filter((stage) => stage.openDeals > 0);
      if (busy.length > 0) {
        throw new AppError(
          "conflict",
          `Move the deals out of ${busy.map((stage) => `"${stage.name}"`).join(", ")} before removing it`,
        );
      }
      if (removed.length > 0) {
        await db
          .updateTable("pipeline_stages")
          .set({ deleted_at: now })
          .where(
            "id",
            "in",
            removed.map((stage) => stage.id),
          )
          .execute();
      }
      const fresh: { stage: StageInput; position: number }[] = [];
      for (const [position, stage] of input.stages.entries()) {
        if (!stage.id) {
          fresh.push({ stage, position });
          continue;
        }
        await db
          .updateTable("pipeline_stages")
          .set({
            name: stage.name,
            position,
            probability: stage.probability,
            kind: stage.kind,
            requires: JSON.stringify(stage.requires),
          })
          .where("id", "=", stage.id)
          .execute();
      }
      await insertStages(db, input.workspaceId, input.pipelineId, fresh, now);
      await db.updateTable("pipelines").set({ updated_at: now }).where("id", "=", input.pipelineId).execute();
    }
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "pipeline",
      entityId: input.pipelineId,
      action: "pipeline.updated",
      actor: input.actor,
      before: { name: before.name, stages: before.stages.map(({ openDeals, openValue, ...stage }) => stage) },
      after: {
        name: input.name ?? before.name,
        ...(input.stages ? { stages: input.stages } : {}),
      },
      at: now,
    });
  });
  return getPipeline(deps, input);
}
