import { parseArgs } from "node:util";
import { createApp } from "./app.ts";
import { runCli } from "./cli/run-cli.ts";
import { loadConfig } from "./config.ts";

/** Process entry: `funil <command>`; see `funil help`. */
const argv = process.argv.slice(2);
const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
const command = positionals[0] ?? "start";

if (command === "start") {
  const { values } = parseArgs({
    args: argv.slice(1),
    options: { role: { type: "string" } },
    allowPositionals: true,
  });
  const config = loadConfig(values.role ? { FUNIL_ROLE: values.role } : {});
  const app = await createApp(config);
  if (app.bootstrap.generatedPassword) {
    process.stdout.write(
      `\n  Admin created: ${app.bootstrap.email}\n  Password (shown once): ${app.bootstrap.generatedPassword}\n\n`,
    );
  }
  await app.start(config.role);
  const where =
    config.role === "all" || config.role === "web" ? ` on http://localhost:${config.http.port}` : "";
  app.deps.log.info({ role: config.role, database: config.db.kind }, `Funil started${where}`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.deps.log.info({ signal }, "stopping");
    // A job fetched just before the queue stopped may fail against the closed pool: it stays in the
    // queue and is retried after a restart. Log such late failures instead of crashing the shutdown.
    process.on("unhandledRejection", (reason) => {
      app.deps.log.warn({ err: reason }, "late failure during shutdown");
    });
    const timer = setTimeout(() => process.exit(1), 25_000);
    timer.unref();
    await app.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
} else {
  process.exitCode = await runCli(command, argv.slice(1));
}
