import type { QueryValue } from "../../api/client.ts";
import type { LeadSort, Temperature } from "../../api/types.ts";

export const TEMPERATURE_OPTIONS: readonly Temperature[] = ["hot", "warm", "cold"];
export const SORT_OPTIONS: readonly LeadSort[] = [
  "created_desc",
  "created_asc",
  "updated_desc",
  "score_desc",
  "name_asc",
];

/** The list's filters as the user sees them (dates as yyyy-mm-dd, "created until" inclusive). */
export interface LeadFilters {
  q: string;
  temperature: Temperature[];
  source: string;
  tag: string;
  city: string;
  owner: string;
  createdFrom: string;
  createdTo: string;
  sort: LeadSort;
  deleted: boolean;
  segment: string;
}

export const EMPTY_FILTERS: LeadFilters = {
  q: "",
  temperature: [],
  source: "",
  tag: "",
  city: "",
  owner: "",
  createdFrom: "",
  createdTo: "",
  sort: "created_desc",
  deleted: false,
  segment: "",
};

function isTemperature(value: string): value is Temperature {
  return (TEMPERATURE_OPTIONS as readonly string[]).includes(value);
}

function isSort(value: string): value is LeadSort {
  return (SORT_OPTIONS as readonly string[]).includes(value);
}

function parseTemperatures(value: string | null | undefined): Temperature[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(isTemperature);
}

/** The filters kept in the page's URL (`#/leads?q=…`), so back and reload keep them. */
export function filtersFromQuery(query: URLSearchParams): LeadFilters {
  const sort = query.get("sort") ?? "";
  return {
    q: query.get("q") ?? "",
    temperature: parseTemperatures(query.get("temperature")),
    source: query.get("source") ?? "",
    tag: query.get("tag") ?? "",
    city: query.get("city") ?? "",
    owner: query.get("owner") ?? "",
    createdFrom: query.get("createdFrom") ?? "",
    createdTo: query.get("createdTo") ?? "",
    sort: isSort(sort) ? sort : "created_desc",
    deleted: query.get("deleted") === "true",
    segment: query.get("segment") ?? "",
  };
}

export function filtersToQuery(filters: LeadFilters): URLSearchParams {
  const query = new URLSearchParams();
  const entries: [string, string][] = [
    ["q", filters.q],
    ["temperature", filters.temperature.join(",")],
    ["source", filters.source],
    ["tag", filters.tag],
    ["city", filters.city],
    ["owner", filters.owner],
    ["createdFrom", filters.createdFrom],
    ["createdTo", filters.createdTo],
    ["sort", filters.sort === "created_desc" ? "" : filters.sort],
    ["deleted", filters.deleted ? "true" : ""],
    ["segment", filters.segment],
  ];
  for (const [key, value] of entries) if (value) query.set(key, value);
  return query;
}

/** yyyy-mm-dd (local) → the ISO instant of that local midnight, `plusDays` later. */
function localDayStart(day: string, plusDays = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + plusDays);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function toLocalDay(iso: unknown, minusDays = 0): string {
  if (typeof iso !== "string" || iso === "") return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  date.setDate(date.getDate() - minusDays);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The filter part of the API query (shared by the list, the CSV export and saved segments). */
export function toApiFilters(filters: LeadFilters): Record<string, string | undefined> {
  const text = (value: string) => value.trim() || undefined;
  return {
    temperature: filters.temperature.length > 0 ? filters.temperature.join(",") : undefined,
    q: text(filters.q),
    source: text(filters.source),
    tag: text(filters.tag),
    city: text(filters.city),
    owner: text(filters.owner),
    createdFrom: localDayStart(filters.createdFrom),
    createdTo: localDayStart(filters.createdTo, 1),
  };
}

export function toListQuery(filters: LeadFilters): Record<string, QueryValue> {
  return {
    ...toApiFilters(filters),
    sort: filters.sort,
    deleted: filters.deleted ? "true" : undefined,
    limit: 50,
  };
}

/** A saved segment's filters (strings, as the API stores them) back into the filter bar. */
export function filtersFromSegment(
  saved: Record<string, unknown>,
  keep: Pick<LeadFilters, "sort">,
  segmentId: string,
): LeadFilters {
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const temperature = Array.isArray(saved.temperature) ? saved.temperature.join(",") : saved.temperature;
  return {
    ...EMPTY_FILTERS,
    q: text(saved.q),
    temperature: parseTemperatures(text(temperature)),
    source: text(saved.source),
    tag: text(saved.tag),
    city: text(saved.city),
    owner: text(saved.owner),
    createdFrom: toLocalDay(saved.createdFrom),
    createdTo: toLocalDay(saved.createdTo, 1),
    sort: keep.sort,
    segment: segmentId,
  };
}

export function hasActiveFilters(filters: LeadFilters): boolean {
  return Object.values(toApiFilters(filters)).some((value) => value !== undefined) || filters.segment !== "";
}
