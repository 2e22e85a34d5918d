import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerAddress } from "smtp-server";

/**
 * An SMTP server on 127.0.0.1 for tests: the real `smtp-server` (plain, no STARTTLS, authentication
 * optional) with every accepted message parsed by `mailparser`. Recipients in `rejectRecipients` get
 * `550` at RCPT TO, those in `tempFailRecipients` get `451`.
 */

export interface FakeSmtpMessage {
  /** The From header as text (`Funil <no-reply@funil.local>`). */
  from: string;
  /** The envelope recipients the server accepted. */
  to: string[];
  subject: string;
  text: string;
  html?: string;
  attachments: Array<{ filename: string; contentType: string; size: number; content: Buffer }>;
  /** Header lines by lower-case name (unfolded; a repeated header keeps its last value). */
  headers: Record<string, string>;
}

function smtpError(message: string, responseCode: number): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

export async function startFakeSmtp(
  options: { rejectRecipients?: string[]; tempFailRecipients?: string[] } = {},
) {
  const reject = new Set((options.rejectRecipients ?? []).map((address) => address.toLowerCase()));
  const tempFail = new Set((options.tempFailRecipients ?? []).map((address) => address.toLowerCase()));
  const messages: FakeSmtpMessage[] = [];
  const errors: string[] = [];
  const state = { connections: 0 };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    size: 25 * 1024 * 1024,
    closeTimeout: 1_000,
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const recipient = address.address.toLowerCase();
      if (reject.has(recipient)) return callback(smtpError("5.1.1 Mailbox unavailable", 550));
      if (tempFail.has(recipient)) return callback(smtpError("4.2.0 Mailbox busy, try again later", 451));
      return callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const headers: Record<string, string> = {};
          for (const { key, line } of parsed.headerLines) {
            const colon = line.indexOf(":");
            headers[key.toLowerCase()] = line
              .slice(colon + 1)
              .replace(/\r?\n[ \t]+/g, " ")
              .trim();
          }
          messages.push({
            from: parsed.from?.text ?? "",
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            ...(typeof parsed.html === "string" ? { html: parsed.html } : {}),
            attachments: parsed.attachments.map((attachment) => ({
              filename: attachment.filename ?? "",
              contentType: attachment.contentType,
              size: attachment.size,
              content: attachment.content,
            })),
            headers,
          });
          callback();
        })
        .catch((error: unknown) => {
          errors.push(error instanceof Error ? error.message : String(error));
          callback(smtpError("4.3.0 Could not parse the message", 451));
        });
    },
  });
  server.on("error", (error) => errors.push(error.message));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    /** Parse and server errors (tests can assert none happened). */
    errors,
    /** SMTP sessions opened so far (the pooled transport keeps this low). */
    get connections() {
      return state.connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeSmtp = Awaited<ReturnType<typeof startFakeSmtp>>;
