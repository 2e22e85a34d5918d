import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { connectDatabase } from "../src/platform/db/connect.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { CSV_HEADER } from "./fake-csv.ts";

export interface BaselineResult {
  rows: number;
  seconds: number;
  /** Rows per second, COPY to the end of the upsert. */
  rate: number;
  created: number;
  /** "COPY FROM STDIN" (PostgreSQL) or "COPY FROM '/dev/blob'" (PGlite). */
  how: string;
}

const STAGING_COLUMNS = CSV_HEADER.map((name) => `${name} text`).join(", ");

/**
 * The plain-SQL upsert after COPY: normalise in SQL, create the first row of each person (by
 * e-mail, else by phone) unless an identity already names them, link their identities
 * (ON CONFLICT DO NOTHING), then merge the repeats' fields into the people they name.
 */
function upsertStatements(workspaceId: string): string[] {
  const ws = `'${workspaceId}'::uuid`;
  return [
    `create temp table baseline_norm as
       select s.*,
         (email is null or n = min(n) over (partition by email))
           and (phone is null or n = min(n) over (partition by phone)) as is_first
       from (
         select n, nullif(lower(trim(email)), '') as email,
           case when telefone <> '' then '+55' || right(regexp_replace(telefone, '\\D', '', 'g'), 11) end as phone,
           nullif(nome, '') as name, nullif(cidade, '') as city, nullif(interesse, '') as interest,
           coalesce(nullif(origem, ''), 'import') as source
         from baseline_staging
       ) as s`,
    `with firsts as (
       select * from baseline_norm f
       where f.is_first and (f.email is not null or f.phone is not null)
         and not exists (
           select 1 from contact_identities ci
           where ci.workspace_id = ${ws} and ci.kind = 'email' and ci.value = f.email)
         and not exists (
           select 1 from contact_identities ci
           where ci.workspace_id = ${ws} and ci.kind = 'phone' and ci.value = f.phone)
     ),
     created as (
       insert into contacts (id, workspace_id, name, email, phone, city, interest, first_source, last_source)
       select gen_random_uuid(), ${ws}, name, email, phone, city, interest, source, source from firsts
       returning id, email, phone
     )
     insert into contact_identities (workspace_id, kind, value, contact_id)
     select ${ws}, v.kind, v.value, c.id
     from created c cross join lateral (values ('email', c.email), ('phone', c.phone)) as v(kind, value)
     where v.value is not null
     on conflict (workspace_id, kind, value) do nothing`,
    `update contacts c
     set city = coalesce(c.city, r.city), interest = coalesce(c.interest, r.interest),
       last_source = r.source, last_touch_at = now(), updated_at = now()
     from baseline_norm r
     join contact_identities ci on ci.workspace_id = ${ws}
       and ci.kind = case when r.email is not null then 'email' else 'phone' end
       and ci.value = coalesce(r.email, r.phone)
     where not r.is_first and c.id = ci.contact_id`,
  ];
}

async function createWorkspace(execute: (text: string) => Promise<unknown[]>): Promise<string> {
  const rows = (await execute("insert into workspaces (name) values ('import-baseline') returning id")) as {
    id: string;
  }[];
  const id = rows[0]?.id;
  if (!id) throw new Error("no workspace");
  return id;
}

/** PostgreSQL: COPY FROM STDIN (pg-copy-streams) into a temp table, then the upsert, one process. */
export async function runPostgresBaseline(url: string, path: string, rows: number): Promise<BaselineResult> {
  const client = new pg.Client({ connectionString: url, application_name: "funil-bench-baseline" });
  await client.connect();
  try {
    const workspaceId = await createWorkspace(async (text) => (await client.query(text)).rows);
    const startedAt = performance.now();
    await client.query(
      `create temp table baseline_staging (n bigint generated always as identity, ${STAGING_COLUMNS})`,
    );
    await pipeline(
      createReadStream(path),
      client.query(
        copyFrom(
          `copy baseline_staging (${CSV_HEADER.join(", ")}) from stdin with (format csv, delimiter ';', header true)`,
        ),
      ),
    );
    await client.query("begin");
    for (const statement of upsertStatements(workspaceId)) await client.query(statement);
    await client.query("commit");
    const seconds = (performance.now() - startedAt) / 1000;
    const counted = await client.query<{ n: number }>(
      "select count(*)::int as n from contacts where workspace_id = $1",
      [workspaceId],
    );
    await client.query("drop table if exists baseline_norm, baseline_staging");
    return {
      rows,
      seconds,
      rate: rows / seconds,
      created: counted.rows[0]?.n ?? 0,
      how: "COPY FROM STDIN",
    };
  } finally {
    await client.end();
  }
}

/** Pieces of the file of about `size` bytes, cut after a line end (the file has no quoted newlines). */
async function* linePieces(path: string, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    pending.push(chunk as Buffer);
    pendingBytes += (chunk as Buffer).length;
    if (pendingBytes < size) continue;
    const joined = Buffer.concat(pending);
    const cut = joined.lastIndexOf(0x0a) + 1;
    yield joined.subarray(0, cut);
    pending = [joined.subarray(cut)];
    pendingBytes = joined.length - cut;
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}

/** PGlite: COPY FROM '/dev/blob' in 16 MB pieces (bounded memory), then the same upsert. */
export async function runPgliteBaseline(
  dataDir: string,
  path: string,
  rows: number,
): Promise<BaselineResult> {
  const prepared = await connectDatabase({ kind: "pglite", dataDir });
  try {
    await migrate(prepared);
  } finally {
    await prepared.close();
  }
  const db = await PGlite.create(dataDir);
  try {
    const workspaceId = await createWorkspace(async (text) => (await db.query(text)).rows);
    const startedAt = performance.now();
    await db.exec(
      `create temp table baseline_staging (n bigint generated always as identity, ${STAGING_COLUMNS})`,
    );
    let isFirst = true;
    for await (const piece of linePieces(path, 16 * 1024 * 1024)) {
      await db.query(
        `copy baseline_staging (${CSV_HEADER.join(", ")}) from '/dev/blob' with (format csv, delimiter ';', header ${isFirst})`,
        [],
        { blob: new Blob([new Uint8Array(piece)]) },
      );
      isFirst = false;
    }
    await db.transaction(async (trx) => {
      for (const statement of upsertStatements(workspaceId)) await trx.exec(statement);
    });
    const seconds = (performance.now() - startedAt) / 1000;
    const counted = await db.query<{ n: number }>(
      "select count(*)::int as n from contacts where workspace_id = $1",
      [workspaceId],
    );
    return {
      rows,
      seconds,
      rate: rows / seconds,
      created: counted.rows[0]?.n ?? 0,
      how: "COPY FROM '/dev/blob' (16 MB pieces)",
    };
  } finally {
    await db.close();
  }
}
