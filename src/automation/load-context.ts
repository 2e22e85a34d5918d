import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { Deps } from "../deps.ts";
import type { AutomationDB, Condition } from "./schemas.ts";
import { automationDb } from "./schemas.ts";

/** What a rule's conditions and a template's variables read about one contact (and its product). */
export interface RuleContext {
  contact: {
    id: string;
    name: string | null;
    email: string | null;
    phone: string | null;
    city: string | null;
    tags: string[];
    source: string | null;
    ownerId: string | null;
    score: number | null;
    temperature: string | null;
    optedOut: boolean;
  };
  product: {
    id: string;
    name: string;
    monitoring: boolean;
    accessUrl: string | null;
    welcomeTemplate: string | null;
  } | null;
  enrollment: {
    id: string;
    firstAccessAt: string | null;
    modulesCompleted: number;
    lastModule: string | null;
    cohort: string | null;
  } | null;
  event: Record<string, string | number | boolean | null>;
}

/** The contact (with score) and, when the event names one, its product and enrollment; null if gone. */
export async function loadContext(
  deps: Pick<Deps, "db">,
  input: {
    workspaceId: string;
    contactId: string;
    productId?: string | null;
    event?: RuleContext["event"];
  },
): Promise<RuleContext | null> {
  const db: Kysely<AutomationDB> = automationDb(deps.db);
  const contact = await db
    .selectFrom("contacts")
    .leftJoin("contact_scores", "contact_scores.contact_id", "contacts.id")
    .select([
      "contacts.id",
      "contacts.name",
      "contacts.email",
      "contacts.phone",
      "contacts.city",
      "contacts.tags",
      "contacts.first_source",
      "contacts.owner_id",
      "contacts.custom",
      "contact_scores.score",
      "contact_scores.temperature",
    ])
    .where("contacts.workspace_id", "=", input.workspaceId)
    .where("contacts.id", "=", input.contactId)
    .where("contacts.deleted_at", "is", null)
    .where("contacts.merged_into", "is", null)
    .executeTakeFirst();
  if (!contact) return null;
  const productId = input.productId ?? null;
  const product = productId
    ? await db
        .selectFrom("products")
        .select(["id", "name", "monitoring", "access_url", "welcome_template"])
        .where("workspace_id", "=", input.workspaceId)
        .where("id", "=", productId)
        .executeTakeFirst()
    : undefined;
  const enrollment = productId
    ? await db
        .selectFrom("enrollments")
        .select(["id", "first_access_at", "modules_completed", "modules", "cohort"])
        .where("contact_id", "=", input.contactId)
        .where("product_id", "=", productId)
        .executeTakeFirst()
    : undefined;
  const custom = (contact.custom ?? {}) as Record<string, unknown>;
  return {
    contact: {
      id: contact.id,
      name: contact.name,
      email: contact.email,
      phone: contact.phone,
      city: contact.city,
      tags: contact.tags,
      source: contact.first_source,
      ownerId: contact.owner_id,
      score: contact.score ?? null,
      temperature: contact.temperature ?? null,
      optedOut: custom.optOut !== undefined && custom.optOut !== null,
    },
    product: product
      ? {
          id: product.id,
          name: product.name,
          monitoring: product.monitoring,
          accessUrl: product.access_url,
          welcomeTemplate: product.welcome_template,
        }
      : null,
    enrollment: enrollment
      ? {
          id: enrollment.id,
          firstAccessAt: enrollment.first_access_at?.toISOString() ?? null,
          modulesCompleted: enrollment.modules_completed,
          lastModule: enrollment.modules.at(-1)?.name ?? null,
          cohort: enrollment.cohort,
        }
      : null,
    event: input.event ?? {},
  };
}

/**
 * The conditions of the enabled rules listening to these events in these workspaces: an event is
 * worth queueing only when some rule listens and its `event.*` conditions hold on the event's data.
 */
export async function listeningRules(
  executor: Parameters<typeof automationDb>[0],
  input: { workspaceIds: string[]; events: string[] },
): Promise<{ workspaceId: string; event: string; conditions: Condition[] }[]> {
  const { rows } = await sql<{ workspace_id: string; trigger_event: string; conditions: Condition[] }>`
    select workspace_id, trigger_event, conditions from automation_rules
    where workspace_id = any(${input.workspaceIds}::uuid[]) and trigger_event = any(${input.events}::text[])
      and trigger_kind = 'event' and enabled and deleted_at is null
  `.execute(executor);
  return rows.map((row) => ({
    workspaceId: row.workspace_id,
    event: row.trigger_event,
    conditions: row.conditions,
  }));
}
