import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { LoadGate } from "../load-gate.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import { AppError, type FieldError, toProblem } from "./errors.ts";

export type HttpServer = FastifyInstance<
  import("node:http").Server,
  import("node:http").IncomingMessage,
  import("node:http").ServerResponse,
  import("fastify").FastifyBaseLogger,
  ZodTypeProvider
>;

declare module "fastify" {
  interface FastifyRequest {
    /** The exact bytes received, for JSON bodies (stored raw in the inbox). */
    rawBody?: Buffer;
  }
  interface FastifyContextConfig {
    /**
     * A long-lived answer (server-sent events): not a request in flight for the load gate (an open
     * dashboard must not slow the workers down) and not in the request duration histogram.
     */
    stream?: boolean;
  }
}

export interface HttpServerOptions {
  log: Logger;
  metrics: Metrics;
  bodyLimitBytes: number;
  webDist: string | null;
  isReady: () => Promise<boolean>;
  /** Counts requests in flight (background work in this process yields to them). */
  gate?: LoadGate;
}

function sendProblem(reply: import("fastify").FastifyReply, error: AppError, requestId: string) {
  const problem = toProblem(error, requestId);
  return reply.status(problem.status).type("application/problem+json").send(problem);
}

function zodFieldErrors(error: FastifyError): FieldError[] {
  if (!hasZodFastifySchemaValidationErrors(error)) return [];
  return error.validation.map((issue) => ({
    field: [error.validationContext, ...issue.instancePath.split("/").filter(Boolean)].join("."),
    message: issue.message ?? "invalid",
  }));
}

/** Fastify with our conventions: zod schemas, problem+json errors, raw JSON bodies, metrics, docs. */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const webDist =
    options.webDist && existsSync(resolve(options.webDist, "index.html")) ? resolve(options.webDist) : null;
  const app = Fastify({
    loggerInstance: options.log as import("fastify").FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    trustProxy: true,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "application/json",
    { parseAs: "buffer" },
    (request: FastifyRequest, body: Buffer, done) => {
      request.rawBody = body;
      if (body.length === 0) return done(null, undefined);
      try {
        done(null, JSON.parse(body.toString("utf8")));
      } catch {
        done(new AppError("invalid_input", "The body is not valid JSON"), undefined);
      }
    },
  );

  const { gate } = options;
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
    if (gate && !request.routeOptions.config?.stream) {
      gate.enter();
      // "close" comes once, whether the response was sent or the client went away.
      reply.raw.once("close", () => gate.leave());
    }
  });
  app.addHook("onResponse", async (request, reply) => {
    if (request.routeOptions.config?.stream) return;
    const route = request.routeOptions.url ?? "unmatched";
    const seconds = reply.elapsedTime / 1000;
    options.metrics.httpDuration.labels(request.method, route, String(reply.statusCode)).observe(seconds);
    if (reply.statusCode >= 500) {
      request.log.error({ requestId: request.id, route, status: reply.statusCode }, "request failed");
    } else {
      request.log.debug(
        { requestId: request.id, route, status: reply.statusCode, ms: reply.elapsedTime },
        "request",
      );
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return sendProblem(reply, error, request.id);
    const fields = zodFieldErrors(error);
    if (fields.length > 0) {
      return sendProblem(reply, new AppError("invalid_input", "The request is invalid", fields), request.id);
    }
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return sendProblem(reply, new AppError("payload_too_large", "The body is too large"), request.id);
    }
    if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return sendProblem(
        reply,
        new AppError("unsupported_media_type", "Unsupported content type"),
        request.id,
      );
    }
    if (error.statusCode === 429) {
      return sendProblem(reply, new AppError("rate_limited", "Too many requests, slow down"), request.id);
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(reply, new AppError("invalid_input", error.message), request.id);
    }
    request.log.error({ err: error, requestId: request.id }, "unhandled error");
    return sendProblem(reply, new AppError("internal", "Something went wrong on our side"), request.id);
  });

  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url.startsWith("/api/") || request.url.startsWith("/hooks/");
    if (!isApi && request.method === "GET" && webDist) {
      return reply.sendFile("index.html");
    }
    return sendProblem(reply, new AppError("not_found", "No such route"), request.id);
  });

  await app.register(rateLimit, { global: false });

  await app.register(swagger, {
    openapi: {
      info: {
        title: "Funil API",
        version: "1.0.0",
        description: "Lead operations: capture, identity, scoring.",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "JWT from login, or an API key" },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs" });

  app.get("/health", { schema: { hide: true } }, async (_request, reply) => {
    const ready = await options.isReady().catch(() => false);
    if (!ready) return reply.status(503).send({ status: "unavailable" });
    return { status: "ok" };
  });

  app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
    reply.type(options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });

  if (webDist) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false });
  }

  return app;
}
