import type { FastifyRequest } from "fastify";
import { AppError } from "../platform/http/errors.ts";
import { can, type Permission, type Principal } from "./schemas.ts";

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The caller, whatever their role (401 if anonymous): for routes every member may call. */
export function signedIn(request: FastifyRequest): Principal {
  const principal = request.principal;
  if (!principal) throw new AppError("unauthorized", "Sign in or send an API key");
  return principal;
}

/** The caller, who must hold `permission` in their workspace (403 otherwise, 401 if anonymous). */
export function authorize(request: FastifyRequest, permission: Permission): Principal {
  const principal = request.principal;
  if (!principal) throw new AppError("unauthorized", "Sign in or send an API key");
  if (!can(principal, permission)) {
    throw new AppError("forbidden", `Your role (${principal.role}) cannot do this (${permission})`);
  }
  return principal;
}
