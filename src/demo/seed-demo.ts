import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { MetaConfigSchema } from "../adapters/meta/schemas.ts";
import type { App } from "../app.ts";
import { createUser } from "../auth/create-user.ts";
import { createWorkspace } from "../auth/create-workspace.ts";
import type { Actor, Principal, Role } from "../auth/schemas.ts";
import { signSessionToken } from "../auth/tokens.ts";
import { followTrackedLink } from "../automation/follow-tracked-link.ts";
import { updateRule } from "../automation/manage-rules.ts";
import { recordConsent } from "../automation/record-consent.ts";
import { approveDispatch, decideMany, rejectDispatch } from "../automation/review-dispatches.ts";
import { runDueRules } from "../automation/run-scheduled-rule.ts";
import { automationDb } from "../automation/schemas.ts";
import { sweepDispatches } from "../automation/sweep-dispatches.ts";
import { findConnectionConfig } from "../capture/find-connection-config.ts";
import { type IngestItem, ingestLeads } from "../capture/ingest-leads.ts";
import { normalizeLead } from "../contacts/normalize-lead.ts";
import { type LeadInput, LeadInputSchema } from "../contacts/schemas.ts";
import { recordConversationFacts } from "../conversations/record-conversation-facts.ts";
import type { ConversationFact } from "../conversations/schemas.ts";
import { createDeal } from "../crm/create-deal.ts";
import { logInteraction } from "../crm/log-interaction.ts";
import { createAssignmentRule } from "../crm/manage-assignment-rules.ts";
import { createPipeline, listPipelines } from "../crm/manage-pipelines.ts";
import { createSlaPolicy, listSlaPolicies, setCalendar } from "../crm/manage-sla.ts";
import { createTask, updateTask } from "../crm/manage-tasks.ts";
import {
  BusinessCalendarSchema,
  CreateAssignmentRuleSchema,
  CreateSlaPolicySchema,
  CreateTaskSchema,
  type PipelineView,
} from "../crm/schemas.ts";
import { sendTaskReminders } from "../crm/send-task-reminders.ts";
import { sweepSla } from "../crm/sweep-sla.ts";
import { moveDeal, updateDeal } from "../crm/update-deal.ts";
import type { Deps } from "../deps.ts";
import { allJobs } from "../jobs.ts";
import type { Clock } from "../platform/clock.ts";
import { AppError } from "../platform/http/errors.ts";
import { createDevelopment, createUnit } from "../realestate/manage-developments.ts";
import { setInterest } from "../realestate/manage-interest.ts";
import { createProperty } from "../realestate/manage-properties.ts";
import { matchProperties } from "../realestate/match-properties.ts";
import {
  CreateDevelopmentSchema,
  CreatePropertySchema,
  CreateUnitSchema,
  InterestSchema,
  realEstateDb,
} from "../realestate/schemas.ts";
import { assignCohort } from "../students/assign-cohort.ts";
import { recordFacts } from "../students/record-facts.ts";
import type { SourceFacts, StudentTables } from "../students/schemas.ts";
import { updateProduct } from "../students/update-product.ts";
import { createRandom, type Random } from "./create-random.ts";
import { createTimeline } from "./create-timeline.ts";
import {
  DEMO_PASSWORD,
  DEMO_WORKSPACE_NAME,
  DEVELOPMENTS,
  type DemoProduct,
  NATIONAL_HOLIDAYS,
  PRODUCTS,
  PROPERTIES,
  SALES_REPS,
  TEAM,
  type TeamKey,
} from "./demo-data.ts";
import {
  atLocal,
  type DemoDeal,
  type DemoPerson,
  type DemoPurchase,
  localWeekday,
  planDemo,
} from "./plan-demo.ts";
import type { DemoWhatsApp } from "./start-demo-whatsapp.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Leads and vendor events of a two-hour window go through the spine together (as a busy door batches). */
const BUCKET = 2 * HOUR;
/**
 * When the scheduler's work is done each day (local time): due rules, sweeps (the first-response SLA
 * at some of them only), then the queued jobs.
 */
const CHECKPOINTS: readonly (readonly [number, number, { sla: boolean }])[] = [
  [9, 7, { sla: true }],
  [11, 7, { sla: false }],
  [13, 7, { sla: true }],
  [17, 7, { sla: false }],
  [19, 7, { sla: true }],
];
/** When the team goes through the dispatch queue on weekdays. */
const REVIEWS: readonly (readonly [number, number])[] = [
  [10, 30],
  [16, 30],
];

export const DEMO_DEFAULTS = { leads: 1500, days: 60, seed: 1 } as const;

export type MovableClock = Clock & { set(at: Date | string): void };

export interface SeedDemoOptions {
  leads?: number;
  days?: number;
  seed?: number;
  /** Seed a workspace that already has leads (people are recognised and merged, the rest is added). */
  force?: boolean;
  /** The simulated WhatsApp Cloud API the app's FUNIL_META_GRAPH_URL points to. */
  whatsapp: DemoWhatsApp;
  progress?: (line: string) => void;
}

export interface DemoLogin {
  email: string;
  name: string;
  role: Role;
}

export type SeedDemoResult =
  | {
      outcome: "refused";
      workspaceId: string;
      workspaceName: string;
      adminEmail: string;
      reason: string;
      leads: number;
    }
  | {
      outcome: "seeded";
      workspaceId: string;
      workspaceName: string;
      /** The workspace's first admin (the instance's admin): signs in with its own password. */
      adminEmail: string;
      team: DemoLogin[];
      password: string;
      counts: Record<string, number>;
      elapsedMs: number;
    };

type Viewer = Pick<Principal, "workspaceId" | "role" | "userId" | "actor">;

interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  viewer: Viewer;
}

/** Something that happened at `at`, recorded with the other events of its two-hour window. */
interface Entry {
  at: number;
  seq: number;
  person: DemoPerson | null;
  /** A delivery naming the person: goes through the spine (dedupe, score, touch) first. */
  lead?: LeadInput;
  isHistorical?: boolean;
  /**
   * WhatsApp and Instagram messages and the statuses of ours: the person is found by phone or IGSID
   * (as for a Meta webhook), so a window's go in one call, after its leads.
   */
  messages?: ConversationFact[];
  /** What else the delivery says, once the person is known. */
  after?: (contactId: string) => Promise<void>;
}

const iso = (at: number | Date) => new Date(at).toISOString();
const wamid = () => `wamid.HBgN${randomBytes(14).toString("hex").toUpperCase()}`;
/** A message's channel id, namespaced as the Meta door stores it. */
const externalKeyOf = (channel: "whatsapp" | "instagram") =>
  channel === "whatsapp" ? `wa:${wamid()}` : `ig:${randomBytes(16).toString("hex")}`;

/** Where the demo goes: a workspace named Demonstração, the default one while empty, or a new one. */
async function findDemoWorkspace(deps: Deps): Promise<{ id: string; name: string; isNew: boolean }> {
  const named = await deps.db
    .selectFrom("workspaces")
    .select(["id", "name"])
    .where("name", "=", DEMO_WORKSPACE_NAME)
    .orderBy("created_at")
    .executeTakeFirst();
  if (named) return { ...named, isNew: false };
  const fallback = await deps.db
    .selectFrom("workspaces")
    .select(["id", "name"])
    .where("is_default", "=", true)
    .executeTakeFirstOrThrow();
  return { ...fallback, isNew: (await countLeads(deps, fallback.id)) > 0 };
}

