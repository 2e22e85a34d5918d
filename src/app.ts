import { authenticateRequest } from "./auth/authenticate-request.ts";
import { createBootstrapAdmin } from "./auth/create-bootstrap-admin.ts";
import { enforceRouteRule } from "./auth/enforce-route-rule.ts";
import { loadSigningKey } from "./auth/load-signing-key.ts";
import { ruleOf } from "./auth/route-rules.ts";
import { authenticateStreamTicket } from "./auth/stream-ticket.ts";
import type { Config, Role } from "./config.ts";
import type { Deps } from "./deps.ts";
import { allJobs } from "./jobs.ts";
import { type Clock, systemClock } from "./platform/clock.ts";
import { loadEncryptionKey } from "./platform/crypto/load-encryption-key.ts";
import { createSecretBox } from "./platform/crypto/secret-box.ts";
import { connectDatabase, type Database } from "./platform/db/connect.ts";
import { migrate } from "./platform/db/migrate.ts";
import { AppError, toProblem } from "./platform/http/errors.ts";
import { createHttpServer, type HttpServer } from "./platform/http/server.ts";
import { createLoadGate } from "./platform/load-gate.ts";
import { createLogger, type Logger } from "./platform/log.ts";
import { createMetrics } from "./platform/metrics.ts";
import { createQueue } from "./platform/queue/queue.ts";
import { createFileStore } from "./platform/storage/file-store.ts";
import { registerRoutes } from "./routes.ts";

export interface App {
  deps: Deps;
  server: HttpServer;
  /** Set on first start when an admin was created with a generated password (print once). */
  bootstrap: { email: string | null; generatedPassword: string | null; workspaceId: string };
  /** Every route registered, as "METHOD /url" (HEAD twins left out). */
  routes: string[];
  start(role: Role): Promise<void>;
  stop(): Promise<void>;
}

/** The composition root: the only place that knows how everything is built. */
export async function createApp(
  config: Config,
  overrides: { clock?: Clock; log?: Logger; database?: Database } = {},
): Promise<App> {
  const log = overrides.log ?? createLogger(config.log);
  const database =
    overrides.database ??
    (await connectDatabase(
      config.db.kind === "postgres" ? config.db : { kind: "pglite", dataDir: config.db.dataDir },
    ));
  await migrate(database);
  const metrics = createMetrics();
  const encryption = await loadEncryptionKey({
    configured: config.auth.encryptionKey,
    // A database handed in (tests) has no data folder of ours: the key then lives in the database.
    dataDir: !overrides.database && config.db.kind === "pglite" ? config.db.dataDir : null,
    db: database.kysely,
  });
  // Answering comes first: jobs in this process yield to requests in flight (role all).
  const gate = createLoadGate({ share: config.queue.shareUnderLoad });
  const queue = createQueue({
    db: database,
    log,
    pollSeconds: config.queue.pollSeconds,
    outboxIntervalMs: config.queue.outboxIntervalMs,
    gate,
  });
  const deps: Deps = {
    config,
    database,
    db: database.kysely,
    clock: overrides.clock ?? systemClock,
    log,
    metrics,
    queue,
    jwtKey: await loadSigningKey(database.kysely, config.auth.jwtSecret),
    secrets: createSecretBox(encryption.key),
    files: createFileStore({ dataDir: config.dataDir, s3: config.attachments.s3 }),
  };
  if (encryption.isInDatabase) {
    log.warn(
      "FUNIL_ENCRYPTION_KEY is not set: connection secrets are sealed with a key kept in the database",
    );
  }
  queue.register(allJobs(deps));

  const server = await createHttpServer({
    log,
    metrics,
    bodyLimitBytes: config.http.bodyLimitBytes,
    webDist: config.http.webDist,
    gate,
    isReady: async () => {
      await database.executeSql("select 1", []);
      return true;
    },
  });
  server.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    if (!path.startsWith("/api/v1/")) return;
    if (ruleOf(request.method, request.routeOptions.url ?? path) === "public") return;
    const principal =
      (await authenticateRequest(deps, request.headers.authorization)) ??
      // EventSource sends no headers: a stream route takes a short-lived ticket (auth/stream-ticket.ts).
      (await authenticateStreamTicket(deps, {
        route: `${request.method} ${request.routeOptions.url ?? path}`,
        query: request.query,
      }));
    if (!principal) {
      const problem = toProblem(new AppError("unauthorized", "Sign in or send an API key"), request.id);
      return reply
        .status(401)
        .type("application/problem+json")
        .header("www-authenticate", "Bearer")
        .send(problem);
    }
    request.principal = principal;
  });
  server.addHook("preValidation", async (request) => enforceRouteRule(request));
  const routes: string[] = [];
  server.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) if (method !== "HEAD") routes.push(`${method} ${route.url}`);
  });
  registerRoutes(server, deps);
  const bootstrap = await createBootstrapAdmin(deps);

  return {
    deps,
    server,
    bootstrap,
    routes,
    async start(role) {
      await queue.start({
        work: role === "all" || role === "worker",
        schedule: role === "all" || role === "scheduler",
      });
      if (role === "all" || role === "web") {
        await server.listen({ port: config.http.port, host: config.http.host });
      } else {
        await server.ready();
      }
    },
    async stop() {
      // Stop taking requests and let in-flight ones finish, then let running jobs finish.
      await server.close();
      await queue.stop();
      await database.close();
    },
  };
}
