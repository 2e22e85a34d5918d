import { setTimeout as sleep } from "node:timers/promises";
import { type Selectable, sql } from "kysely";
import { addConversationLabels, ChatwootError } from "../adapters/chatwoot/add-conversation-labels.ts";
import { ChatwootConfigSchema } from "../adapters/chatwoot/schemas.ts";
import { MetaConfigSchema } from "../adapters/meta/schemas.ts";
import { createMailer, EmailError, type Mailer } from "../adapters/smtp/send-email.ts";
import {
  sendWhatsAppTemplate,
  sendWhatsAppText,
  WhatsAppError,
} from "../adapters/whatsapp/send-whatsapp-message.ts";
import { raiseAlertIn } from "../alerts/raise-alert.ts";
import type { Actor } from "../auth/schemas.ts";
import { findConnectionConfig } from "../capture/find-connection-config.ts";
import { updateContact } from "../contacts/update-contact.ts";
import { createDeal } from "../crm/create-deal.ts";
import { createTask } from "../crm/manage-tasks.ts";
import { workspaceTimeZone } from "../crm/sweep-sla.ts";
import type { Deps } from "../deps.ts";
import { emitPartnerEvent } from "../partner-webhooks/emit-partner-event.ts";
import { withTransaction } from "../platform/db/transaction.ts";
import { AppError } from "../platform/http/errors.ts";
import { createRateLimiter, type RateLimiter } from "../platform/rate-limiter.ts";
import { FileStoreUnavailableError } from "../platform/storage/file-store.ts";
import { readTemplateAttachment } from "./attach-template-file.ts";
import { checkGuardrails, loadGuardFacts } from "./check-guardrails.ts";
import { templateVariables } from "./render-template.ts";
import { type AutomationTables, automationDb, isContactChannel } from "./schemas.ts";

type DispatchRow = Selectable<AutomationTables["dispatches"]>;

/** How one attempt ended. */
type Outcome =
  | { kind: "sent"; providerMessageId: string | null }
  | { kind: "refused"; refusal: string }
  | { kind: "deferred"; until: Date; reason: string }
  | { kind: "failed"; error: string }
  | { kind: "retry"; error: string; afterMs: number }
  | { kind: "unknown"; error: string };

const MAX_ATTEMPTS = 6;
/** A dispatch left in `sending` this long by a process that died is given back or marked unknown. */
export const STUCK_SENDING_MS = 5 * 60_000;

const limiters = new WeakMap<object, RateLimiter>();
function limiterOf(deps: Deps): RateLimiter {
  let limiter = limiters.get(deps.queue);
  if (!limiter) {
    limiter = createRateLimiter();
    limiters.set(deps.queue, limiter);
  }
  return limiter;
}

function automationActor(row: DispatchRow): Actor {
  return { type: "automation", id: row.rule_id, label: "Automação" };
}

/** Per batch: connections and time zones read once per workspace, one SMTP pool. */
function batchResources(deps: Deps) {
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let value = cache.get(key) as Promise<T> | undefined;
    if (!value) {
      value = load();
      cache.set(key, value);
    }
    return value;
  };
  let mailer: Mailer | null = null;
  return {
    whatsapp: (workspaceId: string) =>
      once(`meta:${workspaceId}`, () =>
        findConnectionConfig(deps, { workspaceId, type: "meta" }, (config) => {
          const parsed = MetaConfigSchema.safeParse(config);
          return parsed.success && parsed.data.accessToken && parsed.data.phoneNumberId
            ? { accessToken: parsed.data.accessToken, phoneNumberId: parsed.data.phoneNumberId }
            : null;
        }),
      ),
    chatwoot: (workspaceId: string) =>
      once(`chatwoot:${workspaceId}`, () =>
        findConnectionConfig(deps, { workspaceId, type: "chatwoot" }, (config) => {
          const parsed = ChatwootConfigSchema.safeParse(config);
          return parsed.success ? parsed.data : null;
        }),
      ),
    timeZone: (workspaceId: string) => once(`tz:${workspaceId}`, () => workspaceTimeZone(deps, workspaceId)),
    /** The dispatch's template and its product's WhatsApp welcome, read once per batch (mostly one rule). */
    template: (row: DispatchRow) =>
      row.template_id
        ? once(`template:${row.template_id}`, () => templateOf(deps, row))
        : Promise.resolve(null),
    productWelcome: (productId: string) =>
      once(`product:${productId}`, async () => {
        const product = await automationDb(deps.db)
          .selectFrom("products")
          .select("welcome_template")
          .where("id", "=", productId)
          .executeTakeFirst();
        return product?.welcome_template ?? null;
      }),
    /** A template's attachment, read once per batch from the file store (or a path from before 0023). */
    attachment: (templateId: string, template: Parameters<typeof readTemplateAttachment>[1]) =>
      once(`attachment:${templateId}`, () => readTemplateAttachment(deps, template)),
    mailer: (): Mailer | null => {
      const url = deps.config.messaging.smtpUrl;
      if (!url) return null;
      mailer ??= createMailer({ smtpUrl: url, from: deps.config.messaging.smtpFrom });
      return mailer;
    },
    close: () => mailer?.close(),
  };
}

