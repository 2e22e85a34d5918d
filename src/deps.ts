import type { Kysely } from "kysely";
import type { Config } from "./config.ts";
import type { Clock } from "./platform/clock.ts";
import type { SecretBox } from "./platform/crypto/secret-box.ts";
import type { Database } from "./platform/db/connect.ts";
import type { DB } from "./platform/db/schema.ts";
import type { Logger } from "./platform/log.ts";
import type { Metrics } from "./platform/metrics.ts";
import type { Queue } from "./platform/queue/queue.ts";
import type { FileStore } from "./platform/storage/file-store.ts";

/** What every use case may depend on; built once in app.ts. */
export interface Deps {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  queue: Queue;
  /** HS256 key for session tokens. */
  jwtKey: Uint8Array;
  /** Seals secrets at rest (connection configs). */
  secrets: SecretBox;
  /** Stored files (attachments): the data folder, or an S3-compatible bucket. */
  files: FileStore;
}
