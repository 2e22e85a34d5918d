import { sql } from "kysely";
import type { Deps } from "../deps.ts";

/** What the send-time check reads about a contact, fresh, right before the API call. */
export interface GuardFacts {
  channel: "whatsapp" | "email";
  category: "transactional" | "marketing";
  /** The message is an approved WhatsApp template (not free text). */
  isTemplate: boolean;
  hasAddress: boolean;
  /** Opted out of this channel (or all), by keyword, link or a person, after any later opt-in. */
  optedOut: boolean;
  /** The latest consent ledger entry for marketing on this channel grants it. */
  marketingConsent: boolean;
  /** About a purchase of the contact (the legal basis of transactional messages). */
  hasPurchase: boolean;
  /** The contact wrote to us on WhatsApp in the last 24 hours. */
  windowOpen: boolean;
  /** Messages we sent the contact within the cap's window. */
  recentSends: number;
  /** Minute of the day in the workspace's time zone. */
  localMinute: number;
}

export type GuardVerdict =
  | { ok: true }
  | { ok: false; refusal: string }
  | { ok: false; deferMinutes: number; refusal: "quiet_hours" };

function inQuietHours(minute: number, quiet: { startMinute: number; endMinute: number }): number | null {
  const { startMinute, endMinute } = quiet;
  const inside =
    startMinute < endMinute
      ? minute >= startMinute && minute < endMinute
      : minute >= startMinute || minute < endMinute;
  return inside ? (endMinute - minute + 1440) % 1440 : null;
}

/**
 * The guardrails of one message to a contact, in the order the reliability plan gives (§2.5): no
 * address or an opt-out stops everything; marketing needs a recorded opt-in; a transactional message
 * needs the purchase it is about or an open conversation; free text on WhatsApp only inside the 24-hour
 * window; a per-contact frequency cap; quiet hours defer rather than refuse.
 */
export function checkGuardrails(
  facts: GuardFacts,
  policy: {
    quietHours: { startMinute: number; endMinute: number } | null;
    frequencyCap: { max: number; hours: number } | null;
  },
): GuardVerdict {
  if (!facts.hasAddress) return { ok: false, refusal: "no_address" };
  if (facts.optedOut) return { ok: false, refusal: "opt_out" };
  if (facts.category === "marketing" && !facts.marketingConsent) return { ok: false, refusal: "no_consent" };
  if (facts.category === "transactional" && !facts.hasPurchase && !facts.windowOpen) {
    return { ok: false, refusal: "no_legal_basis" };
  }
  if (facts.channel === "whatsapp" && !facts.isTemplate && !facts.windowOpen) {
    return { ok: false, refusal: "window_closed" };
  }
  if (policy.frequencyCap && facts.recentSends >= policy.frequencyCap.max) {
    return { ok: false, refusal: "frequency_cap" };
  }
  const wait = policy.quietHours ? inQuietHours(facts.localMinute, policy.quietHours) : null;
  if (wait !== null) return { ok: false, deferMinutes: wait, refusal: "quiet_hours" };
  return { ok: true };
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** Minute of the day of `at` in `timeZone` (one formatter per time zone: building one is costly). */
export function localMinuteOf(at: Date, timeZone: string): number {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    clockFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const hour = Number(parts.find((part) => part.type === "hour")?.value ?? 0);
  const minute = Number(parts.find((part) => part.type === "minute")?.value ?? 0);
  return hour * 60 + minute;
}

/** Reads the guard facts of one dispatch from the database (fresh, at send time). */
export async function loadGuardFacts(
  deps: Pick<Deps, "db" | "config">,
  input: {
    workspaceId: string;
    contactId: string;
    dispatchId: string;
    channel: "whatsapp" | "email";
    category: "transactional" | "marketing";
    productId: string | null;
    isTemplate: boolean;
    now: Date;
    timeZone: string;
  },
): Promise<GuardFacts & { phone: string | null; email: string | null }> {
  const capHours = deps.config.messaging.frequencyCap?.hours ?? 24;
  const { rows } = await sql<{
    phone: string | null;
    email: string | null;
    opt_out_custom: string | null;
    consent_latest: boolean | null;
    marketing_latest: boolean | null;
    has_purchase: boolean;
    last_inbound: Date | null;
    recent_sends: number;
  }>`
    select c.phone, c.email,
      c.custom -> 'optOut' ->> 'channel' as opt_out_custom,
      (select cc.granted from contact_consents cc
        where cc.contact_id = c.id and cc.channel in (${input.channel}, 'all') and cc.category = 'all'
        order by cc.at desc, cc.created_at desc limit 1) as consent_latest,
      (select cc.granted from contact_consents cc
        where cc.contact_id = c.id and cc.channel in (${input.channel}, 'all')
        order by cc.at desc, cc.created_at desc limit 1) as marketing_latest,
      exists (select 1 from purchases p where p.contact_id = c.id and p.status in ('approved', 'complete')
        and (${input.productId}::uuid is null or p.product_id = ${input.productId}::uuid)) as has_purchase,
      (select max(i.occurred_at) from interactions i
        where i.contact_id = c.id and i.channel = 'whatsapp' and i.direction = 'inbound') as last_inbound,
      (select count(*)::int from dispatches d
        where d.contact_id = c.id and d.id <> ${input.dispatchId} and d.channel in ('whatsapp', 'email')
          and d.status = 'sent' and d.sent_at > ${new Date(input.now.getTime() - capHours * 3600_000)}) as recent_sends
    from contacts c where c.id = ${input.contactId} and c.workspace_id = ${input.workspaceId}
  `.execute(deps.db);
  const row = rows[0];
  // An opt-out keyword (PARAR, SAIR, STOP) on any channel stops everything (PRODUCT.md §7).
  const customOptOut = row?.opt_out_custom !== null && row?.opt_out_custom !== undefined;
  const lastInbound = row?.last_inbound ? new Date(row.last_inbound) : null;
  return {
    channel: input.channel,
    category: input.category,
    isTemplate: input.isTemplate,
    phone: row?.phone ?? null,
    email: row?.email ?? null,
    hasAddress: input.channel === "whatsapp" ? Boolean(row?.phone) : Boolean(row?.email),
    // A revocation in the ledger stops everything; a keyword opt-out (PARAR/SAIR) holds until a later grant.
    optedOut: row?.consent_latest === false || (customOptOut && row?.consent_latest !== true),
    marketingConsent: row?.marketing_latest === true,
    hasPurchase: row?.has_purchase ?? false,
    windowOpen: lastInbound !== null && input.now.getTime() - lastInbound.getTime() < 24 * 3600_000,
    recentSends: row?.recent_sends ?? 0,
    localMinute: localMinuteOf(input.now, input.timeZone),
  };
}
