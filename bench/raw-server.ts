/**
 * The raw ceiling (a child process of the bench): a bare Fastify server whose one handler does a
 * single `INSERT … ON CONFLICT DO NOTHING` into `contacts`, over the same kind of connection Funil
 * uses (the same connectDatabase: one PGlite behind its mutex, or a pg Pool of DATABASE_POOL_SIZE).
 * Configured by the same environment as Funil (PORT, HOST, DATABASE_URL or FUNIL_DATA_DIR).
 */
import Fastify from "fastify";
import { parseConfig } from "../src/config.ts";
import { connectDatabase } from "../src/platform/db/connect.ts";
import { migrate } from "../src/platform/db/migrate.ts";

const INSERT_CONTACT = `insert into contacts
  (workspace_id, name, email, phone, city, interest, income, first_source, last_source)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $8)
  on conflict do nothing`;

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

const config = parseConfig(process.env);
const database = await connectDatabase(
  config.db.kind === "postgres" ? config.db : { kind: "pglite", dataDir: config.db.dataDir },
);
await migrate(database);
const created = await database.executeSql("insert into workspaces (name) values ($1) returning id", [
  "raw-ceiling",
]);
const workspaceId = String(created.rows[0]?.id);

const app = Fastify({ logger: false });
app.post("/raw/leads", async (request, reply) => {
  const lead = (request.body ?? {}) as Record<string, unknown>;
  await database.executeSql(INSERT_CONTACT, [
    workspaceId,
    text(lead.name),
    text(lead.email),
    text(lead.phone),
    text(lead.city),
    text(lead.interest),
    typeof lead.income === "number" ? lead.income : null,
    text(lead.source),
  ]);
  return reply.status(201).send({ status: "created" });
});
app.get("/health", async () => {
  await database.executeSql("select 1", []);
  return { status: "ok" };
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await app.close();
  await database.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

await app.listen({ port: config.http.port, host: config.http.host });
