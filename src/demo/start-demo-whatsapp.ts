import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for the WhatsApp Cloud API on 127.0.0.1, for the demo workspace only: messages sent to
 * it never leave the machine. It answers sends the way Meta does (WIRE-FORMATS §1.3: a wamid per
 * message; error 131026 for a number that is not on WhatsApp) and, once told where Funil listens,
 * reports each message delivered and then read through the connection's signed webhook, as Meta would.
 */
export interface DemoWhatsAppCredentials {
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
}

export interface DemoWhatsApp {
  /** What FUNIL_META_GRAPH_URL must be for Funil to send here. */
  graphUrl: string;
  /** What the demo workspace's `meta` connection holds (new ones for a new workspace). */
  credentials(): DemoWhatsAppCredentials;
  /** Answers as the number of an existing demo connection (a workspace seeded by an earlier run). */
  adopt(credentials: DemoWhatsAppCredentials): void;
  /** E.164 digits (no "+") that are not on WhatsApp. */
  unreachable: Set<string>;
  /** Messages accepted so far. */
  sent(): number;
  /** Report delivery statuses to this webhook URL (signed with the app secret), a few seconds apart. */
  reportStatusesTo(webhookUrl: string | null): void;
  close(): Promise<void>;
}

const STATUS_DELAYS_MS = { delivered: 2_000, read: 9_000 } as const;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function answer(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

export async function startDemoWhatsApp(): Promise<DemoWhatsApp> {
  let credentials: DemoWhatsAppCredentials = {
    phoneNumberId: "100000000000001",
    accessToken: `demo-${randomBytes(12).toString("hex")}`,
    appSecret: randomBytes(16).toString("hex"),
    verifyToken: `demo-${randomBytes(6).toString("hex")}`,
  };
  const unreachable = new Set<string>();
  let count = 0;
  let webhookUrl: string | null = null;
  const timers = new Set<NodeJS.Timeout>();

  const report = (message: { id: string; to: string; callback: string | undefined }) => {
    for (const [status, delay] of Object.entries(STATUS_DELAYS_MS)) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!webhookUrl) return;
        const body = JSON.stringify({
          object: "whatsapp_business_account",
          entry: [
            {
              id: "demo",
              changes: [
                {
                  field: "messages",
                  value: {
                    messaging_product: "whatsapp",
                    metadata: { phone_number_id: credentials.phoneNumberId },
                    statuses: [
                      {
                        id: message.id,
                        status,
                        timestamp: String(Math.floor(Date.now() / 1000)),
                        recipient_id: message.to,
                        ...(message.callback ? { biz_opaque_callback_data: message.callback } : {}),
                      },
                    ],
                  },
                },
              ],
            },
          ],
        });
        const signature = `sha256=${createHmac("sha256", credentials.appSecret).update(body).digest("hex")}`;
        fetch(webhookUrl, {
          method: "POST",
          headers: { "content-type": "application/json", "x-hub-signature-256": signature },
          body,
        }).catch(() => undefined);
      }, delay);
      timer.unref();
      timers.add(timer);
    }
  };

  const server = createServer((request, response) => {
    void (async () => {
      const path = /^\/v[\d.]+\/(\d+)\/messages$/.exec(request.url ?? "");
      if (request.method !== "POST" || !path || path[1] !== credentials.phoneNumberId) {
        answer(response, 404, { error: { code: 100, message: "Unknown path" } });
        return;
      }
      if (request.headers.authorization !== `Bearer ${credentials.accessToken}`) {
        answer(response, 401, { error: { code: 190, message: "Invalid OAuth access token" } });
        return;
      }
      const parsed = JSON.parse(await readBody(request)) as {
        to?: unknown;
        biz_opaque_callback_data?: unknown;
      };
      const to = typeof parsed.to === "string" ? parsed.to : "";
      if (unreachable.has(to)) {
        answer(response, 400, { error: { code: 131026, message: "Message undeliverable" } });
        return;
      }
      count++;
      const id = `wamid.DEMO${randomBytes(12).toString("hex").toUpperCase()}`;
      answer(response, 200, {
        messaging_product: "whatsapp",
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id, message_status: "accepted" }],
      });
      const callback =
        typeof parsed.biz_opaque_callback_data === "string" ? parsed.biz_opaque_callback_data : undefined;
      report({ id, to, callback });
    })().catch(() => answer(response, 400, { error: { code: 100, message: "Bad request" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    graphUrl: `http://127.0.0.1:${port}/v21.0`,
    credentials: () => ({ ...credentials }),
    adopt: (next) => {
      credentials = { ...next };
    },
    unreachable,
    sent: () => count,
    reportStatusesTo: (url) => {
      webhookUrl = url;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
