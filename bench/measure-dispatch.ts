import { randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DISPATCH_STATUSES } from "../src/automation/schemas.ts";
import { startFakeWhatsApp } from "../test/fake-whatsapp.ts";
import { createBenchDatabase } from "./bench-database.ts";
import { type ChildServer, freePort, startChildServer } from "./child-server.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The approve route takes at most this many per call (review-dispatches.ts MAX_BATCH). */
const APPROVE_PER_CALL = 5_000;
/** No new message for this long ends the wait early (a 429'd send only comes back with the sweep). */
const STALL_SECONDS = 10;

export interface DispatchBenchResult {
  name: "dispatch.rate";
  /** Messages per second the fake accepted, (n − 1) ÷ (last − first) by its own receive times. */
  value: number;
  unit: "messages/s";
  /** R: what the fake WhatsApp allows (and what Funil is configured to send), messages per second. */
  baseline: number;
  ratio: number;
  dispatches: number;
  /** Distinct dispatches the fake accepted a message for. */
  delivered: number;
  /** Dispatches `sent` in the database at the end. */
  sent: number;
  /** Dispatches not `sent` at the end, or with no message at the fake (whichever is more). */
  lost: number;
  /** Messages beyond the first for the same dispatch (same `biz_opaque_callback_data`). */
  duplicates: number;
  /** Sends the fake answered 429 (130429): over its token bucket. */
  rateLimited: number;
  /** Requests the fake could not read as a well-formed send. */
  unexpected: number;
  /** Dispatches by status at the end, e.g. {"sent": 10000}. */
  statuses: Record<string, number>;
  /** From the first approve call: the approve calls, the first and the last accepted message. */
  approveSeconds: number;
  firstMessageSeconds: number;
  lastMessageSeconds: number;
  /**
   * Gaps between two accepted messages longer than 4 slots (4 ÷ R s): how many, the longest, and the
   * time they cost beyond one slot each (what keeps the value under R).
   */
  stalls: { count: number; longestMs: number; seconds: number };
  /** From the first approve call to the end of the wait. */
  seconds: number;
  /** Messages ÷ (last message − first approve call): what a reviewer sees, approval included. */
  endToEndRate: number;
}

/** The child's environment: ours, minus anything that would point Funil elsewhere. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (name.startsWith("FUNIL_") || ["DATABASE_URL", "PORT", "HOST", "PUBLIC_URL"].includes(name)) continue;
    env[name] = value;
  }
  env.NODE_ENV = "production";
  return env;
}

async function call<T>(
  baseUrl: string,
  path: string,
  init: { token?: string; body: unknown },
  expected: number,
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: JSON.stringify(init.body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (response.status !== expected) {
    throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return JSON.parse(text) as T;
}

/**
 * dispatch.rate: `dispatches` approved WhatsApp dispatches through a Funil child (the real worker:
 * outbox relay, pg-boss, `automation.send-dispatch`, guardrails, the per-number limiter) against a
 * fake WhatsApp Cloud API on 127.0.0.1 that allows `ratePerSecond` messages per second (a token
 * bucket; more get Meta's 429 130429). Approved through `POST /api/v1/dispatches/approve` by rule,
 * 5,000 per call; timed by the fake's own receive times. Runs on its own fresh data (a temp data dir,
 * or a fresh database on the PostgreSQL of DATABASE_URL), removed at the end.
 */
