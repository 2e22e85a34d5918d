import type { ColumnType, Generated, Kysely, Transaction } from "kysely";
import { z } from "zod";
import { type CrmDB, crmDb } from "../crm/schemas.ts";
import type { DB } from "../platform/db/schema.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** numeric columns: read as numbers on both engines (platform/db/connect.ts). */
type Numeric = ColumnType<number, number, number>;
type NullableNumeric = ColumnType<number | null, number | null | undefined, number | null>;
type TextArray = ColumnType<string[], string[] | undefined, string[]>;
/** `date` columns are selected as `YYYY-MM-DD` text (to_char) by the queries that read them. */
type DateText = ColumnType<string | null, string | null | undefined, string | null>;

export const PROPERTY_KINDS = [
  "apartment",
  "house",
  "condo_house",
  "lot",
  "commercial",
  "room",
  "farm",
  "other",
] as const;
export type PropertyKind = (typeof PROPERTY_KINDS)[number];
export const PROPERTY_PURPOSES = ["sale", "rent"] as const;
export type PropertyPurpose = (typeof PROPERTY_PURPOSES)[number];
export const PROPERTY_STATUSES = ["available", "reserved", "sold", "rented", "off_market"] as const;
export type PropertyStatus = (typeof PROPERTY_STATUSES)[number];
/** Where the listing comes from: our own, a partner broker's, or a listing portal. */
export const PROPERTY_ORIGINS = ["own", "partner", "portal"] as const;
export type PropertyOrigin = (typeof PROPERTY_ORIGINS)[number];
export const DEVELOPMENT_STATUSES = ["launch", "under_construction", "ready"] as const;
export type DevelopmentStatus = (typeof DEVELOPMENT_STATUSES)[number];
export const INTEREST_PURPOSES = ["buy", "rent"] as const;
export type InterestPurpose = (typeof INTEREST_PURPOSES)[number];

/** A deal in an open stage at least this likely to win reserves its property. */
export const RESERVE_AT_PROBABILITY = 0.7;

