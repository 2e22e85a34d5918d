import { endSession, getToken } from "./session.ts";

export interface FieldError {
  field: string;
  message: string;
}

/** An application/problem+json answer (or a network failure, with status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly fieldErrors: FieldError[] = [],
    /** The problem's machine-readable code (invalid_input, not_found, …), when the server sent one. */
    readonly code: string | null = null,
  ) {
    super(detail || title);
    this.name = "ApiError";
  }
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Record<string, QueryValue>;
  /** JSON-encoded, except FormData, which is sent as multipart/form-data. */
  body?: unknown;
  signal?: AbortSignal;
}

/** `?a=1&b=2` from the set values only (empty strings, null and undefined are left out). */
export function toQueryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseFieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) =>
    isRecord(item) && typeof item.field === "string" && typeof item.message === "string"
      ? [{ field: item.field, message: item.message }]
      : [],
  );
}

async function toApiError(response: Response): Promise<ApiError> {
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    // Not JSON: keep the status text.
  }
  if (isRecord(payload)) {
    return new ApiError(
      response.status,
      typeof payload.title === "string" ? payload.title : response.statusText,
      typeof payload.detail === "string" ? payload.detail : "",
      parseFieldErrors(payload.errors),
      typeof payload.code === "string" ? payload.code : null,
    );
  }
  return new ApiError(response.status, response.statusText, "");
}

/** A raw authenticated fetch; a 401 on an authenticated call ends the session (back to login). */
export async function apiFetch(path: string, options: RequestOptions = {}): Promise<Response> {
  const token = getToken();
  const headers: Record<string, string> = { accept: "application/json, application/problem+json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const isForm = options.body instanceof FormData;
  if (options.body !== undefined && !isForm) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`${path}${toQueryString(options.query)}`, {
      method: options.method ?? "GET",
      headers,
      // FormData goes as multipart: the browser sets the content type and its boundary.
      body: isForm
        ? (options.body as FormData)
        : options.body === undefined
          ? null
          : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "Network error", "");
  }
  if (response.ok) return response;
  const apiError = await toApiError(response);
  if (response.status === 401 && token) endSession(true);
  throw apiError;
}

/** A JSON API call; resolves to the parsed body (undefined for 204). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiFetch(path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}