export async function measureDispatch(input: {
  dispatches: number;
  ratePerSecond: number;
  /** Node options for the child (e.g. --cpu-prof). */
  nodeArgs?: string[];
  signal?: AbortSignal;
  progress?: (message: string) => void;
}): Promise<DispatchBenchResult> {
  const { dispatches, ratePerSecond: rate } = input;
  const progress = input.progress ?? (() => {});
  const fake = await startFakeWhatsApp({ ratePerSecond: rate });
  const database = await createBenchDatabase(process.env.DATABASE_URL);
  let child: ChildServer | null = null;
  try {
    const port = await freePort();
    const adminEmail = "bench@funil.test";
    const adminPassword = randomBytes(12).toString("hex");
    const env: Record<string, string> = {
      ...baseEnv(),
      ...database.envFor("dispatch"),
      PORT: String(port),
      HOST: "127.0.0.1",
      FUNIL_LOG_LEVEL: "warn",
      FUNIL_ADMIN_EMAIL: adminEmail,
      FUNIL_ADMIN_PASSWORD: adminPassword,
      FUNIL_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      FUNIL_META_GRAPH_URL: fake.url,
      FUNIL_WHATSAPP_RATE_PER_SECOND: String(rate),
      // Sent whatever the hour: no quiet hours, no frequency cap.
      FUNIL_QUIET_HOURS: "off",
      FUNIL_FREQUENCY_CAP: "0/24h",
    };
    const spawnedAt = performance.now();
    child = await startChildServer({
      name: "Funil (dispatch)",
      cwd: ROOT,
      script: "bench/dispatch-server.ts",
      ...(input.nodeArgs ? { nodeArgs: input.nodeArgs } : {}),
      env: {
        ...env,
        BENCH_DISPATCHES: String(dispatches),
        BENCH_WHATSAPP_TOKEN: fake.accessToken,
        BENCH_WHATSAPP_NUMBER_ID: fake.phoneNumberId,
      },
      port,
      readyTimeoutMs: 120_000,
    });
    input.signal?.throwIfAborted();
    progress(
      `dispatch.rate: Funil ready with ${dispatches} contacts, purchases and pending dispatches ` +
        `in ${((performance.now() - spawnedAt) / 1000).toFixed(1)} s`,
    );
    const { token } = await call<{ token: string }>(
      child.baseUrl,
      "/api/v1/auth/login",
      { body: { email: adminEmail, password: adminPassword } },
      200,
    );
    const rules = await fetch(`${child.baseUrl}/api/v1/automation-rules`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(15_000),
    });
    const { items } = (await rules.json()) as { items: { id: string; builtin: string | null }[] };
    const ruleId = items.find((rule) => rule.builtin === "access_rescue")?.id;
    if (!ruleId) throw new Error("no access_rescue rule");

    // Approve them all (5,000 per call), then only watch the fake: a request to Funil in flight
    // would make the worker yield to it (platform/load-gate.ts) and disturb what is measured.
    const startedAt = performance.now();
    const startedAtMs = Date.now();
    let approved = 0;
    while (approved < dispatches) {
      const { decided } = await call<{ decided: number }>(
        child.baseUrl,
        "/api/v1/dispatches/approve",
        { token, body: { filter: { ruleId } } },
        200,
      );
      if (decided === 0) break;
      approved += decided;
      if (decided < APPROVE_PER_CALL) break;
    }
    const approveSeconds = (performance.now() - startedAt) / 1000;
    progress(`dispatch.rate: ${approved} approved in ${approveSeconds.toFixed(1)} s`);
    if (approved !== dispatches) throw new Error(`approved ${approved} of ${dispatches} dispatches`);

    const maxSeconds = (dispatches / rate) * 2 + 30;
    let seen = 0;
    let lastChangeAt = performance.now();
    let lastReportAt = performance.now();
    while (true) {
      input.signal?.throwIfAborted();
      const now = performance.now();
      if (fake.messages.length !== seen) {
        seen = fake.messages.length;
        lastChangeAt = now;
      }
      if (seen >= dispatches) break;
      if (now - startedAt > maxSeconds * 1000) {
        progress(
          `dispatch.rate: ${seen}/${dispatches} messages when the ${maxSeconds.toFixed(0)} s window ended`,
        );
        break;
      }
      if (now - lastChangeAt > STALL_SECONDS * 1000) {
        progress(`dispatch.rate: ${seen}/${dispatches} messages, none for ${STALL_SECONDS} s`);
        break;
      }
      if (now - lastReportAt > 10_000) {
        lastReportAt = now;
        progress(
          `dispatch.rate: ${seen}/${dispatches} messages after ${((now - startedAt) / 1000).toFixed(0)} s`,
        );
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    }
    const seconds = (performance.now() - startedAt) / 1000;
    // Counted through the API (every bench dispatch has the facet bench:dispatch) while Funil runs.
    const statuses: Record<string, number> = {};
    for (const status of DISPATCH_STATUSES) {
      const response = await fetch(`${child.baseUrl}/api/v1/dispatches?status=${status}&limit=1`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(15_000),
      });
      if (response.status !== 200) throw new Error(`GET /api/v1/dispatches answered ${response.status}`);
      const listed = (await response.json()) as { facets: Record<string, Record<string, number>> };
      const count = listed.facets.bench?.dispatch ?? 0;
      if (count > 0) statuses[status] = count;
    }
    await child.stop();
    child = null;

    const messages = fake.messages;
    const distinct = new Set(messages.map((message) => message.callbackData ?? message.id));
    const times = messages.map((message) => message.at.getTime()).sort((a, b) => a - b);
    const first = times[0] ?? startedAtMs;
    const last = times.at(-1) ?? startedAtMs;
    const value = messages.length > 1 && last > first ? (messages.length - 1) / ((last - first) / 1000) : 0;
    const sent = statuses.sent ?? 0;
    const slotMs = 1000 / rate;
    const stalls = { count: 0, longestMs: 0, seconds: 0 };
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
      stalls.longestMs = Math.max(stalls.longestMs, gap);
      if (gap > 4 * slotMs) {
        stalls.count++;
        stalls.seconds += (gap - slotMs) / 1000;
      }
    }
    const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
    return {
      name: "dispatch.rate",
      value: round(value, 2),
      unit: "messages/s",
      baseline: rate,
      ratio: round(value / rate, 3),
      dispatches,
      delivered: distinct.size,
      sent,
      lost: Math.max(dispatches - sent, dispatches - distinct.size),
      duplicates: messages.length - distinct.size,
      rateLimited: fake.rateLimited,
      unexpected: fake.unexpected.length,
      statuses,
      approveSeconds: round(approveSeconds, 2),
      firstMessageSeconds: round((first - startedAtMs) / 1000, 2),
      lastMessageSeconds: round((last - startedAtMs) / 1000, 2),
      stalls: { ...stalls, seconds: round(stalls.seconds, 2) },
      seconds: round(seconds, 2),
      endToEndRate: last > startedAtMs ? round(messages.length / ((last - startedAtMs) / 1000), 2) : 0,
    };
  } finally {
    await child?.stop(5_000);
    await fake.close();
    await database.cleanup();
  }
}

// `tsx bench/measure-dispatch.ts [dispatches] [rate]`: this window alone (PGlite, or DATABASE_URL).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dispatches = Number(process.argv[2] ?? 400);
  const rate = Number(process.argv[3] ?? 80);
  const startedAt = Date.now();
  const result = await measureDispatch({
    dispatches,
    ratePerSecond: rate,
    progress: (message) =>
      process.stderr.write(`[dispatch ${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${message}\n`),
  });
  console.log(JSON.stringify(result));
  process.exit(0);
}
