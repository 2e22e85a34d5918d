import { randomBytes, randomUUID } from "node:crypto";
import type { Insertable, Kysely, Selectable, Transaction } from "kysely";
import type { Deps } from "../deps.ts";
import type { DB } from "../platform/db/schema.ts";
import { enqueueMany } from "../platform/queue/queue.ts";
import { buildTemplateVariables, publicBaseUrl } from "./build-template-variables.ts";
import type { RuleContext } from "./load-context.ts";
import { renderTemplate, templateVariables } from "./render-template.ts";
import {
  type Action,
  type AutomationDB,
  type AutomationTables,
  automationDb,
  channelOf,
  SEND_DISPATCH_JOB,
} from "./schemas.ts";

type Executor = Kysely<DB> | Transaction<DB>;
type TemplateRow = Selectable<AutomationTables["message_templates"]>;

/** The rule as its row reads (evaluate-event.ts and run-scheduled-rule.ts pass it as loaded). */
export interface PlannedRule {
  id: string;
  workspace_id: string;
  name: string;
  mode: "suggest" | "auto";
  actions: Action[];
}

/** The send job of one approved dispatch (keyed by its id: a second job for it finds it claimed). */
export function sendJobOf(dispatchId: string) {
  return { queue: SEND_DISPATCH_JOB, payload: { dispatchId }, singletonKey: `dispatch:${dispatchId}` };
}

async function findTemplate(
  db: Kysely<AutomationDB>,
  input: {
    workspaceId: string;
    purpose: string;
    channel: "whatsapp" | "email" | "slack";
    productId: string | null;
  },
) {
  const rows = await db
    .selectFrom("message_templates")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .where("purpose", "=", input.purpose)
    .where("channel", "=", input.channel)
    .where((where) =>
      input.productId
        ? where.or([where("product_id", "=", input.productId), where("product_id", "is", null)])
        : where("product_id", "is", null),
    )
    .execute();
  return rows.find((row) => row.product_id !== null) ?? rows[0] ?? null;
}

/** What the queue shows for an action that is not a message. */
function describeAction(action: Action): string {
  switch (action.type) {
    case "chatwoot_label":
      return `Etiqueta "${action.label}" na conversa do Chatwoot`;
    case "create_task":
      return `Tarefa "${action.title}" (em ${action.dueInMinutes} min)`;
    case "push_to_pipeline":
      return "Criar negócio no funil de vendas";
    case "add_tag":
      return `Adicionar a etiqueta "${action.tag}"`;
    case "partner_webhook":
      return `Webhook ${action.event} para parceiros`;
    default:
      return action.type;
  }
}

/**
 * Writes one dispatch per action of `rule` for one contact, in `executor` (the run's transaction):
 * pending review (suggest) or approved with its send job queued (auto). Keys are stable per cause, so
 * evaluating the same event or match twice writes nothing new. Returns how many were new.
 */
export async function planDispatches(
  deps: Pick<Deps, "config" | "clock">,
  executor: Executor,
  input: {
    rule: PlannedRule;
    runId: string | null;
    context: RuleContext;
    /** Unique per cause: the event's key, or the scheduled match's subject and start. */
    causeKey: string;
    reason: string;
    facets: Record<string, string>;
    /** Templates already looked up in this run (a scheduled run plans for many contacts). */
    templates?: Map<string, Promise<TemplateRow | null>>;
  },
): Promise<{ created: number; skipped: string[] }> {
  const db = automationDb(executor);
  const { rule, context } = input;
  const now = deps.clock.now();
  const skipped: string[] = [];
  const rows: Insertable<AutomationTables["dispatches"]>[] = [];
  const links: { token: string; dispatchId: string; target: string }[] = [];
  for (const [index, action] of rule.actions.entries()) {
    const id = randomUUID();
    const channel = channelOf(action);
    let template: TemplateRow | null = null;
    let body = describeAction(action);
    let subject: string | null = null;
    let variables: Record<string, string> = {};
    if (action.type === "send_whatsapp" || action.type === "send_email" || action.type === "notify_slack") {
      const templateChannel = channel as "whatsapp" | "email" | "slack";
      const lookup = {
        workspaceId: rule.workspace_id,
        purpose: action.template,
        channel: templateChannel,
        productId: context.product?.id ?? null,
      };
      const key = `${lookup.purpose}|${lookup.channel}|${lookup.productId ?? ""}`;
      let found = input.templates?.get(key);
      if (!found) {
        found = findTemplate(db, lookup);
        input.templates?.set(key, found);
      }
      template = await found;
      if (!template) {
        skipped.push(`no ${templateChannel} template "${action.template}"`);
        continue;
      }
      let link = "";
      if (templateVariables(template.body).includes("link") && context.product?.accessUrl) {
        const token = randomBytes(8).toString("base64url");
        links.push({ token, dispatchId: id, target: context.product.accessUrl });
        link = `${publicBaseUrl(deps)}/r/${token}`;
      }
      variables = buildTemplateVariables(deps, context, link);
      body = renderTemplate(template.body, variables);
      subject = template.subject ? renderTemplate(template.subject, variables) : null;
    }
    const delayMinutes = "delayMinutes" in action ? (action.delayMinutes ?? 0) : 0;
    const notBefore = delayMinutes > 0 ? new Date(now.getTime() + delayMinutes * 60_000) : null;
    rows.push({
      id,
      workspace_id: rule.workspace_id,
      rule_id: rule.id,
      run_id: input.runId,
      contact_id: context.contact.id,
      product_id: context.product?.id ?? null,
      channel,
      template_id: template?.id ?? null,
      category: template?.category ?? "transactional",
      action: JSON.stringify(action),
      variables: JSON.stringify(variables),
      subject,
      body,
      reason: input.reason,
      facets: JSON.stringify(input.facets),
      status: rule.mode === "auto" ? "approved" : "pending",
      idempotency_key: `${rule.id}:${input.causeKey}:${index}`,
      expires_at:
        rule.mode === "auto"
          ? null
          : new Date(
              now.getTime() + (delayMinutes * 60 + deps.config.messaging.dispatchExpireHours * 3600) * 1000,
            ),
      not_before: notBefore,
      decided_by_type: rule.mode === "auto" ? "automation" : null,
      decided_by_id: rule.mode === "auto" ? rule.id : null,
      decided_by_label: rule.mode === "auto" ? rule.name : null,
      decided_at: rule.mode === "auto" ? now : null,
      created_at: now,
      updated_at: now,
    });
  }
  if (rows.length === 0) return { created: 0, skipped };
  const inserted = await db
    .insertInto("dispatches")
    .values(rows)
    .onConflict((conflict) => conflict.columns(["workspace_id", "idempotency_key"]).doNothing())
    .returning(["id", "status", "not_before"])
    .execute();
  const insertedIds = new Set(inserted.map((row) => row.id));
  const newLinks = links.filter((link) => insertedIds.has(link.dispatchId));
  if (newLinks.length > 0) {
    await db
      .insertInto("tracked_links")
      .values(
        newLinks.map((link) => ({
          token: link.token,
          workspace_id: rule.workspace_id,
          dispatch_id: link.dispatchId,
          contact_id: context.contact.id,
          product_id: context.product?.id ?? null,
          target_url: link.target,
          created_at: now,
        })),
      )
      .execute();
  }
  // Delayed ones are queued by the sweep when they come due.
  await enqueueMany(
    executor,
    inserted
      .filter((row) => row.status === "approved" && row.not_before === null)
      .map((row) => sendJobOf(row.id)),
  );
  return { created: inserted.length, skipped };
}
