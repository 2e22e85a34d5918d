import { z } from "zod";

const booleanish = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const RoleSchema = z.enum(["all", "web", "worker", "scheduler"]);
export type Role = z.infer<typeof RoleSchema>;

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  FUNIL_DATA_DIR: z.string().default("./data"),
  FUNIL_ROLE: RoleSchema.default("all"),
  FUNIL_JWT_SECRET: z.string().min(32).optional(),
  FUNIL_ENCRYPTION_KEY: z
    .string()
    .refine((value) => Buffer.from(value, "base64").length === 32, "32 random bytes, base64-encoded")
    .optional(),
  FUNIL_JWT_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(12 * 3600),
  FUNIL_ADMIN_EMAIL: z.string().email().optional(),
  FUNIL_ADMIN_PASSWORD: z.string().min(8).optional(),
  FUNIL_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  FUNIL_LOG_PRETTY: booleanish.optional(),
  FUNIL_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  FUNIL_LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  FUNIL_PUBLIC_RATE_LIMIT: z.coerce.number().int().positive().default(600),
  FUNIL_DEFAULT_COUNTRY: z.string().length(2).default("BR"),
  FUNIL_WEB_DIST: z.string().default("./dist/web"),
  FUNIL_QUEUE_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(1),
  FUNIL_OUTBOX_INTERVAL_MS: z.coerce.number().int().min(5).max(60000).default(50),
  FUNIL_WORKER_SHARE_UNDER_LOAD: z.coerce.number().min(0.01).max(1).default(0.1),
  FUNIL_INBOX_RETENTION_DAYS: z.coerce.number().int().positive().default(30),
  FUNIL_AUDIT_RETENTION_DAYS: z.coerce.number().int().positive().default(180),
  /** Days operational logs (partner-webhook deliveries, alerts, run logs, automation runs) are kept. */
  FUNIL_OPERATIONAL_RETENTION_DAYS: z.coerce.number().int().positive().default(30),
  FUNIL_ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3)
    .default(10 * 1024 * 1024),
  /** An S3-compatible bucket for attachments (AWS S3, MinIO, R2, …); the data folder when unset. */
  FUNIL_S3_BUCKET: z.string().min(3).max(63).optional(),
  FUNIL_S3_ENDPOINT: z.string().url().optional(),
  FUNIL_S3_REGION: z.string().min(1).default("us-east-1"),
  FUNIL_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  FUNIL_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  FUNIL_S3_FORCE_PATH_STYLE: booleanish.optional(),
  FUNIL_S3_PREFIX: z.string().max(200).default(""),
  FUNIL_META_GRAPH_URL: z.string().url().default("https://graph.facebook.com/v21.0"),
  FUNIL_SMTP_URL: z.string().optional(),
  /** The From of e-mail Funil sends (nurture e-mails, reminders). */
  FUNIL_SMTP_FROM: z.string().min(3).max(320).default("Funil <no-reply@funil.local>"),
  /** Messages per second one WhatsApp business number may send (Meta's default throughput is 80). */
  FUNIL_WHATSAPP_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(80),
  /** Hours a suggested dispatch waits for review before it expires. */
  FUNIL_DISPATCH_EXPIRE_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  /** Hours of the workspace's day when nothing is sent to contacts (HH:MM-HH:MM; `off`: none). */
  FUNIL_QUIET_HOURS: z
    .string()
    .regex(/^off$|^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "HH:MM-HH:MM, or off")
    .default("21:00-08:00"),
  /** At most N messages to one contact per H hours (N/Hh; 0/24h: no cap). */
  FUNIL_FREQUENCY_CAP: z
    .string()
    .regex(/^\d{1,3}\/\d{1,4}h$/, "N/Hh, e.g. 3/24h")
    .default("3/24h"),
  /** A first access counts for our tracked link when the click came at most this many hours before. */
  FUNIL_CLICK_ATTRIBUTION_HOURS: z.coerce.number().int().min(1).max(2160).default(72),
  FUNIL_YOUTUBE_API_URL: z.string().url().default("https://www.googleapis.com/youtube/v3"),
  FUNIL_YOUTUBE_API_KEY: z.string().min(1).optional(),
  /** Days an enrichment stays fresh before the scheduler runs it again. */
  FUNIL_ENRICHMENT_FRESH_DAYS: z.coerce.number().int().positive().default(30),
  /** An alert goes to Slack when the day's enrichment success rate falls under this fraction. */
  FUNIL_ENRICHMENT_ALERT_BELOW: z.coerce.number().min(0).max(1).default(0.6),
  /**
   * Hosts (host or host:port, comma-separated) that outbound fetching may reach although they resolve to
   * private or loopback addresses: for local test servers only. Empty in production.
   */
  FUNIL_FETCH_ALLOW_HOSTS: z.string().default(""),
  /** How long one partner webhook attempt may take, connection and answer included. */
  FUNIL_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
  /**
   * Delays before each retry of a partner webhook (`s`, `m`, `h`), comma-separated: 1 attempt + one per
   * step. Retries are due at these delays and sent by the every-minute sweep (ADR 0023).
   */
  FUNIL_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default("5s,5m,30m,2h,5h,10h")
    .transform((text, context) => {
      const steps = text
        .split(",")
        .map((step) => step.trim())
        .filter((step) => step !== "");
      const seconds = steps.map((step) => {
        const match = /^(\d+)([smh])$/.exec(step);
        if (!match) return Number.NaN;
        return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"];
      });
      if (seconds.some(Number.isNaN) || seconds.length > 20) {
        context.addIssue({ code: "custom", message: "delays like 5s,5m,30m,2h (at most 20)" });
        return z.NEVER;
      }
      return seconds;
    }),
  /** An endpoint is switched off after this many deliveries in a row end without success (0: never). */
  FUNIL_WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(0).max(1000).default(5),
  /** Seconds between two readings of the Painel's live figures (server-sent events). */
  FUNIL_ANALYTICS_STREAM_SECONDS: z.coerce.number().min(0.05).max(300).default(5),
});