type Resources = ReturnType<typeof batchResources>;

/**
 * Records that the request is about to leave: a process that dies before this line never reached the
 * channel (the sweep gives the dispatch back), one that dies after it may have (unknown).
 */
async function markCalled(deps: Deps, row: DispatchRow): Promise<void> {
  await automationDb(deps.db)
    .updateTable("dispatches")
    .set({ called_at: deps.clock.now() })
    .where("id", "=", row.id)
    .where("status", "=", "sending")
    .execute();
}

function retryOf(
  error: { isRetryable: boolean; retryAfterSeconds: number | null; code: string },
  row: DispatchRow,
): Outcome {
  if (!error.isRetryable) return { kind: "failed", error: error.code };
  if (row.attempts >= MAX_ATTEMPTS)
    return { kind: "failed", error: `${error.code} (after ${row.attempts} attempts)` };
  const afterMs =
    error.retryAfterSeconds !== null ? error.retryAfterSeconds * 1000 : 2 ** row.attempts * 1000;
  return { kind: "retry", error: error.code, afterMs: Math.min(afterMs, 15 * 60_000) };
}

async function templateOf(deps: Deps, row: DispatchRow) {
  if (!row.template_id) return null;
  return (
    (await automationDb(deps.db)
      .selectFrom("message_templates")
      .select([
        "whatsapp_name",
        "language",
        "body",
        "attachment_path",
        "attachment_store",
        "attachment_filename",
      ])
      .where("id", "=", row.template_id)
      .executeTakeFirst()) ?? null
  );
}

