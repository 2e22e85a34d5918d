import type { Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";

// serialization_failure, deadlock_detected, unique_violation (a racing insert of the same key)
const RETRYABLE_CODES = new Set(["40001", "40P01", "23505"]);

function isRetryable(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  if ("isRetryable" in error && error.isRetryable === true) return true;
  return "code" in error && typeof error.code === "string" && RETRYABLE_CODES.has(error.code);
}

/** Runs `work` in a transaction, retrying a few times when it lost a race to a concurrent writer. */
export async function withTransaction<T>(
  db: Kysely<DB>,
  work: (trx: Transaction<DB>) => Promise<T>,
  attempts = 4,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
    }
  }
}
