import { isIP } from "node:net";
import type { Selectable } from "kysely";
import type { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import type { Actor } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { olderThanCursor, pageOf } from "../platform/http/cursor.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { checkUrl, FetchRefusedError, isBlockedAddress } from "../platform/http/safe-fetch.ts";
import {
  type CreateWebhookEndpointSchema,
  type PartnerEventType,
  partnerWebhookDb,
  type UpdateWebhookEndpointSchema,
  type WebhookEndpointsTable,
  type WebhookEndpointView,
  type WebhookEndpointWithSecret,
} from "./schemas.ts";
import { generateWebhookSecret } from "./sign-webhook.ts";

/** After a rotation the old secret keeps signing this long, so receivers can switch without a gap. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;

type EndpointRow = Selectable<WebhookEndpointsTable>;

export function toEndpointView(row: EndpointRow, now: Date): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types as PartnerEventType[],
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    consecutiveFailures: row.consecutive_failures,
    previousSecretValidUntil:
      row.previous_secret_until && row.previous_secret_until > now
        ? row.previous_secret_until.toISOString()
        : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The URL with its query and fragment left out (they may carry a receiver's token): for the audit. */
function auditUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** 400 for a URL the delivery would refuse anyway: not http(s), credentials, another port, a private IP. */
function assertDeliverableUrl(deps: Deps, url: string): void {
  const allowHosts = deps.config.outbound.fetchAllowHosts;
  const refuse = (message: string) =>
    new AppError("invalid_input", "The URL cannot receive webhooks", [{ field: "url", message }]);
  let parsed: URL;
  try {
    parsed = checkUrl(url, allowHosts);
  } catch (error) {
    if (error instanceof FetchRefusedError) throw refuse(error.message);
    throw error;
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
  const allowed = allowHosts.includes(host) || allowHosts.includes(`${host}:${port}`);
  if (isIP(host) !== 0 && isBlockedAddress(host) && !allowed) {
    throw refuse("the address is private, loopback or reserved");
  }
}

async function findEndpoint(deps: Deps, workspaceId: string, endpointId: string): Promise<EndpointRow> {
  const row = await partnerWebhookDb(deps.db)
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("id", "=", endpointId)
    .where("workspace_id", "=", workspaceId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!row) throw notFound("Webhook endpoint");
  return row;
}

export async function listEndpoints(
  deps: Deps,
  input: { workspaceId: string; limit: number; cursor?: string | undefined },
): Promise<{ items: WebhookEndpointView[]; nextCursor: string | null }> {
  let query = partnerWebhookDb(deps.db)
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("workspace_id", "=", input.workspaceId)
    .where("deleted_at", "is", null);
  const after = olderThanCursor(input.cursor, "created_at");
  if (after) query = query.where(after);
  const rows = await query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(input.limit + 1)
    .execute();
  const { page, nextCursor } = pageOf(rows, input.limit, (row) => row.created_at);
  const now = deps.clock.now();
  return { items: page.map((row) => toEndpointView(row, now)), nextCursor };
}

export async function getEndpoint(
  deps: Deps,
  input: { workspaceId: string; endpointId: string },
): Promise<WebhookEndpointView> {
  return toEndpointView(await findEndpoint(deps, input.workspaceId, input.endpointId), deps.clock.now());
}

/** A new endpoint with a generated secret, shown in this answer only. */
export async function createEndpoint(
  deps: Deps,
  input: { workspaceId: string; actor: Actor; endpoint: z.infer<typeof CreateWebhookEndpointSchema> },
): Promise<WebhookEndpointWithSecret> {
  const { endpoint } = input;
  assertDeliverableUrl(deps, endpoint.url);
  const secret = generateWebhookSecret();
  const now = deps.clock.now();
  const row = await deps.db.transaction().execute(async (trx) => {
    const created = await partnerWebhookDb(trx)
      .insertInto("webhook_endpoints")
      .values({
        workspace_id: input.workspaceId,
        url: endpoint.url,
        description: endpoint.description,
        event_types: endpoint.eventTypes,
        secret: deps.secrets.seal(secret),
        enabled: endpoint.enabled,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "webhook_endpoint",
      entityId: created.id,
      action: "webhook_endpoint.created",
      actor: input.actor,
      before: null,
      after: {
        url: auditUrl(endpoint.url),
        description: endpoint.description,
        eventTypes: endpoint.eventTypes,
        enabled: endpoint.enabled,
      },
      at: now,
    });
    return created;
  });
  return { ...toEndpointView(row, now), secret };
}

/** Changes the URL, description, event types or switch; switching on clears the failure count. */
export async function updateEndpoint(
  deps: Deps,
  input: {
    workspaceId: string;
    endpointId: string;
    actor: Actor;
    changes: z.infer<typeof UpdateWebhookEndpointSchema>;
  },
): Promise<WebhookEndpointView> {
  const { changes } = input;
  if (changes.url !== undefined) assertDeliverableUrl(deps, changes.url);
  const before = await findEndpoint(deps, input.workspaceId, input.endpointId);
  const now = deps.clock.now();
  const turnedOn = changes.enabled === true && !before.enabled;
  const row = await deps.db.transaction().execute(async (trx) => {
    const updated = await partnerWebhookDb(trx)
      .updateTable("webhook_endpoints")
      .set({
        ...(changes.url !== undefined ? { url: changes.url } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(changes.eventTypes !== undefined ? { event_types: changes.eventTypes } : {}),
        ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
        ...(turnedOn ? { consecutive_failures: 0, disabled_reason: null } : {}),
        ...(changes.enabled === false ? { disabled_reason: null } : {}),
        updated_at: now,
      })
      .where("id", "=", before.id)
      .where("deleted_at", "is", null)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw notFound("Webhook endpoint");
    const diff = (key: "url" | "description" | "eventTypes" | "enabled", was: unknown, is: unknown) =>
      JSON.stringify(was) === JSON.stringify(is) ? [] : [[key, was, is] as const];
    const changed = [
      ...diff("url", auditUrl(before.url), auditUrl(updated.url)),
      ...diff("description", before.description, updated.description),
      ...diff("eventTypes", before.event_types, updated.event_types),
      ...diff("enabled", before.enabled, updated.enabled),
    ];
    if (changed.length > 0) {
      await recordAudit(trx, {
        workspaceId: input.workspaceId,
        entityType: "webhook_endpoint",
        entityId: before.id,
        action: "webhook_endpoint.updated",
        actor: input.actor,
        before: Object.fromEntries(changed.map(([key, was]) => [key, was])),
        after: Object.fromEntries(changed.map(([key, , is]) => [key, is])),
        at: now,
      });
    }
    return updated;
  });
  return toEndpointView(row, now);
}

/** Soft delete: nothing more is sent to it; its deliveries stay in the log. */
export async function deleteEndpoint(
  deps: Deps,
  input: { workspaceId: string; endpointId: string; actor: Actor },
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const deleted = await partnerWebhookDb(trx)
      .updateTable("webhook_endpoints")
      .set({ deleted_at: now, updated_at: now, enabled: false })
      .where("id", "=", input.endpointId)
      .where("workspace_id", "=", input.workspaceId)
      .where("deleted_at", "is", null)
      .returning(["id", "url"])
      .executeTakeFirst();
    if (!deleted) throw notFound("Webhook endpoint");
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "webhook_endpoint",
      entityId: deleted.id,
      action: "webhook_endpoint.deleted",
      actor: input.actor,
      before: { url: auditUrl(deleted.url), deleted: false },
      after: { deleted: true },
      at: now,
    });
  });
}

