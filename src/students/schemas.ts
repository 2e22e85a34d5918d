import type { ColumnType, Generated } from "kysely";
import { z } from "zod";

/** Purchase statuses (CONTRACT.md "Purchases and enrollments"). */
export const PURCHASE_STATUSES = [
  "approved",
  "complete",
  "canceled",
  "refunded",
  "chargeback",
  "protest",
  "expired",
  "delayed",
  "billet_printed",
  "abandoned",
] as const;

export const PurchaseStatusSchema = z.enum(PURCHASE_STATUSES);
export type PurchaseStatus = z.infer<typeof PurchaseStatusSchema>;

/** Never left for approved, complete, billet or delayed (only for a later terminal state). */
export const TERMINAL_STATUSES: readonly PurchaseStatus[] = ["refunded", "chargeback", "canceled"];

const ProductFactSchema = z.object({
  externalId: z.string().min(1).max(100),
  name: z.string().max(500),
});

/** A purchase-family event (purchase, cart abandonment, subscription) as the vendor reported it. */
export const PurchaseFactSchema = z.object({
  kind: z.literal("purchase"),
  /** The vendor's transaction; null for a cart abandonment or a subscription event without one. */
  transaction: z.string().min(1).max(100).nullable(),
  /** The status this event means; null when the event is only recorded in the history. */
  status: PurchaseStatusSchema.nullable(),
  /** The vendor's event name, e.g. PURCHASE_APPROVED. */
  event: z.string().min(1).max(100),
  occurredAt: z.date(),
  product: ProductFactSchema,
  offerCode: z.string().max(100).nullable(),
  price: z.object({ value: z.number(), currency: z.string().max(10) }).nullable(),
  paymentType: z.string().max(50).nullable(),
  approvedAt: z.date().nullable(),
  /** The vendor's own status string (e.g. DISPUTE, CANCELLED_BY_CUSTOMER), kept in the history. */
  vendorStatus: z.string().max(100).nullable(),
});

/** A members-area event: the first access to a product, or one module completed. */
export const ClubFactSchema = z.object({
  kind: z.literal("club"),
  event: z.enum(["first_access", "module_completed"]),
  occurredAt: z.date(),
  product: ProductFactSchema,
  module: z.object({ id: z.string().min(1).max(100), name: z.string().max(500) }).nullable(),
  /** Where the first access happened (e.g. hotmart_club). */
  origin: z.string().max(100).nullable(),
});

/** What a door's event says beyond the person: purchases and enrollments (capture/sources.ts `facts`). */
export const SourceFactsSchema = z.discriminatedUnion("kind", [PurchaseFactSchema, ClubFactSchema]);

export type PurchaseFact = z.infer<typeof PurchaseFactSchema>;
export type ClubFact = z.infer<typeof ClubFactSchema>;
export type SourceFacts = z.infer<typeof SourceFactsSchema>;

/** One entry of purchases.status_history: every status event, applied or not. */
export interface StatusHistoryEntry {
  eventId: string;
  event: string;
  status: PurchaseStatus | null;
  vendorStatus: string | null;
  occurredAt: string;
  applied: boolean;
}

export interface ModuleEntry {
  id: string;
  name: string;
  completedAt: string;
}

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

/** Tables of migrations/0003_students.sql (used through `db.withTables<StudentTables>()`). */
export type StudentTables = {
  products: {
    id: Generated<string>;
    workspace_id: string;
    external_id: string;
    name: string;
    monitoring: Generated<boolean>;
    welcome_template: string | null;
    /** Where a tracked link sends the student (the course's members area); migration 0022. */
    access_url: string | null;
    created_at: Generated<Date>;
  };
  purchases: {
    id: Generated<string>;
    workspace_id: string;
    transaction: string;
    contact_id: string;
    product_id: string;
    offer_code: string | null;
    status: PurchaseStatus;
    price: ColumnType<string | null, number | string | null | undefined, number | string | null>;
    currency: string | null;
    payment_type: string | null;
    approved_at: NullableTimestamp;
    last_event_at: Timestamp;
    status_history: Json<StatusHistoryEntry[]>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  enrollments: {
    id: Generated<string>;
    workspace_id: string;
    contact_id: string;
    product_id: string;
    first_access_at: NullableTimestamp;
    first_access_origin: string | null;
    modules_completed: Generated<number>;
    modules: Json<ModuleEntry[]>;
    /** The cohort (turma), for access KPIs per cohort; migration 0022. */
    cohort: ColumnType<string | null, string | null | undefined, string | null>;
    created_at: Generated<Date>;
  };
};

export const ListPurchasesQuerySchema = z.object({
  transaction: z.string().min(1).max(100).optional(),
  contactId: z.string().uuid().optional(),
});

export const ListEnrollmentsQuerySchema = z.object({ contactId: z.string().uuid().optional() });

/** A cohort (turma), e.g. "Turma 10". */
const CohortSchema = z.string().trim().min(1).max(60);
/** A date (a whole day in the workspace's time zone) or an instant with its offset. */
const DateOrInstantSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const SetCohortSchema = z.object({ cohort: CohortSchema.nullable() }).strict();

/** Every enrollment of a product that began in [from, to] (dates: whole days; instants: `to` excluded). */
export const AssignCohortSchema = z
  .object({
    productId: z.uuid(),
    from: DateOrInstantSchema,
    to: DateOrInstantSchema,
    /** null takes the range out of any cohort. */
    cohort: CohortSchema.nullable(),
  })
  .strict();
export type AssignCohortInput = z.infer<typeof AssignCohortSchema>;

export const AccessKpisQuerySchema = z.object({
  productId: z.uuid().optional(),
  cohort: CohortSchema.optional(),
  /** `cohort`: a row per product and cohort (null: enrollments in none). */
  groupBy: z.enum(["product", "cohort"]).default("product"),
  /** When the enrollments began (their purchase): dates are whole days in the workspace's time zone. */
  from: DateOrInstantSchema.optional(),
  to: DateOrInstantSchema.optional(),
});
export type AccessKpisQuery = z.infer<typeof AccessKpisQuerySchema>;

export const UpdateProductSchema = z
  .object({
    monitoring: z.boolean().optional(),
    welcomeTemplate: z.string().trim().max(4000).nullable().optional(),
    /** The course's members area: where our tracked links (/r/{token}) send the student. */
    accessUrl: z
      .url({ protocol: /^https?$/ })
      .max(1000)
      .nullable()
      .optional(),
  })
  .strict();

export type UpdateProductInput = z.infer<typeof UpdateProductSchema>;

export interface PurchaseView {
  id: string;
  transaction: string;
  status: PurchaseStatus;
  productId: string;
  contactId: string;
}

export interface EnrollmentView {
  id: string;
  productId: string;
  contactId: string;
  firstAccessAt: string | null;
  firstAccessOrigin: string | null;
  modulesCompleted: number;
  cohort: string | null;
}

export interface ProductView {
  id: string;
  externalId: string;
  name: string;
  monitoring: boolean;
  welcomeTemplate: string | null;
  accessUrl: string | null;
}