/** Sends a message to the contact (WhatsApp or e-mail), after the guardrails, re-read right now. */
async function sendToContact(deps: Deps, resources: Resources, row: DispatchRow): Promise<Outcome> {
  const channel = row.channel as "whatsapp" | "email";
  const template = await resources.template(row);
  // An edited message is no longer the approved template's text: it can only go as free text.
  const productWelcome =
    row.product_id && channel === "whatsapp" ? await resources.productWelcome(row.product_id) : null;
  const templateName =
    channel === "whatsapp" && row.original_body === null
      ? row.action.type === "send_whatsapp" && row.action.template === "welcome" && productWelcome
        ? productWelcome
        : (template?.whatsapp_name ?? null)
      : null;
  const now = deps.clock.now();
  const timeZone = await resources.timeZone(row.workspace_id);
  const facts = await loadGuardFacts(deps, {
    workspaceId: row.workspace_id,
    contactId: row.contact_id,
    dispatchId: row.id,
    channel,
    category: row.category,
    productId: row.product_id,
    isTemplate: templateName !== null,
    now,
    timeZone,
  });
  const verdict = checkGuardrails(facts, deps.config.messaging);
  if (!verdict.ok) {
    if ("deferMinutes" in verdict) {
      return {
        kind: "deferred",
        until: new Date(now.getTime() + verdict.deferMinutes * 60_000),
        reason: verdict.refusal,
      };
    }
    return { kind: "refused", refusal: verdict.refusal };
  }
  if (channel === "whatsapp") {
    const connection = await resources.whatsapp(row.workspace_id);
    if (!connection) return { kind: "failed", error: "no_whatsapp_connection" };
    const to = (facts.phone ?? "").replace(/\D/g, "");
    const base = {
      graphUrl: deps.config.outbound.metaGraphUrl,
      phoneNumberId: connection.phoneNumberId,
      accessToken: connection.accessToken,
      to,
      callbackData: `dispatch:${row.id}`,
    };
    const limiter = limiterOf(deps);
    const key = `whatsapp:${connection.phoneNumberId}`;
    await limiter.take(key, deps.config.messaging.whatsappRatePerSecond);
    await markCalled(deps, row);
    try {
      const sent =
        templateName !== null
          ? await sendWhatsAppTemplate({
              ...base,
              template: {
                name: templateName,
                language: template?.language ?? "pt_BR",
                bodyParameters: templateVariables(template?.body ?? "").map(
                  (name) => row.variables[name] || "-",
                ),
              },
            })
          : await sendWhatsAppText({ ...base, text: row.body });
      return { kind: "sent", providerMessageId: sent.providerMessageId };
    } catch (error) {
      if (!(error instanceof WhatsAppError)) throw error;
      if (error.outcomeUnknown) return { kind: "unknown", error: error.code };
      if (error.kind === "rate_limited") limiter.pause(key, (error.retryAfterSeconds ?? 1) * 1000);
      if (error.kind === "window_closed") return { kind: "refused", refusal: "window_closed" };
      return retryOf(error, row);
    }
  }
  const mailer = resources.mailer();
  if (!mailer) return { kind: "failed", error: "no_smtp" };
  let attachment: { filename: string; content: Buffer } | null = null;
  if (template && row.template_id) {
    try {
      attachment = await resources.attachment(row.template_id, template);
    } catch (error) {
      // A file gone (or a store no longer configured) does not come back on its own: fix the template.
      const { code, name } = error as { code?: unknown; name?: unknown };
      if (error instanceof FileStoreUnavailableError || code === "ENOENT" || name === "NoSuchKey") {
        return { kind: "failed", error: "attachment_missing" };
      }
      deps.log.warn({ dispatchId: row.id, err: error }, "a template's attachment could not be read");
      return retryOf({ isRetryable: true, retryAfterSeconds: null, code: "attachment_unreadable" }, row);
    }
  }
  try {
    await markCalled(deps, row);
    const sent = await mailer.send({
      to: facts.email ?? "",
      subject: row.subject ?? "",
      text: row.body,
      idempotencyKey: row.id,
      ...(attachment ? { attachments: [attachment] } : {}),
    });
    return { kind: "sent", providerMessageId: sent.providerMessageId };
  } catch (error) {
    if (!(error instanceof EmailError)) throw error;
    return retryOf(error, row);
  }
}