/**
 * A new secret, shown in this answer only. The old one keeps signing for 24 hours (each request then
 * carries both signatures), so the receiver can switch without rejecting a delivery.
 */
export async function rotateEndpointSecret(
  deps: Deps,
  input: { workspaceId: string; endpointId: string; actor: Actor },
): Promise<WebhookEndpointWithSecret> {
  const secret = generateWebhookSecret();
  const now = deps.clock.now();
  const until = new Date(now.getTime() + ROTATION_OVERLAP_MS);
  const row = await deps.db.transaction().execute(async (trx) => {
    const db = partnerWebhookDb(trx);
    const current = await db
      .selectFrom("webhook_endpoints")
      .select(["id", "secret"])
      .where("id", "=", input.endpointId)
      .where("workspace_id", "=", input.workspaceId)
      .where("deleted_at", "is", null)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw notFound("Webhook endpoint");
    const rotated = await db
      .updateTable("webhook_endpoints")
      .set({
        secret: deps.secrets.seal(secret),
        previous_secret: current.secret,
        previous_secret_until: until,
        updated_at: now,
      })
      .where("id", "=", current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      workspaceId: input.workspaceId,
      entityType: "webhook_endpoint",
      entityId: current.id,
      action: "webhook_endpoint.secret_rotated",
      actor: input.actor,
      before: null,
      after: { previousSecretValidUntil: until.toISOString() },
      at: now,
    });
    return rotated;
  });
  return { ...toEndpointView(row, now), secret };
}

/** The endpoint, which must exist and be on (409 otherwise): for a test or a manual retry. */
export async function assertEnabledEndpoint(
  deps: Deps,
  workspaceId: string,
  endpointId: string,
): Promise<EndpointRow> {
  const row = await findEndpoint(deps, workspaceId, endpointId);
  if (!row.enabled) throw new AppError("conflict", "The endpoint is switched off; switch it on first");
  return row;
}
