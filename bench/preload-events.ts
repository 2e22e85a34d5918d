import { randomUUID } from "node:crypto";
import { createApp } from "../src/app.ts";
import { parseConfig } from "../src/config.ts";
import { createLeadFactory } from "./fake-leads.ts";
import { signDelivery, webhookKey } from "./sign-webhook.ts";

export interface PreloadResult {
  /** Events already waiting before the preload (left over by the intake test). */
  existing: number;
  accepted: number;
  rejected: number;
  /** Every inbox event still `received` afterwards (what the worker has to drain). */
  received: number;
  seconds: number;
}

/**
 * Stores signed `generic` webhook deliveries through the real webhook route (Fastify inject on an
 * app built in this process, with no worker running), so they wait raw in inbox_events + outbox
 * exactly as receiveWebhook leaves them, topping up what the intake test left. Funil must not be
 * running on the same embedded data dir.
 */
export async function preloadEvents(input: {
  env: Record<string, string>;
  webhookPath: string;
  secret: string;
  /** Preload until this many events wait in total (or until maxSeconds). */
  targetBacklog: number;
  maxSeconds: number;
  concurrency: number;
  signal: AbortSignal;
}): Promise<PreloadResult> {
  const app = await createApp(parseConfig(input.env));
  const countReceived = async () => {
    const row = await app.deps.db
      .selectFrom("inbox_events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "received")
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  try {
    const existing = await countReceived();
    const wanted = Math.max(0, input.targetBacklog - existing);
    const key = webhookKey(input.secret);
    const nextLead = createLeadFactory("preload");
    const startedAt = performance.now();
    const stopAt = startedAt + input.maxSeconds * 1000;
    let sent = 0;
    let accepted = 0;
    let rejected = 0;
    const sender = async () => {
      while (sent < wanted && performance.now() < stopAt && !input.signal.aborted) {
        sent++;
        const delivery = signDelivery(key, {
          id: `msg_${randomUUID()}`,
          body: JSON.stringify({ type: "lead.created", data: nextLead() }),
        });
        const response = await app.server.inject({
          method: "POST",
          url: input.webhookPath,
          headers: delivery.headers,
          payload: delivery.body,
        });
        if (response.statusCode === 202) accepted++;
        else rejected++;
      }
    };
    await Promise.all(Array.from({ length: input.concurrency }, sender));
    input.signal.throwIfAborted();
    const seconds = (performance.now() - startedAt) / 1000;
    return { existing, accepted, rejected, received: await countReceived(), seconds };
  } finally {
    await app.stop();
  }
}