async function countLeads(deps: Deps, workspaceId: string): Promise<number> {
  const row = await deps.db
    .selectFrom("contacts")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where("workspace_id", "=", workspaceId)
    .where("deleted_at", "is", null)
    .where("merged_into", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function firstAdmin(deps: Deps, workspaceId: string) {
  return deps.db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["users.id", "users.email", "users.name"])
    .where("memberships.workspace_id", "=", workspaceId)
    .where("memberships.role", "=", "admin")
    .orderBy("memberships.created_at")
    .executeTakeFirstOrThrow();
}

/**
 * Seeds the demo workspace with `leads` people and the last `days` days of their story, replayed in
 * time order through the real use cases with the app's clock moved along: the spine for every lead
 * and vendor event (dedupe, scores, touches, audit), purchases and members-area events, conversations
 * and Chatwoot labels, the CRM (deals, moves, tasks, logged calls, SLA), the real-estate catalog, and
 * the automation rules with their queue (reviewed twice a day, WhatsApp sent to `whatsapp`, link
 * clicks and delivery statuses coming back). The clock is back at its start when it returns.
 */
export async function seedDemo(
  app: Pick<App, "deps" | "server">,
  clock: MovableClock,
  options: SeedDemoOptions,
): Promise<SeedDemoResult> {
  const startedAt = Date.now();
  const { deps } = app;
  const progress = options.progress ?? (() => undefined);
  if (deps.config.outbound.metaGraphUrl !== options.whatsapp.graphUrl) {
    throw new Error(
      "The demo sends WhatsApp messages to its simulated WhatsApp only: FUNIL_META_GRAPH_URL must be its graphUrl",
    );
  }
  const size = {
    leads: options.leads ?? DEMO_DEFAULTS.leads,
    days: options.days ?? DEMO_DEFAULTS.days,
    seed: options.seed ?? DEMO_DEFAULTS.seed,
  };
  const now = clock.now();
  const found = await findDemoWorkspace(deps);
  const existing = found.isNew ? 0 : await countLeads(deps, found.id);
  if (existing > 0 && !options.force) {
    return {
      outcome: "refused",
      workspaceId: found.id,
      workspaceName: found.name,
      adminEmail: (await firstAdmin(deps, found.id)).email,
      leads: existing,
      reason: `the workspace "${found.name}" already has ${existing.toLocaleString("en")} leads; run with --force to add the demo data to it anyway`,
    };
  }
  const plan = planDemo({ seed: size.seed, leads: size.leads, days: size.days, now });
  progress(
    `Planned ${plan.people.length.toLocaleString("en")} leads over ${size.days} days (seed ${size.seed}); replaying them through Funil…`,
  );
  try {
    const result = await replay(app, clock, { plan, found, options, progress, now, startedAt });
    return result;
  } finally {
    clock.set(now);
  }
}

async function replay(
  app: Pick<App, "deps" | "server">,
  clock: MovableClock,
  input: {
    plan: ReturnType<typeof planDemo>;
    found: { id: string; name: string; isNew: boolean };
    options: SeedDemoOptions;
    progress: (line: string) => void;
    now: Date;
    startedAt: number;
  },
): Promise<SeedDemoResult> {
  const { deps } = app;
  const { plan, progress } = input;
  const nowMs = input.now.getTime();
  const start = plan.start.getTime();
  const random = createRandom(plan.seed, "replay");
  const counters = { skipped: 0, failedLeads: 0, jobFailures: 0 };
  clock.set(new Date(start - 2 * HOUR));

  // --- The workspace and its team -------------------------------------------------------------------
  let workspaceId = input.found.id;
  if (input.found.isNew) {
    const owner = await firstAdmin(
      deps,
      (
        await deps.db
          .selectFrom("workspaces")
          .select("id")
          .where("is_default", "=", true)
          .executeTakeFirstOrThrow()
      ).id,
    );
    workspaceId = (await createWorkspace(deps, { name: DEMO_WORKSPACE_NAME, adminUserId: owner.id })).id;
  } else if (input.found.name !== DEMO_WORKSPACE_NAME) {
    // The empty default workspace becomes the demo one (there is no rename use case; a name only).
    await deps.db
      .updateTable("workspaces")
      .set({ name: DEMO_WORKSPACE_NAME })
      .where("id", "=", workspaceId)
      .execute();
  }
  const adminRow = await firstAdmin(deps, workspaceId);
  const admin: Member = {
    userId: adminRow.id,
    email: adminRow.email,
    name: adminRow.name ?? "Admin",
    role: "admin",
    viewer: {
      workspaceId,
      role: "admin",
      userId: adminRow.id,
      actor: { type: "user", id: adminRow.id, label: adminRow.email },
    },
  };
  const team = new Map<TeamKey, Member>();
  for (const person of TEAM) {
    const { userId } = await createUser(deps, {
      email: person.email,
      password: DEMO_PASSWORD,
      name: person.name,
      role: person.role,
      workspaceId,
      actor: admin.viewer.actor,
    });
    team.set(person.key, {
      userId,
      email: person.email,
      name: person.name,
      role: person.role,
      viewer: {
        workspaceId,
        role: person.role,
        userId,
        actor: { type: "user", id: userId, label: person.email },
      },
    });
  }
  const member = (key: TeamKey): Member => {
    const found = team.get(key);
    if (!found) throw new Error(`no demo member ${key}`);
    return found;
  };
  const byUserId = new Map([...team.values()].map((item) => [item.userId, item]));
  const manager = member("gestora");
  const cs = member("camila");

  // --- CRM: calendar, SLA, pipelines, assignment ------------------------------------------------------
  const years = [...new Set([plan.start.getUTCFullYear(), input.now.getUTCFullYear()])];
  await setCalendar(deps, {
    workspaceId,
    actor: admin.viewer.actor,
    calendar: BusinessCalendarSchema.parse({
      timeZone: "America/Sao_Paulo",
      days: [1, 2, 3, 4, 5],
      start: "09:00",
      end: "18:00",
      holidays: years.flatMap((year) => NATIONAL_HOLIDAYS.map((day) => `${year}-${day}`)),
    }),
  });
  // Again on a seeded workspace (--force): what exists is kept and used.
  const existingPipelines = (await listPipelines(deps, { workspaceId })).items;
  const pipelineNamed = async (name: string, template: "sales" | "real-estate") => {
    const found = existingPipelines.find((pipeline) => pipeline.name === name);
    if (found) return { pipeline: found, isNew: false };
    return {
      pipeline: await createPipeline(deps, { workspaceId, name, template, actor: manager.viewer.actor }),
      isNew: true,
    };
  };
  const vendas = await pipelineNamed("Vendas", "sales");
  const imoveis = await pipelineNamed("Imóveis", "real-estate");
  const stagesOf = (pipeline: PipelineView) => ({
    id: pipeline.id,
    stages: new Map(pipeline.stages.map((stage) => [stage.name, stage.id])),
  });
  const pipelines = { vendas: stagesOf(vendas.pipeline), imoveis: stagesOf(imoveis.pipeline) };
  if (vendas.isNew) {
    await createAssignmentRule(deps, {
      workspaceId,
      actor: manager.viewer.actor,
      rule: CreateAssignmentRuleSchema.parse({
        name: "Vendas: rodízio entre os vendedores",
        pipelineId: vendas.pipeline.id,
        strategy: "round_robin",
        ownerIds: SALES_REPS.map((key) => member(key).userId),
      }),
    });
  }
  if (imoveis.isNew) {
    await createAssignmentRule(deps, {
      workspaceId,
      actor: manager.viewer.actor,
      rule: CreateAssignmentRuleSchema.parse({
        name: "Imóveis: corretor com menos negócios abertos",
        pipelineId: imoveis.pipeline.id,
        strategy: "least_loaded",
        ownerIds: [member("patricia").userId, member("thiago").userId],
        maxOpenDeals: 60,
      }),
    });
  }
  const policies = new Set((await listSlaPolicies(deps, { workspaceId })).items.map((policy) => policy.name));
  for (const policy of [
    { name: "WhatsApp: primeira resposta em 30 min", source: "whatsapp", targetMinutes: 30 },
    { name: "Formulários (Typeform): 2 h úteis", source: "typeform", targetMinutes: 120 },
    { name: "Site (API): 2 h úteis", source: "api", targetMinutes: 120 },
  ]) {
    if (policies.has(policy.name)) continue;
    await createSlaPolicy(deps, {
      workspaceId,
      actor: manager.viewer.actor,
      policy: CreateSlaPolicySchema.parse(policy),
    });
  }

  // --- The WhatsApp connection (the Conexões page's route: no use case sits under it) -----------------
  // A workspace seeded before keeps its connection: the simulated WhatsApp answers as its number.
  const known = await findConnectionConfig(deps, { workspaceId, type: "meta" }, (config) => {
    const parsed = MetaConfigSchema.safeParse(config);
    return parsed.success && parsed.data.accessToken && parsed.data.phoneNumberId
      ? {
          appSecret: parsed.data.appSecret,
          verifyToken: parsed.data.verifyToken,
          accessToken: parsed.data.accessToken,
          phoneNumberId: parsed.data.phoneNumberId,
        }
      : null;
  });
  let connectionId: string;
  if (known) {
    input.options.whatsapp.adopt(known);
    const row = await deps.db
      .selectFrom("connections")
      .select("id")
      .where("workspace_id", "=", workspaceId)
      .where("type", "=", "meta")
      .where("disabled_at", "is", null)
      .orderBy("created_at")
      .executeTakeFirstOrThrow();
    connectionId = row.id;
  } else {
    const whatsapp = input.options.whatsapp.credentials();
    const token = await signSessionToken(
      deps.jwtKey,
      { userId: admin.userId, workspaceId, role: "admin" },
      clock.now(),
      600,
    );
    const connection = await app.server.inject({
      method: "POST",
      url: "/api/v1/connections",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload: JSON.stringify({
        type: "meta",
        name: "WhatsApp e Instagram (demonstração)",
        config: {
          appSecret: whatsapp.appSecret,
          verifyToken: whatsapp.verifyToken,
          accessToken: whatsapp.accessToken,
          phoneNumberId: whatsapp.phoneNumberId,
        },
      }),
    });
    if (connection.statusCode !== 201) {
      throw new Error(
        `the demo WhatsApp connection was refused: ${connection.statusCode} ${connection.body}`,
      );
    }
    connectionId = (connection.json() as { id: string }).id;
  }

  // --- Real-estate catalog ------------------------------------------------------------------------------
  const broker = member("patricia");
  const hasCatalog =
    (await realEstateDb(deps.db)
      .selectFrom("properties")
      .select("id")
      .where("workspace_id", "=", workspaceId)
      .limit(1)
      .executeTakeFirst()) !== undefined;
  for (const development of hasCatalog ? [] : DEVELOPMENTS) {
    const delivery = new Date(nowMs + development.deliveryInMonths * 30 * DAY).toISOString().slice(0, 10);
    const created = await createDevelopment(deps, {
      workspaceId,
      actor: broker.viewer.actor,
      development: CreateDevelopmentSchema.parse({
        name: development.name,
        developer: development.developer,
        street: development.street,
        number: development.number,
        neighborhood: development.neighborhood,
        city: development.city,
        state: development.state,
        status: development.status,
        deliveryDate: delivery,
        description: `Empreendimento de ${development.developer} em ${development.neighborhood}.`,
      }),
    });
    for (const unit of development.units) {
      await createUnit(deps, {
        workspaceId,
        actor: broker.viewer.actor,
        developmentId: created.id,
        unit: CreateUnitSchema.parse({
          unit: unit.unit,
          kind: "apartment",
          price: unit.price,
          areaM2: unit.areaM2,
          bedrooms: unit.bedrooms,
          bathrooms: Math.max(1, unit.bedrooms - 1),
          parking: unit.bedrooms >= 3 ? 2 : 1,
        }),
      });
    }
  }
  for (const property of hasCatalog ? [] : PROPERTIES) {
    await createProperty(deps, {
      workspaceId,
      actor: broker.viewer.actor,
      property: CreatePropertySchema.parse({ ...property }),
    });
  }

  // --- Scheduled rules run from the start of the story -------------------------------------------------
  const rules = await automationDb(deps.db)
    .selectFrom("automation_rules")
    .select(["id", "builtin", "schedule_cron"])
    .where("workspace_id", "=", workspaceId)
    .where("deleted_at", "is", null)
    .execute();
  for (const rule of rules) {
    if (rule.schedule_cron) {
      await updateRule(deps, {
        workspaceId,
        ruleId: rule.id,
        actor: manager.viewer.actor,
        change: { scheduleCron: rule.schedule_cron },
      });
    }
  }
  const builtinOf = new Map(rules.map((rule) => [rule.id, rule.builtin]));
  progress(
    `Workspace "${DEMO_WORKSPACE_NAME}": team of ${team.size}, pipelines Vendas and Imóveis, SLA, catalog, WhatsApp connection`,
  );

  // --- The replay ----------------------------------------------------------------------------------------
  const timeline = createTimeline(clock.now().getTime());
  const buckets = new Map<number, Entry[]>();
  let entrySeq = 0;
  const contacts = new Map<string, string>();
  const people = new Map<string, DemoPerson>();
  const products = new Map<string, string>();
  /** Buyers who will click our next message's link (by contact and product). */
  const awaiting = new Map<
    string,
    { person: DemoPerson; purchase: DemoPurchase; via: "welcome" | "rescue" }
  >();
  /** Students' progress (modules done) by contact and product. */
  const progressOf = new Map<string, { purchase: DemoPurchase; person: DemoPerson; done: number }>();
  const keyOf = (contactId: string, productId: string) => `${contactId}|${productId}`;
  const bucketEnd = (at: number) => (Math.floor(at / BUCKET) + 1) * BUCKET;
  const readyAt = (person: DemoPerson) => bucketEnd(person.arrivedAt.getTime()) + 1000;

  const fact = (at: number, entry: Omit<Entry, "at" | "seq">) => {
    let key = Math.floor(at / BUCKET);
    if ((key + 1) * BUCKET <= timeline.now()) key = Math.floor(timeline.now() / BUCKET);
    let list = buckets.get(key);
    if (!list) {
      list = [];
      buckets.set(key, list);
      const bucketKey = key;
      timeline.at((key + 1) * BUCKET, () => runBucket(bucketKey));
    }
    list.push({ ...entry, at, seq: entrySeq++ });
  };

  /** A step that may be refused by a rule of the app (a stage rule, a sold property…): counted, not fatal. */
  const tolerant = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      counters.skipped++;
    }
  };

  const actorOf = (entry: Entry): Actor =>
    entry.isHistorical
      ? admin.viewer.actor
      : { type: "integration", id: null, label: String(entry.lead?.source ?? "api") };

  async function runBucket(key: number, until = Number.POSITIVE_INFINITY) {
    const entries = (buckets.get(key) ?? []).filter((entry) => entry.at <= until);
    buckets.delete(key);
    entries.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const arriving = entries.filter((entry) => entry.lead !== undefined);
    const resolved = new Map<Entry, string>();
    if (arriving.length > 0) {
      const items = arriving.map((entry): IngestItem => {
        const parsed = LeadInputSchema.parse(entry.lead);
        const eventId = randomUUID();
        return {
          workspaceId,
          lead: normalizeLead(parsed, {
            defaultCountry: deps.config.contacts.defaultCountry,
            defaultSource: "api",
          }),
          actor: actorOf(entry),
          at: new Date(entry.at),
          eventId,
          event: {
            kind: "new",
            source: entry.isHistorical ? "import" : "api",
            idempotencyKey: eventId,
            contentType: "application/json",
            headers: {},
            body: JSON.stringify(entry.lead),
          },
          isHistorical: entry.isHistorical ?? false,
        };
      });
      const results = await ingestLeads(deps, items);
      results.forEach((result, index) => {
        const entry = arriving[index] as Entry;
        if (!result.ok) {
          counters.failedLeads++;
          return;
        }
        const contactId = result.value.contact.id;
        resolved.set(entry, contactId);
        if (entry.person) {
          if (!contacts.has(entry.person.key)) contacts.set(entry.person.key, contactId);
          people.set(contactId, entry.person);
        }
      });
    }
    const messages: ConversationFact[] = [];
    for (const entry of entries) {
      if (entry.messages) messages.push(...entry.messages);
      if (!entry.after) continue;
      const contactId = resolved.get(entry) ?? (entry.person ? contacts.get(entry.person.key) : undefined);
      if (contactId) await entry.after(contactId);
    }
    for (let from = 0; from < messages.length; from += 200) {
      await recordConversationFacts(deps, {
        workspaceId,
        connectionId,
        eventId: randomUUID(),
        contactId: null,
        facts: messages.slice(from, from + 200),
      });
    }
  }

  const conversation = (contactId: string, facts: ConversationFact[]) =>
    recordConversationFacts(deps, { workspaceId, connectionId, eventId: randomUUID(), contactId, facts });

  const messageFact = (
    person: DemoPerson,
    message: { at: Date | number; direction: "inbound" | "outbound"; text: string; isOptOut?: boolean },
    channel: "whatsapp" | "instagram" | "chatwoot",
    externalKey: string,
  ): ConversationFact => ({
    kind: "message",
    channel,
    direction: message.direction,
    externalKey,
    party:
      channel === "instagram"
        ? { kind: "instagram_id", value: String(person.lead.instagram_id ?? "") }
        : person.phone
          ? { kind: "phone", value: person.phone }
          : null,
    messageType: "text",
    text: message.text,
    at: iso(message.at),
    isOptOut: message.isOptOut ?? false,
  });

  /** Delivered a few seconds later, read (mostly) within hours; a few fail. */
  const deliveryOf = (
    rng: Random,
    input: { externalKey: string; phone: string; sentAt: number; callbackData?: string },
  ) => {
    const base = {
      kind: "status" as const,
      channel: "whatsapp" as const,
      externalKey: input.externalKey,
      party: { kind: "phone" as const, value: input.phone },
      error: null,
      ...(input.callbackData ? { callbackData: input.callbackData } : {}),
    };
    if (rng.chance(0.02)) {
      const at = input.sentAt + rng.int(3, 40) * 1000;
      fact(at, {
        person: null,
        messages: [
          {
            ...base,
            status: "failed",
            at: iso(at),
            error: "131049 This message was not delivered to maintain healthy ecosystem engagement",
          },
        ],
      });
      return;
    }
    const delivered = input.sentAt + rng.int(2, 40) * 1000;
    fact(delivered, { person: null, messages: [{ ...base, status: "delivered", at: iso(delivered) }] });
    if (rng.chance(0.78)) {
      const read = delivered + (rng.chance(0.6) ? rng.int(1, 45) : rng.int(45, 600)) * MINUTE;
      if (read < nowMs) fact(read, { person: null, messages: [{ ...base, status: "read", at: iso(read) }] });
    }
  };

  const buyerLead = (person: DemoPerson): LeadInput => ({
    name: person.buyer.name,
    email: person.buyer.email,
    ...(person.buyer.phone ? { phone: person.buyer.phone } : {}),
    source: "hotmart",
  });

  const purchaseFact = (purchase: DemoPurchase, status: "approved" | "refunded" | "chargeback", at: number) =>
    ({
      kind: "purchase",
      transaction: purchase.transaction,
      status,
      event:
        status === "approved"
          ? "PURCHASE_APPROVED"
          : status === "refunded"
            ? "PURCHASE_REFUNDED"
            : "PURCHASE_CHARGEBACK",
      occurredAt: new Date(at),
      product: { externalId: purchase.product.externalId, name: purchase.product.name },
      offerCode: purchase.offer.code,
      price: { value: purchase.offer.price, currency: "BRL" },
      paymentType: purchase.paymentType,
      approvedAt: status === "approved" ? new Date(at) : null,
      vendorStatus: status === "approved" ? "APPROVED" : status === "refunded" ? "REFUNDED" : "CHARGEBACK",
    }) satisfies SourceFacts;

  async function productIdOf(product: DemoProduct): Promise<string> {
    const known = products.get(product.key);
    if (known) return known;
    const row = await deps.db
      .withTables<StudentTables>()
      .selectFrom("products")
      .select("id")
      .where("workspace_id", "=", workspaceId)
      .where("external_id", "=", product.externalId)
      .executeTakeFirstOrThrow();
    // First seen: the producer points our tracked links at the members area.
    await updateProduct(deps, {
      workspaceId,
      productId: row.id,
      changes: { accessUrl: product.accessUrl, monitoring: true },
      actor: admin.viewer.actor,
    });
    products.set(product.key, row.id);
    return row.id;
  }

  async function completeModule(contactId: string, productId: string, index: number, at: number) {
    const state = progressOf.get(keyOf(contactId, productId));
    if (!state || index !== state.done || index >= state.purchase.product.modules.length) return;
    const { purchase, person } = state;
    await recordFacts(deps, {
      workspaceId,
      contactId,
      eventId: randomUUID(),
      facts: {
        kind: "club",
        event: "module_completed",
        occurredAt: new Date(at),
        product: { externalId: purchase.product.externalId, name: purchase.product.name },
        module: {
          id: `${purchase.product.key}-m${index + 1}`,
          name: purchase.product.modules[index] as string,
        },
        origin: null,
      },
    });
    state.done = index + 1;
    const rng = random.fork(`conquista/${person.key}/${purchase.transaction}/${index}`);
    if (index === 2 && rng.chance(0.4)) {
      const labelAt = at + rng.int(1, 6) * HOUR;
      if (labelAt < nowMs) {
        fact(labelAt, {
          person,
          after: () =>
            conversation(contactId, [
              {
                kind: "labels",
                conversationId: purchase.support?.conversationId ?? `9${purchase.transaction.slice(-5)}`,
                added: ["conquista"],
                removed: [],
                at: iso(labelAt),
              },
            ]),
        });
      }
    }
  }

  /** The modules after a first access, each some days after the last (none after a refund). */
  function planModules(
    contactId: string,
    productId: string,
    person: DemoPerson,
    purchase: DemoPurchase,
    accessAt: number,
  ) {
    progressOf.set(keyOf(contactId, productId), { purchase, person, done: 0 });
    let at = accessAt;
    purchase.moduleGaps.forEach((gap, index) => {
      at += gap;
      if (at >= nowMs || (purchase.reversal && at >= purchase.reversal.at.getTime())) return;
      const when = at;
      fact(when, { person, after: () => completeModule(contactId, productId, index, when) });
    });
  }

  async function firstAccess(contactId: string, person: DemoPerson, purchase: DemoPurchase, at: number) {
    const productId = await productIdOf(purchase.product);
    await recordFacts(deps, {
      workspaceId,
      contactId,
      eventId: randomUUID(),
      facts: {
        kind: "club",
        event: "first_access",
        occurredAt: new Date(at),
        product: { externalId: purchase.product.externalId, name: purchase.product.name },
        module: null,
        origin: "hotmart_email",
      },
    });
    planModules(contactId, productId, person, purchase, at);
  }

  async function onPurchase(contactId: string, person: DemoPerson, purchase: DemoPurchase) {
    const at = purchase.at.getTime();
    await recordFacts(deps, {
      workspaceId,
      contactId,
      eventId: randomUUID(),
      facts: purchaseFact(purchase, "approved", at),
    });
    const productId = await productIdOf(purchase.product);
    if (purchase.reversal) {
      const { status, at: reversedAt } = purchase.reversal;
      fact(reversedAt.getTime(), {
        person,
        lead: buyerLead(person),
        after: (id) =>
          recordFacts(deps, {
            workspaceId,
            contactId: id,
            eventId: randomUUID(),
            facts: purchaseFact(purchase, status, reversedAt.getTime()),
          }),
      });
    }
    const rng = random.fork(`access/${person.key}/${purchase.transaction}`);
    if (purchase.access === "email") {
      const accessAt = at + purchase.emailAccessAfter;
      if (accessAt < nowMs)
        fact(accessAt, { person, after: () => firstAccess(contactId, person, purchase, accessAt) });
    } else if (purchase.access === "welcome_link" || purchase.access === "rescue") {
      const key = keyOf(contactId, productId);
      awaiting.set(key, { person, purchase, via: purchase.access === "welcome_link" ? "welcome" : "rescue" });
      // No message came (or it was not clicked in time): some find the platform's e-mail later.
      const giveUp = at + (purchase.access === "welcome_link" ? 2 : 8) * DAY;
      if (giveUp < nowMs) {
        timeline.at(giveUp, async () => {
          if (!awaiting.has(key)) return;
          awaiting.delete(key);
          if (rng.chance(purchase.access === "welcome_link" ? 0.7 : 0.4)) {
            const accessAt = giveUp + rng.int(10, 20 * 60) * MINUTE;
            if (accessAt < nowMs)
              fact(accessAt, { person, after: () => firstAccess(contactId, person, purchase, accessAt) });
          }
        });
      }
    }
    const support = purchase.support;
    if (support) {
      const opened = support.at.getTime();
      fact(opened, {
        person,
        after: () =>
          conversation(contactId, [
            messageFact(
              person,
              { at: opened, direction: "inbound", text: support.topic.opener },
              "chatwoot",
              `cw:demo:${support.conversationId}:1`,
            ),
            {
              kind: "labels",
              conversationId: support.conversationId,
              added: [support.topic.label],
              removed: [],
              at: iso(opened + 4 * MINUTE),
            },
          ]),
      });
      fact(support.repliedAt.getTime(), {
        person,
        after: () =>
          conversation(contactId, [
            messageFact(
              person,
              { at: support.repliedAt, direction: "outbound", text: support.topic.reply },
              "chatwoot",
              `cw:demo:${support.conversationId}:2`,
            ),
          ]),
      });
      if (support.solvedAt) {
        const solved = support.solvedAt.getTime();
        fact(solved, {
          person,
          after: () =>
            conversation(contactId, [
              {
                kind: "labels",
                conversationId: support.conversationId,
                added: ["satisfeito"],
                removed: [support.topic.label],
                at: iso(solved),
              },
            ]),
        });
      }
    }
  }

  async function afterArrival(contactId: string, person: DemoPerson) {
    const form = (person.lead.custom as { typeform?: { form?: string } } | undefined)?.typeform?.form;
    if (form && random.fork(`consent/${person.key}`).chance(0.35)) {
      await recordConsent(deps, {
        workspaceId,
        actor: { type: "integration", id: null, label: "typeform" },
        consent: {
          contactId,
          channel: "email",
          category: "marketing",
          granted: true,
          source: `typeform:${form}`,
        },
      });
    }
    const first = person.purchases[0];
    if (person.source === "hotmart" && first) await onPurchase(contactId, person, first);
  }

  function schedulePerson(person: DemoPerson) {
    // Not on WhatsApp: the simulated Cloud API answers 131026 for this number, as Meta would.
    if (person.isUnreachable && person.phone) input.options.whatsapp.unreachable.add(person.phone.slice(1));
    const arrived = person.arrivedAt.getTime();
    const ready = readyAt(person);
    const opener = person.messageChannel ? person.messages[0] : undefined;
    fact(arrived, {
      person,
      lead: person.lead,
      isHistorical: person.source === "import",
      ...(opener && person.messageChannel
        ? {
            messages: [
              messageFact(person, opener, person.messageChannel, externalKeyOf(person.messageChannel)),
            ],
          }
        : {}),
      after: (id) => afterArrival(id, person),
    });
    // The rest of the conversation: our replies (with their delivery), their answers, an opt-out.
    person.messages.slice(person.messageChannel ? 1 : 0).forEach((message, index) => {
      const at = message.at.getTime();
      const channel = person.messageChannel ?? "whatsapp";
      const externalKey = externalKeyOf(channel);
      fact(at, {
        person,
        ...(message.isOptOut && person.phone
          ? {
              lead: {
                phone: person.phone,
                source: "whatsapp",
                custom: { optOut: { channel: "whatsapp", at: iso(at) } },
              },
            }
          : {}),
        messages: [messageFact(person, message, channel, externalKey)],
      });
      if (message.direction === "outbound" && channel === "whatsapp" && person.phone) {
        deliveryOf(random.fork(`reply/${person.key}/${index}`), {
          externalKey,
          phone: person.phone,
          sentAt: at,
        });
      }
    });
    if (person.firstResponse) {
      const response = person.firstResponse;
      timeline.at(Math.max(response.at.getTime(), ready), async () => {
        const contactId = contacts.get(person.key);
        if (!contactId) return;
        await logInteraction(deps, {
          viewer: member(response.by).viewer,
          contactId,
          interaction: {
            channel: response.channel,
            direction: "outbound",
            result: response.result,
            text:
              response.channel === "call"
                ? "Primeiro contato por telefone após o formulário."
                : "Mensagem de boas-vindas enviada pelo WhatsApp do time.",
            occurredAt: response.at.toISOString(),
          },
        });
      });
    }
    person.purchases.forEach((purchase, index) => {
      if (index === 0 && person.source === "hotmart") return;
      fact(purchase.at.getTime(), {
        person,
        lead: buyerLead(person),
        after: (id) => onPurchase(id, person, purchase),
      });
    });
    if (person.deal) {
      const deal = person.deal;
      timeline.at(Math.max(deal.at.getTime(), ready), () => tolerant(() => openDeal(person, deal)));
    }
  }

  const STEP_TASKS: Record<
    string,
    { title: (first: string) => string; kind: "call" | "meeting" | "visit" | "email" | "whatsapp" }
  > = {
    Qualificação: { title: (first) => `Ligar para ${first}`, kind: "call" },
    Reunião: { title: (first) => `Reunião de diagnóstico com ${first}`, kind: "meeting" },
    Visita: { title: (first) => `Visita ao imóvel com ${first}`, kind: "visit" },
    Proposta: { title: (first) => `Enviar proposta para ${first}`, kind: "email" },
  };
  const closingTask = {
    title: (first: string) => `Cobrar retorno da proposta de ${first}`,
    kind: "whatsapp" as const,
  };

  async function openDeal(person: DemoPerson, deal: DemoDeal) {
    const contactId = contacts.get(person.key);
    if (!contactId) return;
    const creator = member(deal.createdBy);
    const pipeline = pipelines[deal.pipeline];
    const firstName = person.name.split(" ")[0] ?? person.name;
    if (deal.pipeline === "imoveis" && person.realEstate) {
      const city = typeof person.lead.city === "string" ? person.lead.city : null;
      await setInterest(deps, {
        workspaceId,
        contactId,
        actor: creator.viewer.actor,
        interest: InterestSchema.parse({
          purpose: person.realEstate.purpose,
          kinds: person.realEstate.kinds,
          priceMax: person.realEstate.priceMax,
          bedroomsMin: person.realEstate.bedroomsMin,
          cities: city ? [city] : [],
          notes: typeof person.lead.interest === "string" ? person.lead.interest : null,
        }),
      });
    }
    const created = await createDeal(deps, {
      viewer: creator.viewer,
      contactId,
      pipelineId: pipeline.id,
      title: deal.pipeline === "vendas" ? `Mentoria – ${person.name}` : `Imóvel – ${person.name}`,
      ...(deal.value !== null ? { value: deal.value } : {}),
    });
    const owner = (created.owner && byUserId.get(created.owner.id)) ?? manager;
    const dealId = created.id;
    let openTask: string | null = null;
    let hasProperty = false;
    const plannedTask = async (task: { title: string; kind: string; dueAt: number }, remind: boolean) => {
      const view = await createTask(deps, {
        viewer: owner.viewer,
        task: CreateTaskSchema.parse({
          title: task.title,
          kind: task.kind,
          dueAt: iso(task.dueAt),
          ...(remind && task.dueAt - 30 * MINUTE > clock.now().getTime()
            ? { remindAt: iso(task.dueAt - 30 * MINUTE) }
            : {}),
          ownerId: owner.userId,
          dealId,
        }),
      });
      openTask = view.id;
    };
    const nextStep = async (index: number) => {
      const next = deal.moves[index];
      if (next) {
        const step = STEP_TASKS[next.stage] ?? closingTask;
        await plannedTask({ title: step.title(firstName), kind: step.kind, dueAt: next.at.getTime() }, false);
      } else if (deal.nextTask) {
        await plannedTask(
          { title: deal.nextTask.title, kind: deal.nextTask.kind, dueAt: deal.nextTask.dueAt.getTime() },
          random.fork(`remind/${person.key}`).chance(0.5),
        );
      }
    };
    await nextStep(0);
    deal.moves.forEach((move, index) => {
      timeline.at(move.at, () =>
        tolerant(async () => {
          const stageId = pipeline.stages.get(move.stage);
          if (!stageId) return;
          const closes = move.stage === "Ganho" || move.stage === "Fechado";
          if (deal.pipeline === "imoveis" && !hasProperty && (move.stage === "Proposta" || closes)) {
            const matches = await matchProperties(deps, { workspaceId, contactId, limit: 3 });
            const best = matches.items[0]?.property;
            await updateDeal(deps, {
              viewer: owner.viewer,
              dealId,
              changes: best
                ? { propertyId: best.id, value: best.price }
                : {
                    propertyRef: "Imóvel de terceiros indicado pelo cliente",
                    value: person.realEstate?.priceMax ?? 450_000,
                  },
            });
            hasProperty = true;
          }
          if (openTask) {
            const taskId: string = openTask;
            openTask = null;
            await updateTask(deps, { viewer: owner.viewer, taskId, changes: { status: "done" } });
          }
          const previous = deal.moves[index - 1]?.stage;
          if (previous === "Visita") {
            await logInteraction(deps, {
              viewer: owner.viewer,
              contactId,
              interaction: {
                channel: "visit",
                direction: "outbound",
                result: random
                  .fork(`visit/${person.key}`)
                  .pick(["gostou do imóvel", "quer ver outras opções", "vai pensar"]),
                text: "Visita acompanhada pelo corretor.",
                occurredAt: iso(move.at.getTime() - 2 * HOUR),
              },
            });
          }
          await moveDeal(deps, {
            viewer: owner.viewer,
            dealId,
            stageId,
            ...(move.reason ? { reason: move.reason } : {}),
          });
          if (move.stage !== "Perdido" && !closes) await nextStep(index + 1);
        }),
      );
    });
  }

  // Students who click our messages' links; statuses of every message we sent; follow-ups done.
  let lastCollect = clock.now().getTime();
  // Sends of an earlier seeding (--force) are no news: their time may even lie ahead of the replay.
  const collected = new Set(
    (
      await automationDb(deps.db)
        .selectFrom("dispatches")
        .select("id")
        .where("workspace_id", "=", workspaceId)
        .where("sent_at", "is not", null)
        .execute()
    ).map((row) => row.id),
  );
  async function collectSends() {
    const since = new Date(lastCollect);
    lastCollect = clock.now().getTime();
    const isNew = (row: { id: string }) => !collected.has(row.id) && collected.add(row.id) !== undefined;
    const tasks = await sql<{ id: string; task_id: string; sent_at: Date; contact_id: string }>`
      select id, provider_message_id as task_id, sent_at, contact_id from dispatches
      where workspace_id = ${workspaceId} and channel = 'task' and status = 'sent'
        and provider_message_id is not null and sent_at >= ${since}
      order by sent_at, id
    `.execute(deps.db);
    for (const row of tasks.rows.filter(isNew)) {
      // The team works most follow-ups the rules create, around when they are due (an hour later).
      const person = people.get(row.contact_id);
      const rng = random.fork(
        `follow-up/${person?.key ?? row.contact_id}/${new Date(row.sent_at).toISOString()}`,
      );
      const doneAt = new Date(row.sent_at).getTime() + rng.int(20, 180) * MINUTE;
      if (!rng.chance(0.8) || doneAt >= nowMs) continue;
      timeline.at(doneAt, () =>
        tolerant(async () => {
          await updateTask(deps, {
            viewer: manager.viewer,
            taskId: row.task_id,
            changes: { status: "done" },
          });
        }),
      );
    }
    const { rows } = await sql<{
      id: string;
      contact_id: string;
      product_id: string | null;
      rule_id: string | null;
      sent_at: Date;
      provider_message_id: string;
      token: string | null;
      phone: string | null;
    }>`
      select d.id, d.contact_id, d.product_id, d.rule_id, d.sent_at, d.provider_message_id, t.token, c.phone
      from dispatches d
      join contacts c on c.id = d.contact_id
      left join tracked_links t on t.dispatch_id = d.id
      where d.workspace_id = ${workspaceId} and d.channel = 'whatsapp' and d.status = 'sent'
        and d.provider_message_id is not null and d.sent_at >= ${since}
      order by d.sent_at, d.id
    `.execute(deps.db);
    for (const row of rows.filter(isNew)) {
      const sentAt = new Date(row.sent_at).getTime();
      const person = people.get(row.contact_id);
      const builtin = row.rule_id ? (builtinOf.get(row.rule_id) ?? null) : null;
      const rng = random.fork(`sent/${person?.key ?? row.contact_id}/${builtin}/${sentAt}`);
      if (row.phone) {
        deliveryOf(rng, {
          externalKey: `wa:${row.provider_message_id}`,
          phone: row.phone,
          sentAt,
          callbackData: `dispatch:${row.id}`,
        });
      }
      if (!person || !row.product_id || !row.token) continue;
      const key = keyOf(row.contact_id, row.product_id);
      const waiting = awaiting.get(key);
      const linkToken = row.token;
      if (waiting && (builtin === "welcome" || builtin === "access_rescue")) {
        if (waiting.via === "rescue" && builtin === "welcome") continue;
        awaiting.delete(key);
        const clickAt = sentAt + waiting.purchase.clickAfter;
        if (clickAt >= nowMs) continue;
        timeline.at(clickAt, async () => {
          await followTrackedLink(deps, { token: linkToken });
          const accessAt = clickAt + waiting.purchase.accessAfterClick;
          if (accessAt < nowMs) {
            fact(accessAt, {
              person,
              after: () => firstAccess(row.contact_id, waiting.person, waiting.purchase, accessAt),
            });
          }
        });
      } else if (builtin === "stalled_student" && rng.chance(0.45)) {
        // A nudge that works: the student clicks and finishes the module in a day or two.
        const state = progressOf.get(key);
        const clickAt = sentAt + rng.int(5, 240) * MINUTE;
        const doneAt = clickAt + rng.int(6, 40) * HOUR;
        if (!state || clickAt >= nowMs) continue;
        const index = state.done;
        const productId = row.product_id;
        timeline.at(clickAt, async () => {
          await followTrackedLink(deps, { token: linkToken });
          if (doneAt < nowMs)
            fact(doneAt, { person, after: () => completeModule(row.contact_id, productId, index, doneAt) });
        });
      }
    }
  }

  /**
   * Runs what the changes queued (rule evaluations, sends, alert deliveries…) with the app's own job
   * handlers, in the order queued, at the simulated time: the jobs of production without the trip
   * through pg-boss, which would cost more than the jobs themselves at every simulated checkpoint.
   */
  const jobs = new Map(allJobs(deps).map((job) => [job.name, job]));
  async function runQueuedJobs() {
    for (let round = 0; round < 20; round++) {
      const rows = await deps.db
        .deleteFrom("outbox")
        .where("id", "in", deps.db.selectFrom("outbox").select("id").orderBy("id").limit(1000))
        .returning(["id", "queue", "payload", "singleton_key"])
        .execute();
      if (rows.length === 0) return;
      rows.sort((a, b) => a.id - b.id);
      const seen = new Set<string>();
      const byQueue = new Map<string, { id: string; data: unknown }[]>();
      for (const row of rows) {
        if (row.singleton_key) {
          if (seen.has(row.singleton_key)) continue;
          seen.add(row.singleton_key);
        }
        const list = byQueue.get(row.queue) ?? [];
        list.push({ id: String(row.id), data: row.payload });
        byQueue.set(row.queue, list);
      }
      for (const [name, items] of byQueue) {
        const job = jobs.get(name);
        if (!job) {
          counters.jobFailures += items.length;
          continue;
        }
        const valid = items.flatMap((item) => {
          const parsed = job.schema.safeParse(item.data);
          return parsed.success ? [{ id: item.id, data: parsed.data }] : [];
        });
        counters.jobFailures += items.length - valid.length;
        const size = job.batchSize ?? 10;
        for (let from = 0; from < valid.length; from += size) {
          const slice = valid.slice(from, from + size);
          try {
            if (job.handleBatch) counters.jobFailures += (await job.handleBatch(slice)).length;
            else for (const item of slice) await job.handler?.(item.data, { jobId: item.id });
          } catch (error) {
            counters.jobFailures += slice.length;
            deps.log.warn({ job: name, err: error }, "a demo job failed");
          }
        }
      }
    }
  }

  /** What the scheduler does every minute, done at each checkpoint, then the queued jobs. */
  async function checkpoint(options: { sla: boolean }) {
    await runDueRules(deps);
    await sweepDispatches(deps);
    if (options.sla) await sweepSla(deps, { workspaceId });
    await sendTaskReminders(deps);
    await runQueuedJobs();
    await collectSends();
  }

  const REJECT_NOTES = [
    "Já está em atendimento com o time",
    "Contato resolvido por e-mail",
    "Cliente pediu para falar depois",
  ];

  async function review() {
    const at = clock.now();
    const { rows } = await sql<{
      id: string;
      contact_id: string;
      rule_id: string | null;
      channel: string;
      created_at: Date;
    }>`
      select d.id, d.contact_id, d.rule_id, d.channel, d.created_at from dispatches d
      where d.workspace_id = ${workspaceId} and d.status = 'pending'
        and (d.expires_at is null or d.expires_at > ${at}) and d.created_at <= ${new Date(at.getTime() - 30 * MINUTE)}
      order by d.created_at, d.id
    `.execute(deps.db);
    const approvals = new Map<Member, string[]>();
    for (const row of rows) {
      const builtin = row.rule_id ? (builtinOf.get(row.rule_id) ?? "custom") : "custom";
      const person = people.get(row.contact_id);
      const created = new Date(row.created_at).toISOString();
      // One decision per suggestion (all actions of a hot lead together), the same at every review.
      const rng = random.fork(
        `review/${person?.key ?? row.contact_id}/${builtin}/${created}${builtin === "hot_lead" ? "" : `/${row.channel}`}`,
      );
      const roll = rng.next();
      const reviewer = builtin === "hot_lead" ? manager : cs;
      const note = rng.pick(REJECT_NOTES);
      const approve = async () => {
        approvals.set(reviewer, [...(approvals.get(reviewer) ?? []), row.id]);
      };
      const reject = () =>
        tolerant(async () => {
          await rejectDispatch(deps, { workspaceId, dispatchId: row.id, actor: reviewer.viewer.actor, note });
        });
      if (builtin === "hot_lead") {
        if (roll < 0.3) await approve();
        else if (roll < 0.45) await reject();
      } else if (builtin === "access_rescue") {
        if (roll < 0.05 && person) {
          // Edited by hand: free text, which WhatsApp only takes inside the 24-hour window.
          const first = person.name.split(" ")[0] ?? "";
          await tolerant(async () => {
            await approveDispatch(deps, {
              workspaceId,
              dispatchId: row.id,
              actor: reviewer.viewer.actor,
              body: `Oi, ${first}! Aqui é a Camila, do suporte. Vi que você ainda não entrou no curso: posso te ajudar com o acesso?`,
            });
          });
        } else if (roll < 0.65) await approve();
        else if (roll < 0.75) await reject();
      } else if (builtin === "stalled_student") {
        if (roll < 0.5) await approve();
        else if (roll < 0.6) await reject();
      } else if (builtin === "module_completed") {
        const isLabel = row.channel === "chatwoot_label";
        if (roll < (isLabel ? 0.06 : 0.4)) await approve();
        else if (roll < (isLabel ? 0.36 : 0.55)) await reject();
      }
    }
    // Approved together, as the queue's checkboxes do; rejections one by one, each with its note.
    for (const [reviewer, ids] of approvals) {
      await decideMany(deps, { workspaceId, actor: reviewer.viewer.actor, status: "approved", ids });
    }
  }

  for (const person of plan.people) schedulePerson(person);
  for (let day = start - DAY; day <= nowMs + DAY; day += DAY) {
    for (const [hour, minute, options] of CHECKPOINTS) {
      const at = atLocal(day, hour, minute);
      if (at > start && at < nowMs) timeline.at(at, () => checkpoint(options));
    }
    const weekday = localWeekday(day);
    if (weekday >= 1 && weekday <= 5) {
      for (const [hour, minute] of REVIEWS) {
        const at = atLocal(day, hour, minute);
        if (at > start && at < nowMs) timeline.at(at, review);
      }
    }
  }

  let nextReport = start + 7 * DAY;
  const weeks = Math.ceil((nowMs - start) / (7 * DAY));
  await timeline.play(nowMs, (at) => {
    clock.set(new Date(at));
    if (at >= nextReport) {
      nextReport += 7 * DAY;
      const week = Math.round((at - start) / (7 * DAY));
      progress(
        `  week ${week}/${weeks}: ${contacts.size.toLocaleString("en")} leads so far (${((Date.now() - input.startedAt) / 1000).toFixed(1)} s)`,
      );
    }
  });
  // What happened until now and is not yet recorded (the last window), then the last scheduler pass.
  clock.set(input.now);
  // (What those record may bring more of, up to now: a few passes.)
  for (let pass = 0; pass < 5 && buckets.size > 0; pass++) {
    for (const key of [...buckets.keys()].sort((a, b) => a - b)) await runBucket(key, nowMs);
  }
  await checkpoint({ sla: true });

  // --- Cohorts (turmas) by purchase period, enrollment dates, counts --------------------------------------
  for (const product of PRODUCTS) {
    const productId = products.get(product.key);
    if (!productId) continue;
    for (const [cohort, fromDays, toDays] of product.cohorts) {
      await assignCohort(deps, {
        workspaceId,
        actor: admin.viewer.actor,
        assignment: {
          productId,
          from: iso(Math.max(nowMs - fromDays * DAY, start - DAY)),
          to: iso(toDays === 0 ? nowMs + HOUR : nowMs - toDays * DAY),
          cohort,
        },
      });
    }
  }
  // Backdating: an enrollment (and a product) began with its first purchase, not when the row was made.
  await sql`
    update enrollments e set created_at = first.at
    from (
      select contact_id, product_id, min(coalesce(approved_at, last_event_at)) as at
      from purchases where workspace_id = ${workspaceId} group by contact_id, product_id
    ) first
    where e.workspace_id = ${workspaceId} and e.contact_id = first.contact_id and e.product_id = first.product_id
  `.execute(deps.db);
  await sql`
    update products p set created_at = first.at
    from (select product_id, min(coalesce(approved_at, last_event_at)) as at from purchases
          where workspace_id = ${workspaceId} group by product_id) first
    where p.id = first.product_id
  `.execute(deps.db);

  const counts = await countAll(deps, workspaceId);
  counts.skippedSteps = counters.skipped;
  counts.failedLeads = counters.failedLeads;
  counts.failedJobs = counters.jobFailures;
  return {
    outcome: "seeded",
    workspaceId,
    workspaceName: DEMO_WORKSPACE_NAME,
    adminEmail: admin.email,
    team: TEAM.map((item) => ({ email: item.email, name: item.name, role: item.role })),
    password: DEMO_PASSWORD,
    counts,
    elapsedMs: Date.now() - input.startedAt,
  };
}

