/** The closed set of error codes, each with its HTTP status and a public title. */
export const ERROR_CODES = {
  invalid_input: { status: 400, title: "Invalid input" },
  unprocessable: { status: 422, title: "Unprocessable input" },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  not_found: { status: 404, title: "Not found" },
  conflict: { status: 409, title: "Conflict" },
  payload_too_large: { status: 413, title: "Payload too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  rate_limited: { status: 429, title: "Too many requests" },
  upstream_failed: { status: 502, title: "Upstream failed" },
  unavailable: { status: 503, title: "Service unavailable" },
  internal: { status: 500, title: "Internal error" },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  field: string;
  message: string;
}

/** An expected failure whose message is safe to show to the caller. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = "AppError";
  }
}

export function notFound(what = "Resource"): AppError {
  return new AppError("not_found", `${what} not found`);
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  requestId?: string;
}

export function toProblem(error: AppError, requestId?: string): Problem {
  const { status, title } = ERROR_CODES[error.code];
  return {
    type: `https://funil.dev/problems/${error.code.replaceAll("_", "-")}`,
    title,
    status,
    detail: error.message,
    code: error.code,
    ...(error.errors && error.errors.length > 0 ? { errors: error.errors } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