/** Actions inside Funil or towards the team (Slack alert, Chatwoot label, task, deal, tag, webhook). */
async function runAction(deps: Deps, resources: Resources, row: DispatchRow): Promise<Outcome> {
  const action = row.action;
  const viewer = {
    workspaceId: row.workspace_id,
    role: "admin" as const,
    userId: null,
    actor: automationActor(row),
  };
  const contact = await deps.db
    .selectFrom("contacts")
    .select(["id", "owner_id", "tags", "custom"])
    .where("id", "=", row.contact_id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!contact) return { kind: "refused", refusal: "contact_gone" };
  const now = deps.clock.now();
  await markCalled(deps, row);
  try {
    switch (action.type) {
      case "notify_slack": {
        await withTransaction(deps.db, (trx) =>
          raiseAlertIn(trx, deps, {
            workspaceId: row.workspace_id,
            kind: `automation.${row.rule_id ?? "rule"}.${row.contact_id}`,
            text: row.body,
            details: { contactId: row.contact_id, dispatchId: row.id },
            cooldownMinutes: 0,
          }),
        );
        return { kind: "sent", providerMessageId: null };
      }
      case "chatwoot_label": {
        const chatwoot = await resources.chatwoot(row.workspace_id);
        if (!chatwoot) return { kind: "failed", error: "no_chatwoot_connection" };
        const custom = (contact.custom ?? {}) as { chatwoot?: { conversationId?: unknown } };
        const conversationId = Number(custom.chatwoot?.conversationId);
        if (!Number.isInteger(conversationId) || conversationId <= 0) {
          return { kind: "refused", refusal: "no_chatwoot_conversation" };
        }
        try {
          await addConversationLabels({
            baseUrl: chatwoot.baseUrl,
            apiToken: chatwoot.apiToken,
            accountId: chatwoot.accountId,
            conversationId,
            labels: [action.label],
            allowHosts: deps.config.outbound.fetchAllowHosts,
          });
        } catch (error) {
          if (!(error instanceof ChatwootError)) throw error;
          return retryOf(error, row);
        }
        return { kind: "sent", providerMessageId: null };
      }
      case "create_task": {
        const task = await createTask(deps, {
          viewer,
          task: {
            title: action.title,
            kind: "follow_up",
            dueAt: new Date(now.getTime() + action.dueInMinutes * 60_000).toISOString(),
            ownerId: contact.owner_id,
            contactId: contact.id,
          },
        });
        return { kind: "sent", providerMessageId: task.id };
      }
      case "push_to_pipeline": {
        const { rows: pipelines } = await sql<{ id: string }>`
          select id from pipelines
          where workspace_id = ${row.workspace_id} and deleted_at is null
            ${action.pipelineId ? sql`and id = ${action.pipelineId}` : sql``}
          order by position, created_at limit 1
        `.execute(deps.db);
        const pipeline = pipelines[0];
        if (!pipeline) return { kind: "failed", error: "no_pipeline" };
        const open = await sql<{ id: string }>`
          select d.id from deals d join pipeline_stages s on s.id = d.stage_id
          where d.contact_id = ${contact.id} and d.pipeline_id = ${pipeline.id} and d.deleted_at is null
            and s.kind = 'open' limit 1
        `.execute(deps.db);
        if (open.rows[0]) return { kind: "sent", providerMessageId: open.rows[0].id };
        const deal = await createDeal(deps, { viewer, contactId: contact.id, pipelineId: pipeline.id });
        return { kind: "sent", providerMessageId: deal.id };
      }
      case "add_tag": {
        if (!contact.tags.includes(action.tag)) {
          await updateContact(deps, {
            workspaceId: row.workspace_id,
            contactId: contact.id,
            patch: { tags: [...contact.tags, action.tag] },
            actor: automationActor(row),
          });
        }
        return { kind: "sent", providerMessageId: null };
      }
      case "partner_webhook": {
        const score = await sql<{ score: number; temperature: string }>`
          select score, temperature from contact_scores where contact_id = ${contact.id}
        `.execute(deps.db);
        await withTransaction(deps.db, (trx) =>
          emitPartnerEvent(
            trx,
            row.workspace_id,
            action.event,
            {
              contactId: contact.id,
              score: score.rows[0]?.score ?? null,
              temperature: score.rows[0]?.temperature ?? null,
              ruleId: row.rule_id,
            },
            now,
          ),
        );
        return { kind: "sent", providerMessageId: null };
      }
      default:
        return { kind: "failed", error: `not an action: ${action.type}` };
    }
  } catch (error) {
    if (error instanceof AppError) return { kind: "failed", error: error.message.slice(0, 200) };
    throw error;
  }
}

