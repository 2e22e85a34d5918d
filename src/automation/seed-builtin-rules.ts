import type { Kysely, Transaction } from "kysely";
import { sql } from "kysely";
import { workspaceTimeZone } from "../crm/sweep-sla.ts";
import type { Deps } from "../deps.ts";
import type { DB } from "../platform/db/schema.ts";
import { nextCronRun } from "./next-cron-run.ts";
import type {
  Action,
  AutomationDB,
  AutomationEvent,
  Condition,
  ScheduleQuery,
  TemplateCategory,
} from "./schemas.ts";
import { automationDb } from "./schemas.ts";

interface BuiltinRule {
  builtin: string;
  name: string;
  mode: "suggest" | "auto";
  /** Off until someone switches it on (rules that would fill the queue for every lead). */
  enabled?: false;
  event?: AutomationEvent;
  schedule?: { query: ScheduleQuery; cron: string };
  conditions: Condition[];
  actions: Action[];
}

/**
 * The rules every workspace starts with, from the seeds (terceiriza-cs-flows.md, streamleads): only the
 * welcome is automatic; everything else waits for a person in the dispatch queue until switched to auto.
 */
export const BUILTIN_RULES: readonly BuiltinRule[] = [
  {
    builtin: "welcome",
    name: "Compra aprovada → boas-vindas no WhatsApp",
    mode: "auto",
    event: "purchase.approved",
    conditions: [{ field: "product.monitoring", op: "eq", value: true }],
    actions: [{ type: "send_whatsapp", template: "welcome" }],
  },
  {
    builtin: "access_rescue",
    name: "Resgate de acesso (comprou há mais de 24 h e não acessou)",
    mode: "suggest",
    schedule: { query: "access_rescue", cron: "0 9 * * *" },
    conditions: [],
    actions: [{ type: "send_whatsapp", template: "access_rescue" }],
  },
  {
    builtin: "stalled_student",
    name: "Aluno parado (7 dias sem progresso no módulo)",
    mode: "suggest",
    schedule: { query: "stalled_students", cron: "0 9 * * 1" },
    conditions: [],
    actions: [{ type: "send_whatsapp", template: "stalled" }],
  },
  {
    builtin: "module_completed",
    name: "Módulo concluído → parabéns + etiqueta Conquista",
    mode: "suggest",
    event: "module.completed",
    conditions: [],
    actions: [
      { type: "send_whatsapp", template: "congratulation" },
      { type: "chatwoot_label", label: "Conquista" },
    ],
  },
  {
    builtin: "hot_lead",
    name: "Lead quente → avisar vendas, CRM, webhook e follow-up em 1 h",
    mode: "suggest",
    event: "lead.temperature_changed",
    conditions: [{ field: "event.temperature", op: "eq", value: "hot" }],
    actions: [
      { type: "notify_slack", template: "hot_lead" },
      { type: "push_to_pipeline" },
      { type: "partner_webhook", event: "lead.hot" },
      { type: "create_task", title: "Follow-up: lead quente", dueInMinutes: 60 },
    ],
  },
  {
    builtin: "warm_lead",
    name: "Lead morno → e-mail de nutrição com PDF, sequência e follow-up em 3 dias",
    mode: "suggest",
    enabled: false,
    event: "lead.temperature_changed",
    conditions: [{ field: "event.temperature", op: "eq", value: "warm" }],
    actions: [
      { type: "send_email", template: "nurture" },
      { type: "send_email", template: "nurture_followup", delayMinutes: 3 * 24 * 60 },
      { type: "create_task", title: "Follow-up: lead morno", dueInMinutes: 3 * 24 * 60 },
    ],
  },
  {
    builtin: "cold_lead",
    name: "Lead frio → CRM, follow-up em 7 dias e lista de remarketing",
    mode: "suggest",
    enabled: false,
    event: "lead.temperature_changed",
    conditions: [{ field: "event.temperature", op: "eq", value: "cold" }],
    actions: [
      { type: "push_to_pipeline" },
      { type: "create_task", title: "Follow-up: lead frio", dueInMinutes: 7 * 24 * 60 },
      { type: "add_tag", tag: "remarketing" },
    ],
  },
];

interface BuiltinTemplate {
  purpose: string;
  channel: "whatsapp" | "email" | "slack";
  category: TemplateCategory;
  whatsappName?: string;
  subject?: string;
  body: string;
}

