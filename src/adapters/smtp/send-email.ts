import { createHash } from "node:crypto";
import { createTransport } from "nodemailer";

/**
 * E-mail over SMTP (nodemailer, a pooled transport: a few connections kept open and reused). Vendor
 * format only: no database, no queue, no logging. A send returns the Message-ID it went out with, or
 * throws an EmailError saying whether trying again may help.
 */

/** A failed send. The message names the SMTP reply code only: never the server's text or an address. */
export class EmailError extends Error {
  constructor(
    /** `smtp_<reply code>` (`smtp_550`, `smtp_451`), or `smtp_connection`, `smtp_timeout`, … */
    readonly code: string,
    /** SMTP 4xx (and 503) and connection trouble may pass; a 5xx reply is the server's final word. */
    readonly isRetryable: boolean,
    /** SMTP has no Retry-After: always null, kept for the same shape as the other channel errors. */
    readonly retryAfterSeconds: number | null,
    /** The SMTP reply code, when the server gave one. */
    readonly responseCode: number | null,
  ) {
    super(`email ${isRetryable ? "transient" : "permanent"} failure (${code})`);
    this.name = "EmailError";
  }
}

export interface EmailAttachment {
  filename: string;
  content?: Buffer;
  /** A local file (URLs are refused: the transport never fetches). */
  path?: string;
  contentType?: string;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: EmailAttachment[];
  /**
   * The dispatch's idempotency key: sent as `X-Funil-Dispatch` and made into the Message-ID, so a retry
   * of the same dispatch carries the same Message-ID (receivers and our own records can tell it apart).
   */
  idempotencyKey?: string;
}

export interface Mailer {
  send(message: EmailMessage): Promise<{ providerMessageId: string }>;
  close(): void;
}

/** Connection-level failures (no SMTP reply): worth another try later. */
const TRANSIENT_CODES = new Set(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "EPROTOCOL", "EMAXLIMIT"]);

interface SmtpFailure {
  code?: unknown;
  responseCode?: unknown;
  timeoutType?: unknown;
}

/** Reads nodemailer's error (its `code` and SMTP `responseCode`) into an EmailError. */
export function toEmailError(error: unknown): EmailError {
  const failure = (typeof error === "object" && error !== null ? error : {}) as SmtpFailure;
  const responseCode = typeof failure.responseCode === "number" ? failure.responseCode : null;
  const code = typeof failure.code === "string" ? failure.code : "";
  if (responseCode !== null && responseCode >= 400) {
    // RFC 5321: 4yz is transient, 5yz permanent; 503 (bad sequence) is the session, not the message.
    const retryable = responseCode < 500 || responseCode === 503;
    return new EmailError(`smtp_${responseCode}`, retryable, null, responseCode);
  }
  if (code === "ETIMEDOUT") return new EmailError("smtp_timeout", true, null, responseCode);
  if (TRANSIENT_CODES.has(code)) return new EmailError("smtp_connection", true, null, responseCode);
  if (code === "EAUTH" || code === "ENOAUTH") return new EmailError("smtp_auth", false, null, responseCode);
  if (code === "ETLS" || code === "EREQUIRETLS") return new EmailError("smtp_tls", false, null, responseCode);
  if (code === "EENVELOPE") return new EmailError("smtp_envelope", false, null, responseCode);
  if (code === "EFILEACCESS" || code === "EURLACCESS" || code === "ESTREAM") {
    return new EmailError("attachment_unreadable", false, null, responseCode);
  }
  return new EmailError(code ? `smtp_${code.toLowerCase()}` : "smtp_error", false, null, responseCode);
}

/** The domain of the From address (for Message-IDs), `funil.local` when it has none. */
function fromDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1]?.toLowerCase() ?? "funil.local";
}

/** A Message-ID made from the idempotency key: the key itself when it is plain, else its hash. */
export function dispatchMessageId(idempotencyKey: string, from: string): string {
  const local = /^[A-Za-z0-9._-]{1,100}$/.test(idempotencyKey)
    ? idempotencyKey
    : createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 40);
  return `<funil.${local}@${fromDomain(from)}>`;
}

/** Header values must stay on one line: anything else in the key is hashed. */
function headerSafe(value: string): string {
  return /^[\x21-\x7e]{1,200}$/.test(value) ? value : createHash("sha256").update(value).digest("hex");
}

/**
 * A pooled mailer for `smtpUrl` (`smtp://user:pass@host:587`, `smtps://…:465`), sending as `from`.
 * `close()` ends the pooled connections.
 */
export function createMailer(input: { smtpUrl: string; from: string }): Mailer {
  const transport = createTransport({
    url: input.smtpUrl,
    pool: true,
    maxConnections: 5,
    maxMessages: 100,
    // Retries are the send job's, with the ledger: the pool does not silently send again.
    maxRequeues: 0,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    dnsTimeout: 10_000,
    logger: false,
    debug: false,
    disableUrlAccess: true,
  });
  return {
    async send(message) {
      const headers: Record<string, string> = {};
      if (message.idempotencyKey !== undefined) {
        headers["X-Funil-Dispatch"] = headerSafe(message.idempotencyKey);
      }
      try {
        const info = await transport.sendMail({
          from: input.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html !== undefined ? { html: message.html } : {}),
          ...(message.idempotencyKey !== undefined
            ? { messageId: dispatchMessageId(message.idempotencyKey, input.from) }
            : {}),
          headers,
          attachments: (message.attachments ?? []).map((attachment) => ({
            filename: attachment.filename,
            ...(attachment.content !== undefined ? { content: attachment.content } : {}),
            ...(attachment.path !== undefined ? { path: attachment.path } : {}),
            ...(attachment.contentType !== undefined ? { contentType: attachment.contentType } : {}),
          })),
        });
        if (info.rejected.length > 0) throw new EmailError("smtp_rejected", false, null, null);
        return { providerMessageId: info.messageId };
      } catch (error) {
        if (error instanceof EmailError) throw error;
        throw toEmailError(error);
      }
    },
    close() {
      transport.close();
    },
  };
}
