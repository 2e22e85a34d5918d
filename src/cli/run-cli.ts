import { parseArgs } from "node:util";
import { createApp } from "../app.ts";
import { createApiKey } from "../auth/create-api-key.ts";
import { createUser } from "../auth/create-user.ts";
import { RoleSchema } from "../auth/schemas.ts";
import { loadConfig } from "../config.ts";
import { connectDatabase } from "../platform/db/connect.ts";
import { migrate } from "../platform/db/migrate.ts";

const HELP = `funil <command>

  start [--role all|web|worker|scheduler]   run Funil (default: all roles, one process)
  migrate                                   apply pending database migrations
  user add --email E [--password P] [--role admin|manager|sales|cs|viewer] [--workspace ID]
  apikey create --name N [--role R] [--workspace ID]
  import <file> [--quiet] [--server URL] [--token T]
                                            import a CSV/XLSX through the running server, with progress
  bench [--quick] [--json]                  measure intake and processing (npm run bench)
  demo [--seed-only] [--force] [--leads N] [--seed N]
                                            seed a demo workspace (pt-BR data), then run Funil (npm run demo)

Environment: DATABASE_URL (real PostgreSQL) or FUNIL_DATA_DIR (embedded, default ./data), PORT, …
With the embedded database, stop the server before running user/apikey commands.`;

async function withOfflineApp<T>(
  work: (app: Awaited<ReturnType<typeof createApp>>) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ FUNIL_LOG_LEVEL: "warn" });
  const app = await createApp(config);
  try {
    return await work(app);
  } finally {
    await app.stop();
  }
}

async function defaultWorkspace(app: Awaited<ReturnType<typeof createApp>>, given: string | undefined) {
  return given ?? app.bootstrap.workspaceId;
}

/** The non-server commands. Returns the process exit code. */
export async function runCli(command: string, args: string[]): Promise<number> {
  switch (command) {
    case "migrate": {
      const config = loadConfig();
      const database = await connectDatabase(
        config.db.kind === "postgres" ? config.db : { kind: "pglite", dataDir: config.db.dataDir },
      );
      const applied = await migrate(database);
      await database.close();
      console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
      return 0;
    }
    case "user": {
      const { positionals, values } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          email: { type: "string" },
          password: { type: "string" },
          role: { type: "string", default: "admin" },
          workspace: { type: "string" },
          name: { type: "string" },
        },
      });
      if (positionals[0] !== "add" || !values.email) {
        console.error("usage: funil user add --email E [--password P] [--role R] [--workspace ID]");
        return 2;
      }
      const role = RoleSchema.parse(values.role);
      const email = values.email.trim().toLowerCase();
      return withOfflineApp(async (app) => {
        const workspaceId = await defaultWorkspace(app, values.workspace);
        const result = await createUser(app.deps, {
          email,
          password: values.password,
          name: values.name,
          role,
          workspaceId,
        });
        console.log(
          `${result.isNewUser ? "Created" : "Updated"} ${email} as ${role} in workspace ${workspaceId}`,
        );
        return 0;
      });
    }
    case "apikey": {
      const { positionals, values } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          name: { type: "string" },
          role: { type: "string", default: "manager" },
          workspace: { type: "string" },
        },
      });
      if (positionals[0] !== "create" || !values.name) {
        console.error("usage: funil apikey create --name N [--role R] [--workspace ID]");
        return 2;
      }
      const role = RoleSchema.parse(values.role);
      const name = values.name;
      return withOfflineApp(async (app) => {
        const workspaceId = await defaultWorkspace(app, values.workspace);
        const key = await createApiKey(app.deps, { workspaceId, name, role, createdBy: null });
        console.log(`API key for workspace ${workspaceId} (shown once, keep it safe):\n${key.key}`);
        return 0;
      });
    }
    case "import":
      return (await import("./import-file.ts")).importFile(args);
    case "demo":
      return (await import("../demo/run-demo.ts")).runDemo(args);
    case "bench": {
      const { runBench } = await import("../../bench/run-bench.ts");
      return runBench(args);
    }
    case "help":
    case "--help":
    case "-h":
      console.log(HELP);
      return 0;
    default:
      console.error(`Unknown command: ${command}\n\n${HELP}`);
      return 2;
  }
}