export interface DevelopmentsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  developer: string | null;
  street: string | null;
  number: string | null;
  neighborhood: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  status: Generated<DevelopmentStatus>;
  delivery_date: DateText;
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface PropertiesTable {
  id: Generated<string>;
  workspace_id: string;
  code: string | null;
  title: string;
  kind: PropertyKind;
  purpose: Generated<PropertyPurpose>;
  price: Numeric;
  area_m2: NullableNumeric;
  bedrooms: number | null;
  bathrooms: number | null;
  parking: number | null;
  street: string | null;
  number: string | null;
  complement: string | null;
  neighborhood: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  status: Generated<PropertyStatus>;
  origin: Generated<PropertyOrigin>;
  development_id: string | null;
  unit: string | null;
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface ContactInterestsTable {
  contact_id: string;
  workspace_id: string;
  purpose: Generated<InterestPurpose>;
  kinds: ColumnType<PropertyKind[], PropertyKind[] | undefined, PropertyKind[]>;
  price_min: NullableNumeric;
  price_max: NullableNumeric;
  bedrooms_min: number | null;
  cities: TextArray;
  neighborhoods: TextArray;
  notes: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

type RealEstateTables = {
  developments: DevelopmentsTable;
  properties: PropertiesTable;
  contact_interests: ContactInterestsTable;
};

export type RealEstateDB = CrmDB & RealEstateTables;

/** The shared connection, seeing the catalog tables (and the CRM's, for deals linked to them). */
export function realEstateDb(db: Kysely<DB> | Transaction<DB>): Kysely<RealEstateDB> {
  return crmDb(db).withTables<RealEstateTables>();
}

const Text = (max: number) => z.string().trim().min(1).max(max);
const Money = z.number().min(0).max(999_999_999_999);
const Count = z.number().int().min(0).max(100);
const DateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD");

const AddressFields = {
  street: Text(200).nullable(),
  number: Text(20).nullable(),
  neighborhood: Text(120).nullable(),
  city: Text(120).nullable(),
  state: Text(60).nullable(),
  postalCode: Text(20).nullable(),
};

const PropertyFields = {
  code: Text(40).nullable(),
  title: Text(200),
  kind: z.enum(PROPERTY_KINDS),
  purpose: z.enum(PROPERTY_PURPOSES),
  price: Money,
  areaM2: z.number().positive().max(100_000_000).nullable(),
  bedrooms: Count.nullable(),
  bathrooms: Count.nullable(),
  parking: Count.nullable(),
  ...AddressFields,
  complement: Text(120).nullable(),
  status: z.enum(PROPERTY_STATUSES),
  origin: z.enum(PROPERTY_ORIGINS),
  /** A unit of this development (its `unit` label names it there). */
  developmentId: z.string().uuid().nullable(),
  unit: Text(60).nullable(),
  description: z.string().trim().max(5_000).nullable(),
};

/** Every property field a caller may leave out, and its default. */
const optionalPropertyFields = {
  code: PropertyFields.code.default(null),
  purpose: PropertyFields.purpose.default("sale"),
  areaM2: PropertyFields.areaM2.default(null),
  bedrooms: PropertyFields.bedrooms.default(null),
  bathrooms: PropertyFields.bathrooms.default(null),
  parking: PropertyFields.parking.default(null),
  street: PropertyFields.street.default(null),
  number: PropertyFields.number.default(null),
  complement: PropertyFields.complement.default(null),
  neighborhood: PropertyFields.neighborhood.default(null),
  city: PropertyFields.city.default(null),
  state: PropertyFields.state.default(null),
  postalCode: PropertyFields.postalCode.default(null),
  status: PropertyFields.status.default("available"),
  origin: PropertyFields.origin.default("own"),
  description: PropertyFields.description.default(null),
};

export const CreatePropertySchema = z
  .object({
    ...optionalPropertyFields,
    title: PropertyFields.title,
    kind: PropertyFields.kind,
    price: PropertyFields.price,
    developmentId: PropertyFields.developmentId.default(null),
    unit: PropertyFields.unit.default(null),
  })
  .strict()
  .refine((property) => property.unit === null || property.developmentId !== null, {
    message: "a unit label needs a development",
    path: ["unit"],
  });
export type NewProperty = z.infer<typeof CreatePropertySchema>;

/** A unit of a development: its label is required; the address defaults to the development's. */
export const CreateUnitSchema = z
  .object({
    ...optionalPropertyFields,
    title: PropertyFields.title.optional(),
    kind: PropertyFields.kind.default("apartment"),
    price: PropertyFields.price,
    unit: PropertyFields.unit.unwrap(),
  })
  .strict();
export type NewUnit = z.infer<typeof CreateUnitSchema>;

export const UpdatePropertySchema = z
  .object({
    code: PropertyFields.code.optional(),
    title: PropertyFields.title.optional(),
    kind: PropertyFields.kind.optional(),
    purpose: PropertyFields.purpose.optional(),
    price: PropertyFields.price.optional(),
    areaM2: PropertyFields.areaM2.optional(),
    bedrooms: PropertyFields.bedrooms.optional(),
    bathrooms: PropertyFields.bathrooms.optional(),
    parking: PropertyFields.parking.optional(),
    street: PropertyFields.street.optional(),
    number: PropertyFields.number.optional(),
    complement: PropertyFields.complement.optional(),
    neighborhood: PropertyFields.neighborhood.optional(),
    city: PropertyFields.city.optional(),
    state: PropertyFields.state.optional(),
    postalCode: PropertyFields.postalCode.optional(),
    status: PropertyFields.status.optional(),
    origin: PropertyFields.origin.optional(),
    developmentId: PropertyFields.developmentId.optional(),
    unit: PropertyFields.unit.optional(),
    description: PropertyFields.description.optional(),
  })
  .strict();
export type PropertyChanges = z.infer<typeof UpdatePropertySchema>;

const QueryNumber = z.coerce.number().min(0).max(999_999_999_999);

export const ListPropertiesQuerySchema = z
  .object({
    status: z.enum(PROPERTY_STATUSES).optional(),
    kind: z.enum(PROPERTY_KINDS).optional(),
    purpose: z.enum(PROPERTY_PURPOSES).optional(),
    origin: z.enum(PROPERTY_ORIGINS).optional(),
    priceMin: QueryNumber.optional(),
    priceMax: QueryNumber.optional(),
    bedroomsMin: z.coerce.number().int().min(0).max(100).optional(),
    city: z.string().trim().min(1).max(120).optional(),
    neighborhood: z.string().trim().min(1).max(120).optional(),
    /** Units of one development, or `none` for properties outside any. */
    developmentId: z.union([z.string().uuid(), z.literal("none")]).optional(),
    /** Title, code, unit, street, neighborhood, city or development name. */
    q: z.string().trim().max(200).optional(),
    includeDeleted: z.coerce.boolean().default(false),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type ListPropertiesQuery = z.infer<typeof ListPropertiesQuerySchema>;

export interface PropertyView {
  id: string;
  code: string | null;
  title: string;
  kind: PropertyKind;
  purpose: PropertyPurpose;
  price: number;
  areaM2: number | null;
  bedrooms: number | null;
  bathrooms: number | null;
  parking: number | null;
  street: string | null;
  number: string | null;
  complement: string | null;
  neighborhood: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  status: PropertyStatus;
  origin: PropertyOrigin;
  development: { id: string; name: string } | null;
  unit: string | null;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

const DevelopmentFields = {
  name: Text(200),
  developer: Text(200).nullable(),
  ...AddressFields,
  status: z.enum(DEVELOPMENT_STATUSES),
  deliveryDate: DateOnly.nullable(),
  description: z.string().trim().max(5_000).nullable(),
};

export const CreateDevelopmentSchema = z
  .object({
    name: DevelopmentFields.name,
    developer: DevelopmentFields.developer.default(null),
    street: DevelopmentFields.street.default(null),
    number: DevelopmentFields.number.default(null),
    neighborhood: DevelopmentFields.neighborhood.default(null),
    city: DevelopmentFields.city.default(null),
    state: DevelopmentFields.state.default(null),
    postalCode: DevelopmentFields.postalCode.default(null),
    status: DevelopmentFields.status.default("launch"),
    deliveryDate: DevelopmentFields.deliveryDate.default(null),
    description: DevelopmentFields.description.default(null),
  })
  .strict();
export type NewDevelopment = z.infer<typeof CreateDevelopmentSchema>;

export const UpdateDevelopmentSchema = z
  .object({
    name: DevelopmentFields.name.optional(),
    developer: DevelopmentFields.developer.optional(),
    street: DevelopmentFields.street.optional(),
    number: DevelopmentFields.number.optional(),
    neighborhood: DevelopmentFields.neighborhood.optional(),
    city: DevelopmentFields.city.optional(),
    state: DevelopmentFields.state.optional(),
    postalCode: DevelopmentFields.postalCode.optional(),
    status: DevelopmentFields.status.optional(),
    deliveryDate: DevelopmentFields.deliveryDate.optional(),
    description: DevelopmentFields.description.optional(),
  })
  .strict();
export type DevelopmentChanges = z.infer<typeof UpdateDevelopmentSchema>;

export const ListDevelopmentsQuerySchema = z
  .object({
    status: z.enum(DEVELOPMENT_STATUSES).optional(),
    city: z.string().trim().min(1).max(120).optional(),
    /** Name, developer, neighborhood or city. */
    q: z.string().trim().max(200).optional(),
    includeDeleted: z.coerce.boolean().default(false),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type ListDevelopmentsQuery = z.infer<typeof ListDevelopmentsQuerySchema>;

export interface DevelopmentView {
  id: string;
  name: string;
  developer: string | null;
  street: string | null;
  number: string | null;
  neighborhood: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  status: DevelopmentStatus;
  deliveryDate: string | null;
  description: string | null;
  /** Its live units, in total and by status. */
  unitCounts: { total: number } & Record<PropertyStatus, number>;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export type DevelopmentDetail = DevelopmentView & { units: PropertyView[] };

const Place = z.string().trim().min(1).max(120);

export const InterestSchema = z
  .object({
    purpose: z.enum(INTEREST_PURPOSES).default("buy"),
    /** Kinds wanted; empty: any. */
    kinds: z.array(z.enum(PROPERTY_KINDS)).max(PROPERTY_KINDS.length).default([]),
    priceMin: Money.nullable().default(null),
    priceMax: Money.nullable().default(null),
    bedroomsMin: Count.nullable().default(null),
    /** Cities where it must be; empty: anywhere. */
    cities: z.array(Place).max(20).default([]),
    /** Neighbourhoods preferred (they add to the fit, they do not exclude). */
    neighborhoods: z.array(Place).max(50).default([]),
    notes: z.string().trim().max(2_000).nullable().default(null),
  })
  .strict()
  .refine(
    (interest) =>
      interest.priceMin === null || interest.priceMax === null || interest.priceMin <= interest.priceMax,
    { message: "must not be under the minimum price", path: ["priceMax"] },
  );
export type Interest = z.infer<typeof InterestSchema>;

export interface InterestView extends Interest {
  contactId: string;
  updatedAt: string;
}

export const MatchQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(100).default(20) })
  .strict();

/** One criterion of the interest and how the property meets it. */
export interface MatchReason {
  rule: "kind" | "price" | "bedrooms" | "city" | "neighborhood";
  /** full: met; partial: nearly (e.g. up to 10% over the budget); none: not met. */
  fit: "full" | "partial" | "none";
  points: number;
  /** In English, for API readers; the web app words it from `rule` and `fit`. */
  label: string;
}

export interface PropertyMatch {
  property: PropertyView;
  /** 0–100: points earned over the points the interest's criteria can give. */
  score: number;
  reasons: MatchReason[];
}

export const ListClientsQuerySchema = z
  .object({
    /** The lead source they first came from (e.g. instagram, typeform). */
    origin: z.string().trim().min(1).max(60).optional(),
    /** Clients whose interest includes this kind. */
    kind: z.enum(PROPERTY_KINDS).optional(),
    purpose: z.enum(INTEREST_PURPOSES).optional(),
    /** Clients whose price range overlaps [priceMin, priceMax]. */
    priceMin: QueryNumber.optional(),
    priceMax: QueryNumber.optional(),
    /** A city of their interest, or their own city. */
    city: z.string().trim().min(1).max(120).optional(),
    q: z.string().trim().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type ListClientsQuery = z.infer<typeof ListClientsQuerySchema>;

export interface ClientView {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  source: string | null;
  interest: InterestView | null;
  /** Open deals about a property or development (linked or by reference). */
  openDeals: number;
  createdAt: string;
  updatedAt: string;
}