/** What the demo workspace holds, for the summary. */
async function countAll(deps: Deps, workspaceId: string): Promise<Record<string, number>> {
  const { rows } = await sql<Record<string, number>>`
    select
      (select count(*)::int from contacts where workspace_id = ${workspaceId} and deleted_at is null and merged_into is null) as leads,
      (select count(*)::int from contact_scores s join contacts c on c.id = s.contact_id
        where c.workspace_id = ${workspaceId} and s.temperature = 'hot' and c.merged_into is null) as hot,
      (select count(*)::int from purchases where workspace_id = ${workspaceId}) as purchases,
      (select count(*)::int from purchases where workspace_id = ${workspaceId} and status in ('refunded', 'chargeback')) as reversed,
      (select count(*)::int from enrollments where workspace_id = ${workspaceId}) as enrollments,
      (select count(*)::int from enrollments where workspace_id = ${workspaceId} and first_access_at is not null) as "firstAccesses",
      (select count(*)::int from enrollments where workspace_id = ${workspaceId} and first_access_origin = 'whatsapp_link') as "viaWhatsAppLink",
      (select count(*)::int from interactions where workspace_id = ${workspaceId}) as interactions,
      (select count(*)::int from tag_events where workspace_id = ${workspaceId}) as "tagEvents",
      (select count(*)::int from deals where workspace_id = ${workspaceId} and deleted_at is null) as deals,
      (select count(*)::int from tasks where workspace_id = ${workspaceId} and deleted_at is null) as tasks,
      (select count(*)::int from dispatches where workspace_id = ${workspaceId}) as dispatches,
      (select count(*)::int from alerts where workspace_id = ${workspaceId}) as alerts,
      (select count(*)::int from properties where workspace_id = ${workspaceId} and deleted_at is null) as properties
  `.execute(deps.db);
  const byStatus = await sql<{ status: string; count: number }>`
    select status, count(*)::int as count from dispatches where workspace_id = ${workspaceId} group by status order by status
  `.execute(deps.db);
  const counts: Record<string, number> = { ...(rows[0] ?? {}) };
  for (const row of byStatus.rows) counts[`dispatches.${row.status}`] = row.count;
  return counts;
}
