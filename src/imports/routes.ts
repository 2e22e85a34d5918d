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
import { discardImportDraft } from "./discard-import-draft.ts";
import { exportImportErrors } from "./export-import-errors.ts";
import { getImport } from "./get-import.ts";
import {
  createImportMapping,
  deleteImportMapping,
  listImportMappings,
  updateImportMapping,
} from "./manage-import-mappings.ts";
import { previewImport } from "./preview-import.ts";
import {
  type ColumnChoice,
  ColumnChoicesSchema,
  CreateImportMappingSchema,
  ImportIdParams,
  ImportMappingIdParams,
  PreviewQuerySchema,
  StartImportSchema,
  UpdateImportMappingSchema,
} from "./schemas.ts";
import { startImport } from "./start-import.ts";

const MAX_FILE_BYTES = 1024 ** 3;
const isTrue = (value: unknown) => value === "true" || value === "1" || value === "yes";
const isFalse = (value: unknown) => value === "false" || value === "0" || value === "no";

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
          description:
            "Starts at once by default (202 {id}). With `start=false` (field or query) the file is kept as a " +
            "`draft`: 201 with its preview (header, first rows, suggested choice per column); choose the " +
            "columns and start it with POST /api/v1/imports/{id}/start. Drafts never started are removed " +
            "after 24 hours.",
          querystring: z.object({ quiet: z.string().max(5).optional(), start: z.string().max(5).optional() }),
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
        let start = !isFalse(request.query.start);
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
            } else if (part.fieldname === "start") {
              start = !isFalse(part.value);
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
        let columns: Record<string, ColumnChoice> | undefined;
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
          start,
        });
        if (created.status === "draft") {
          const preview = await previewImport(deps, {
            workspaceId: principal.workspaceId,
            importId: created.id,
          });
          return reply.status(201).header("location", `/api/v1/imports/${created.id}/preview`).send(preview);
        }
        return reply.status(202).header("location", `/api/v1/imports/${created.id}`).send({ id: created.id });
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

  app.delete(
    "/api/v1/imports/:id",
    {
      schema: {
        tags: ["imports"],
        summary: "Discard a draft (an upload not started): 204; 409 once started",
        params: ImportIdParams,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:write");
      await discardImportDraft(deps, { workspaceId: principal.workspaceId, importId: request.params.id });
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/v1/imports/:id/preview",
    {
      schema: {
        tags: ["imports"],
        summary: "A draft's (or a running import's) format, header, first rows and suggested columns",
        description:
          "`mapping`: `auto` (default) suggests from the best-matching saved mapping, `none` from the " +
          "default mapping only, a saved mapping's id from that mapping.",
        params: ImportIdParams,
        querystring: PreviewQuerySchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return previewImport(deps, {
        workspaceId: principal.workspaceId,
        importId: request.params.id,
        mapping: request.query.mapping,
      });
    },
  );

  app.post(
    "/api/v1/imports/:id/start",
    {
      schema: {
        tags: ["imports"],
        summary: "Start a draft with its column choices (and save them as a mapping): 202 {id}",
        params: ImportIdParams,
        // No body at all starts with the suggested columns.
        body: StartImportSchema.nullish(),
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:write");
      const started = await startImport(deps, {
        ...request.body,
        workspaceId: principal.workspaceId,
        importId: request.params.id,
        userId: principal.userId,
        actor: principal.actor,
      });
      return reply.status(202).header("location", `/api/v1/imports/${started.id}`).send(started);
    },
  );

  app.get(
    "/api/v1/import-mappings",
    { schema: { tags: ["imports"], summary: "Saved column mappings of the workspace, by name" } },
    async (request) => {
      const principal = authorize(request, "leads:read");
      return { items: await listImportMappings(deps, { workspaceId: principal.workspaceId }) };
    },
  );

  app.post(
    "/api/v1/import-mappings",
    {
      schema: {
        tags: ["imports"],
        summary: "Save column choices (header → field | custom | ignore) under a name",
        body: CreateImportMappingSchema,
      },
    },
    async (request, reply) => {
      const principal = authorize(request, "leads:write");
      const created = await createImportMapping(deps, {
        workspaceId: principal.workspaceId,
        name: request.body.name,
        columns: request.body.columns,
        userId: principal.userId,
        actor: principal.actor,
      });
      return reply.status(201).header("location", `/api/v1/import-mappings/${created.id}`).send(created);
    },
  );

  app.patch(
    "/api/v1/import-mappings/:id",
    {
      schema: {
        tags: ["imports"],
        summary: "Rename a saved mapping or replace its columns",
        params: ImportMappingIdParams,
        body: UpdateImportMappingSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "leads:write");
      return updateImportMapping(deps, {
        workspaceId: principal.workspaceId,
        mappingId: request.params.id,
        name: request.body.name,
        columns: request.body.columns,
        actor: principal.actor,
      });
    },
  );

  app.delete(
    "/api/v1/import-mappings/:id",
    { schema: { tags: ["imports"], summary: "Delete a saved mapping", params: ImportMappingIdParams } },
    async (request, reply) => {
      const principal = authorize(request, "leads:write");
      await deleteImportMapping(deps, {
        workspaceId: principal.workspaceId,
        mappingId: request.params.id,
        actor: principal.actor,
      });
      return reply.status(204).send();
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
