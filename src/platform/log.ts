import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Paths that must never reach a log line: credentials, and anything that can carry personal data.
 * Use-case code logs ids and counts only; this list is the safety net.
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "password",
  "*.password",
  "token",
  "*.token",
  "apiKey",
  "*.apiKey",
  "secret",
  "*.secret",
  "email",
  "*.email",
  "phone",
  "*.phone",
  "name",
  "*.name",
  "body",
  "*.body",
  "payload",
  "*.payload",
];

/**
 * Errors are logged as type, code, message and stack only: database errors carry the offending
 * values in `detail`/`where`, which may be personal data.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === "string" ? { code } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
  };
}

export function createLogger(
  options: { level: string; pretty?: boolean },
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      serializers: { err: serializeError },
      base: { service: "funil" },
    },
    destination,
  );
}
