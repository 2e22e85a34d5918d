import { rm } from "node:fs/promises";
import { Readable } from "node:stream";
import multipart from "@fastify/multipart";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { authorize } from "../auth/authorize.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../platform/http/errors.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { createImport, type StoredUpload, storeImportFile } from "./create-import.ts";
import { exportImportErrors } from "./export-import-errors.ts";
import { getImport } from "./get-import.ts";
import { ColumnChoicesSchema, ImportIdParams, type LeadField } from "./schemas.ts";

const MAX_FILE_BYTES = 1024 ** 3;
const isTrue = (value: unknown) => value === "true" || value === "1" || value === "yes";

export function registerImportRoutes(app: HttpServer, deps: Deps) {
  // Multipart is parsed only here (the server itself accepts JSON alone).
  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    await scope.register(multipart, {
      limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 10, fieldSize: 64 * 1024 },
    });

    scope.post(
      "/api/v1/imports",
      {
        schema: {
          tags: ["imports"],
          summary:
            "Import a CSV or XLSX file (multipart field `file`; `quiet=true` keeps automations quiet): 202 {id}",
          querystring: z.object({ quiet: z.string().max(5).optional() }),
        },
      },
      async (request, reply) => {
        const principal = authorize(request, "leads:write");
        if (!request.isMultipart()) {
          throw new AppError("unsupported_media_type", "Send the file as multipart/form-data, field `file`");
        }
        let upload: StoredUpload | null = null;
        let filename = "";
        let quiet = isTrue(request.query.quiet);
        let columnsText: string | null = null;
        try {
          for await (const part of request.parts()) {
            if (part.type === "file") {
              if (part.fieldname !== "file" || upload) {
                part.file.resume();
                continue;
              }
              filename = part.filename;
              upload = await storeImportFile(deps, part.file);
            } else if (part.fieldname === "quiet") {
              quiet = isTrue(part.value);
            } else if (part.fieldname === "columns" && typeof part.value === "string") {
              columnsText = part.value;
            }
          }
        } catch (error) {
          if (upload) await rm(upload.path, { force: true });
          if ((error as { code?: unknown }).code === "FST_REQ_FILE_TOO_LARGE") {
            throw new AppError("payload_too_large", "The file is too large");
          }
          throw error;
        }
        if (!upload) {
          throw new AppError("invalid_input", "The request is invalid", [
            { field: "body.file", message: "a CSV or XLSX file is required" },
          ]);
        }
        let columns: Record<string, LeadField | "custom" | "ignore"> | undefined;
        if (columnsText !== null) {
          let parsed: ReturnType<typeof ColumnChoicesSchema.safeParse>;
          try {
            parsed = ColumnChoicesSchema.safeParse(JSON.parse(columnsText));
          } catch {
            parsed = ColumnChoicesSchema.safeParse(undefined);
          }
          if (!parsed.success) {
            await rm(upload.path, { force: true });
            throw new AppError("invalid_input", "The column choices are invalid", [
              {
                field: "body.columns",
                message: 'a JSON object {"Header": "name" | "email" | … | "custom" | "ignore"}',
              },
            ]);
          }
          columns = parsed.data;
        }
        const created = await createImport(deps, {
          workspaceId: principal.workspaceId,
          userId: principal.userId,
          upload,
          filename,
          quiet,
          columns,
        });
        return reply.status(202).header("location", `/api/v1/imports/${created.id}`).send(created);
      },
    );
  });

  app.get(
    "/api/v1/imports/:id",
    { schema: { tags: ["imports"], summary: "An import's status and counts", params: ImportIdParams } },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return getImport(deps, { workspaceId: principal.workspaceId, importId: request.params.id });
    },
  );

  app.get(
    "/api/v1/imports/:id/errors.csv",
    {
      schema: { tags: ["imports"], summary: "Rows that failed: row, field, message", params: ImportIdParams },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:read");
      const found = await getImport(deps, {
        workspaceId: principal.workspaceId,
        importId: request.params.id,
      });
      reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="import-${found.id}-errors.csv"`);
      return reply.send(Readable.from(exportImportErrors(deps, { importId: found.id })));
    },
  );
}
