import { jwtVerify, SignJWT } from "jose";
import type { Deps } from "../deps.ts";
import { type ActorType, type Principal, ROLES, type Role } from "./schemas.ts";

const ALGORITHM = "HS256";
const ISSUER = "funil";
/** Not the session audience: a ticket never opens any other route, and a session token is no ticket. */
const AUDIENCE = "funil-stream";
export const STREAM_TICKET_TTL_SECONDS = 60;

/** The routes a ticket may open: server-sent event streams, which EventSource opens without headers. */
export const STREAM_ROUTES = ["GET /api/v1/analytics/overview/stream"] as const;
export type StreamRoute = (typeof STREAM_ROUTES)[number];

const ACTOR_TYPES: readonly ActorType[] = ["user", "api_key", "integration", "automation", "system"];

/**
 * A short-lived signed ticket (60 s) that opens one stream route as `principal`: EventSource cannot
 * send `Authorization`, and a session token in a URL would outlive any log or history it lands in.
 * The ticket names its route, carries the session's own expiry (the stream ends with the session) and
 * is signed with the session key under another audience.
 */
export async function issueStreamTicket(
  deps: Pick<Deps, "jwtKey" | "clock">,
  principal: Principal,
  route: StreamRoute,
): Promise<{ ticket: string; expiresAt: string }> {
  const issuedAt = Math.floor(deps.clock.now().getTime() / 1000);
  const expiresAt = issuedAt + STREAM_TICKET_TTL_SECONDS;
  const ticket = await new SignJWT({
    wid: principal.workspaceId,
    role: principal.role,
    route,
    // The actor's label (a user's e-mail) stays out: the ticket travels in a URL.
    act: { type: principal.actor.type, id: principal.actor.id },
    ...(principal.expiresAt ? { sexp: principal.expiresAt } : {}),
  })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(principal.userId ?? "")
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(deps.jwtKey);
  return { ticket, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * The principal of a request to a stream route that carries `?ticket=` (null for any other route, or
 * a missing, expired, forged or other route's ticket).
 */
export async function authenticateStreamTicket(
  deps: Pick<Deps, "jwtKey" | "clock">,
  input: { route: string; query: unknown },
): Promise<Principal | null> {
  const route = STREAM_ROUTES.find((item) => item === input.route);
  const ticket = isRecord(input.query) ? input.query.ticket : undefined;
  if (!route || typeof ticket !== "string" || ticket.length > 4096) return null;
  try {
    const { payload } = await jwtVerify(ticket, deps.jwtKey, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: deps.clock.now(),
    });
    const role = ROLES.find((item) => item === payload.role);
    const actor = isRecord(payload.act) ? payload.act : null;
    const actorType = ACTOR_TYPES.find((item) => item === actor?.type);
    if (payload.route !== route || typeof payload.wid !== "string" || !role || !actor || !actorType) {
      return null;
    }
    const sessionExpiry = typeof payload.sexp === "number" ? payload.sexp : undefined;
    if (sessionExpiry !== undefined && sessionExpiry <= deps.clock.now().getTime()) return null;
    return {
      workspaceId: payload.wid,
      role: role as Role,
      userId: typeof payload.sub === "string" && payload.sub !== "" ? payload.sub : null,
      actor: {
        type: actorType,
        id: typeof actor.id === "string" ? actor.id : null,
        label: null,
      },
      ...(sessionExpiry !== undefined ? { expiresAt: sessionExpiry } : {}),
    };
  } catch {
    return null;
  }
}