export type Env = Record<string, string | undefined>;

/** The names of every variable the configuration reads (kept in step with .env.example by a test). */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape);

/** The one parsed, frozen configuration object; nothing else reads the environment. */
export function parseConfig(env: Env) {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const e = parsed.data;
  if (e.FUNIL_ROLE !== "all" && !e.DATABASE_URL) {
    throw new Error(
      "Invalid configuration:\n  FUNIL_ROLE: roles can only be split on a real PostgreSQL (set DATABASE_URL); the embedded database is single-process",
    );
  }
  const s3Missing = ["FUNIL_S3_ENDPOINT", "FUNIL_S3_ACCESS_KEY_ID", "FUNIL_S3_SECRET_ACCESS_KEY"] as const;
  if (e.FUNIL_S3_BUCKET && s3Missing.some((name) => !e[name])) {
    throw new Error(
      `Invalid configuration:\n  FUNIL_S3_BUCKET: also set ${s3Missing.filter((name) => !e[name]).join(", ")}`,
    );
  }
  return Object.freeze({
    env: e.NODE_ENV,
    http: {
      port: e.PORT,
      host: e.HOST,
      publicUrl: e.PUBLIC_URL,
      bodyLimitBytes: e.FUNIL_BODY_LIMIT_BYTES,
      loginRateLimit: e.FUNIL_LOGIN_RATE_LIMIT,
      publicRateLimit: e.FUNIL_PUBLIC_RATE_LIMIT,
      webDist: e.FUNIL_WEB_DIST,
    },
    db: e.DATABASE_URL
      ? ({ kind: "postgres", url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE } as const)
      : ({ kind: "pglite", dataDir: e.FUNIL_DATA_DIR } as const),
    dataDir: e.FUNIL_DATA_DIR,
    role: e.FUNIL_ROLE,
    auth: {
      jwtSecret: e.FUNIL_JWT_SECRET,
      jwtTtlSeconds: e.FUNIL_JWT_TTL_SECONDS,
      encryptionKey: e.FUNIL_ENCRYPTION_KEY,
      adminEmail: e.FUNIL_ADMIN_EMAIL,
      adminPassword: e.FUNIL_ADMIN_PASSWORD,
    },
    log: { level: e.FUNIL_LOG_LEVEL, pretty: e.FUNIL_LOG_PRETTY ?? false },
    queue: {
      pollSeconds: e.FUNIL_QUEUE_POLL_SECONDS,
      outboxIntervalMs: e.FUNIL_OUTBOX_INTERVAL_MS,
      shareUnderLoad: e.FUNIL_WORKER_SHARE_UNDER_LOAD,
    },
    contacts: { defaultCountry: e.FUNIL_DEFAULT_COUNTRY },
    attachments: {
      maxBytes: e.FUNIL_ATTACHMENT_MAX_BYTES,
      s3:
        e.FUNIL_S3_BUCKET && e.FUNIL_S3_ENDPOINT && e.FUNIL_S3_ACCESS_KEY_ID && e.FUNIL_S3_SECRET_ACCESS_KEY
          ? {
              bucket: e.FUNIL_S3_BUCKET,
              endpoint: e.FUNIL_S3_ENDPOINT,
              region: e.FUNIL_S3_REGION,
              accessKeyId: e.FUNIL_S3_ACCESS_KEY_ID,
              secretAccessKey: e.FUNIL_S3_SECRET_ACCESS_KEY,
              forcePathStyle: e.FUNIL_S3_FORCE_PATH_STYLE ?? true,
              prefix: e.FUNIL_S3_PREFIX,
            }
          : null,
    },
    retention: {
      inboxDays: e.FUNIL_INBOX_RETENTION_DAYS,
      auditDays: e.FUNIL_AUDIT_RETENTION_DAYS,
      operationalDays: e.FUNIL_OPERATIONAL_RETENTION_DAYS,
    },
    outbound: {
      metaGraphUrl: e.FUNIL_META_GRAPH_URL,
      smtpUrl: e.FUNIL_SMTP_URL,
      youtubeApiUrl: e.FUNIL_YOUTUBE_API_URL,
      youtubeApiKey: e.FUNIL_YOUTUBE_API_KEY,
      fetchAllowHosts: e.FUNIL_FETCH_ALLOW_HOSTS.split(",")
        .map((host) => host.trim().toLowerCase())
        .filter((host) => host !== ""),
    },
    messaging: {
      smtpUrl: e.FUNIL_SMTP_URL,
      smtpFrom: e.FUNIL_SMTP_FROM,
      whatsappRatePerSecond: e.FUNIL_WHATSAPP_RATE_PER_SECOND,
      dispatchExpireHours: e.FUNIL_DISPATCH_EXPIRE_HOURS,
      quietHours: parseQuietHours(e.FUNIL_QUIET_HOURS),
      frequencyCap: parseFrequencyCap(e.FUNIL_FREQUENCY_CAP),
      clickAttributionHours: e.FUNIL_CLICK_ATTRIBUTION_HOURS,
    },
    enrichment: { freshDays: e.FUNIL_ENRICHMENT_FRESH_DAYS, alertBelow: e.FUNIL_ENRICHMENT_ALERT_BELOW },
    partnerWebhooks: {
      timeoutMs: e.FUNIL_WEBHOOK_TIMEOUT_MS,
      retryDelaysSeconds: e.FUNIL_WEBHOOK_RETRY_SCHEDULE,
      disableAfter: e.FUNIL_WEBHOOK_DISABLE_AFTER,
    },
    analytics: { streamSeconds: e.FUNIL_ANALYTICS_STREAM_SECONDS },
  });
}

export type Config = ReturnType<typeof parseConfig>;

/** "21:00-08:00" → minutes of the day where the quiet span starts and ends (it may wrap midnight); "off" → none. */
function parseQuietHours(text: string): { startMinute: number; endMinute: number } | null {
  const match = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(text);
  if (!match) return null;
  const [, h1, m1, h2, m2] = match.map(Number) as [number, number, number, number, number];
  const startMinute = h1 * 60 + m1;
  const endMinute = h2 * 60 + m2;
  return startMinute === endMinute ? null : { startMinute, endMinute };
}

/** "3/24h" → at most 3 messages per 24 hours (null: no cap). */
function parseFrequencyCap(text: string): { max: number; hours: number } | null {
  const [max, hours] = text.replace(/h$/, "").split("/").map(Number) as [number, number];
  return max === 0 || hours === 0 ? null : { max, hours };
}

/** Reads the process environment: the only place that does. */
export function loadConfig(overrides: Env = {}): Config {
  return parseConfig({ ...process.env, ...overrides });
}