/** pt-BR defaults; a workspace edits them, or adds one per product. */
export const BUILTIN_TEMPLATES: readonly BuiltinTemplate[] = [
  {
    purpose: "welcome",
    channel: "whatsapp",
    category: "transactional",
    whatsappName: "boas_vindas_aluno",
    body: "Olá, {{first_name}}! Sua compra de {{product}} foi aprovada. Acesse sua área de membros por aqui: {{link}}",
  },
  {
    purpose: "access_rescue",
    channel: "whatsapp",
    category: "transactional",
    whatsappName: "resgate_acesso",
    body: "Oi, {{first_name}}! Vimos que você ainda não acessou {{product}}. Precisa de ajuda? Seu acesso: {{link}}",
  },
  {
    purpose: "stalled",
    channel: "whatsapp",
    category: "transactional",
    whatsappName: "aluno_parado",
    body: "Oi, {{first_name}}! Sentimos sua falta em {{product}}. Que tal continuar de onde parou ({{module}})? {{link}}",
  },
  {
    purpose: "congratulation",
    channel: "whatsapp",
    category: "transactional",
    whatsappName: "parabens_modulo",
    body: "Parabéns, {{first_name}}! Você concluiu {{module}} de {{product}}. Continue assim! {{link}}",
  },
  {
    purpose: "hot_lead",
    channel: "slack",
    category: "transactional",
    // No name or contact details: the alert list and Slack are no place for personal data; the link is.
    body: "🔥 Lead quente ({{source}}), pontuação {{score}}. Abrir: {{lead_url}}",
  },
  {
    purpose: "nurture",
    channel: "email",
    category: "marketing",
    subject: "{{first_name}}, o material que você pediu",
    body: "Olá, {{first_name}}!\n\nSegue em anexo o nosso guia. Qualquer dúvida, é só responder este e-mail.\n",
  },
  {
    purpose: "nurture_followup",
    channel: "email",
    category: "marketing",
    subject: "{{first_name}}, conseguiu ler o guia?",
    body: "Olá, {{first_name}}!\n\nConseguiu ler o guia que enviamos? Podemos conversar sobre o seu caso.\n",
  },
];

type Executor = Kysely<DB> | Transaction<DB>;

/** Adds the built-in rules and templates a workspace lacks (safe to run again: keyed by name). */
export async function seedBuiltinRules(
  deps: Pick<Deps, "clock">,
  executor: Executor,
  workspaceId: string,
): Promise<void> {
  const db: Kysely<AutomationDB> = automationDb(executor);
  const now = deps.clock.now();
  const timeZone = await workspaceTimeZone({ db: executor }, workspaceId);
  await db
    .insertInto("automation_rules")
    .values(
      BUILTIN_RULES.map((rule) => ({
        workspace_id: workspaceId,
        builtin: rule.builtin,
        name: rule.name,
        mode: rule.mode,
        enabled: rule.enabled ?? true,
        trigger_kind: rule.event ? ("event" as const) : ("schedule" as const),
        trigger_event: rule.event ?? null,
        schedule_query: rule.schedule?.query ?? null,
        schedule_cron: rule.schedule?.cron ?? null,
        next_run_at: rule.schedule ? nextCronRun(rule.schedule.cron, now, timeZone) : null,
        conditions: JSON.stringify(rule.conditions),
        actions: JSON.stringify(rule.actions),
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((conflict) =>
      conflict.columns(["workspace_id", "builtin"]).where("builtin", "is not", null).doNothing(),
    )
    .execute();
  await sql`
    insert into message_templates (workspace_id, purpose, channel, category, whatsapp_name, subject, body)
    select ${workspaceId}::uuid, t.purpose, t.channel, t.category, t.whatsapp_name, t.subject, t.body
    from jsonb_to_recordset(${JSON.stringify(
      BUILTIN_TEMPLATES.map((template) => ({
        purpose: template.purpose,
        channel: template.channel,
        category: template.category,
        whatsapp_name: template.whatsappName ?? null,
        subject: template.subject ?? null,
        body: template.body,
      })),
    )}::jsonb) as t(purpose text, channel text, category text, whatsapp_name text, subject text, body text)
    where not exists (
      select 1 from message_templates m
      where m.workspace_id = ${workspaceId}::uuid and m.purpose = t.purpose and m.channel = t.channel
        and m.product_id is null
    )
  `.execute(executor);
}

/** Seeds every workspace that has no built-in rule yet (workspaces made before automation existed). */
export async function seedMissingBuiltinRules(deps: Deps): Promise<number> {
  const { rows: missing } = await sql<{ id: string }>`
    select w.id from workspaces w
    where not exists (select 1 from automation_rules r where r.workspace_id = w.id and r.builtin is not null)
  `.execute(deps.db);
  for (const workspace of missing) await seedBuiltinRules(deps, deps.db, workspace.id);
  return missing.length;
}
