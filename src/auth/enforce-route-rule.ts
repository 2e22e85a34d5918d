import type { FastifyRequest } from "fastify";
import { authorize } from "./authorize.ts";
import { ruleOf } from "./route-rules.ts";

/**
 * Applies the route's rule from route-rules.ts before its input is validated: a caller without the
 * permission gets 403 whatever they sent. Anonymous callers were already turned away (401) on request.
 */
export function enforceRouteRule(request: FastifyRequest): void {
  const url = request.routeOptions.url;
  if (!url?.startsWith("/api/v1/")) return;
  const rule = ruleOf(request.method === "HEAD" ? "GET" : request.method, url);
  if (rule === undefined || rule === "public" || rule === "signed-in") return;
  authorize(request, rule);
}
