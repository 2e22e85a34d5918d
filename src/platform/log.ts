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

export function createLogger(options: { level: string; pretty?: boolean }): Logger {
  return pino({
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    base: { service: "funil" },
  });
}