/** Writes how an attempt ended; a sent WhatsApp or e-mail also lands in the contact's interactions. */
async function finish(deps: Deps, row: DispatchRow, outcome: Outcome): Promise<void> {
  const now = deps.clock.now();
  await withTransaction(deps.db, async (trx) => {
    const db = automationDb(trx);
    const base = db.updateTable("dispatches").where("id", "=", row.id).where("status", "=", "sending");
    switch (outcome.kind) {
      case "sent": {
        await base
          .set({
            status: "sent",
            provider_message_id: outcome.providerMessageId,
            sent_at: now,
            last_error: null,
            updated_at: now,
          })
          .execute();
        if (isContactChannel(row.channel)) {
          await sql`
            insert into interactions (workspace_id, contact_id, channel, direction, external_key, kind, body, status,
              status_at, sent_at, occurred_at)
            values (${row.workspace_id}, ${row.contact_id}, ${row.channel}, 'outbound',
              ${row.channel === "whatsapp" && outcome.providerMessageId ? `wa:${outcome.providerMessageId}` : null},
              'automation', ${row.body}, 'sent', ${now}, ${now}, ${now})
            on conflict (workspace_id, external_key) where external_key is not null
            do update set contact_id = excluded.contact_id, body = excluded.body, kind = excluded.kind
          `.execute(trx);
        }
        return;
      }
      case "refused":
        await base.set({ status: "refused", refusal: outcome.refusal, updated_at: now }).execute();
        return;
      case "deferred":
        await base
          .set({ status: "approved", not_before: outcome.until, last_error: outcome.reason, updated_at: now })
          .execute();
        return;
      case "retry":
        await base
          .set({
            status: "approved",
            not_before: new Date(now.getTime() + outcome.afterMs),
            last_error: outcome.error,
            updated_at: now,
          })
          .execute();
        return;
      case "failed":
        await base.set({ status: "failed", last_error: outcome.error, updated_at: now }).execute();
        return;
      case "unknown":
        await base.set({ status: "unknown", last_error: outcome.error, updated_at: now }).execute();
        return;
    }
  });
  if (outcome.kind === "refused") {
    deps.log.info(
      { dispatchId: row.id, channel: row.channel, refusal: outcome.refusal },
      "dispatch refused by a guardrail",
    );
  }
}

/**
 * Sends approved dispatches: each is claimed (approved → sending) so a second job or a retried batch
 * finds nothing to do, the guardrails are re-checked on fresh data, the channel is called at its
 * rate, and the outcome recorded. A process that dies before the call leaves `sending` without
 * `called_at`: the sweep gives it back to `approved` (sent once, later). One that dies after the call
 * leaves `called_at`: the sweep marks it `unknown` for a person to check, never sent again on its own.
 */
export async function sendDispatches(deps: Deps, dispatchIds: string[]): Promise<void> {
  if (dispatchIds.length === 0) return;
  const now = deps.clock.now();
  const claimed = await automationDb(deps.db)
    .updateTable("dispatches")
    .set((eb) => ({
      status: "sending",
      attempts: eb("attempts", "+", 1),
      claimed_at: now,
      called_at: null,
      updated_at: now,
    }))
    .where("id", "in", dispatchIds)
    .where("status", "=", "approved")
    .where((where) => where.or([where("not_before", "is", null), where("not_before", "<=", now)]))
    .returningAll()
    .execute();
  if (claimed.length === 0) return;
  const resources = batchResources(deps);
  // Lanes, each taking the next dispatch once its last one is recorded, so that each one's lookups run
  // right before its send (the whole batch's first query, then its second, … would hold the first
  // send until every lookup of the batch is done). One second of the channel's rate keeps WhatsApp at
  // its rate at a real API's latency; the lanes start one slot apart, so their lookups queue no deeper.
  const perSecond = Math.max(8, deps.config.messaging.whatsappRatePerSecond);
  const lanes = Math.min(claimed.length, perSecond);
  let next = 0;
  const errors: unknown[] = [];
  try {
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        if (lane > 0) await sleep((lane * 1000) / perSecond);
        for (let row = claimed[next++]; row !== undefined; row = claimed[next++]) {
          // An outcome that could not be recorded fails the job once the batch is done.
          await sendOne(row).catch((error: unknown) => errors.push(error));
        }
      }),
    );
  } finally {
    resources.close();
  }
  if (errors.length > 0) throw errors[0];

  async function sendOne(row: DispatchRow): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = isContactChannel(row.channel)
        ? await sendToContact(deps, resources, row)
        : await runAction(deps, resources, row);
    } catch (error) {
      deps.log.error(
        { dispatchId: row.id, err: error instanceof Error ? error.name : "error" },
        "dispatch failed",
      );
      outcome = { kind: "retry", error: "internal", afterMs: 2 ** row.attempts * 1000 };
    }
    await finish(deps, row, outcome);
  }
}
