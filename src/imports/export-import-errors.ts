import { csvCell } from "../contacts/export-contacts.ts";
import type { Deps } from "../deps.ts";
import { importsDb } from "./schemas.ts";

const BATCH = 1000;

/** Streams an import's row errors as CSV (UTF-8 with BOM): row, field, message. */
export async function* exportImportErrors(deps: Deps, input: { importId: string }): AsyncGenerator<string> {
  yield "\uFEFFrow,field,message\r\n";
  let after = 0;
  for (;;) {
    const rows = await importsDb(deps.db)
      .selectFrom("import_errors")
      .select(["id", "row_number", "field", "message"])
      .where("import_id", "=", input.importId)
      .where("id", ">", after)
      .orderBy("id")
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return;
    yield rows.map((row) => `${row.row_number},${csvCell(row.field)},${csvCell(row.message)}\r\n`).join("");
    after = Number(rows.at(-1)?.id ?? after);
    if (rows.length < BATCH) return;
  }
}
