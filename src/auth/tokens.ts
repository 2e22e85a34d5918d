import { createHash, randomBytes } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import type { Role } from "./schemas.ts";

const ALGORITHM = "HS256";
const ISSUER = "funil";
const AUDIENCE = "funil-api";

export interface SessionClaims {
  userId: string;
  workspaceId: string;
  role: Role;
  /** Expiry in epoch milliseconds (set when verifying). */
  expiresAt?: number;
}

export async function signSessionToken(
  key: Uint8Array,
  claims: SessionClaims,
  now: Date,
  ttlSeconds: number,
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ wid: claims.workspaceId, role: claims.role })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(key);
}

/** Verifies signature, pinned algorithm, issuer, audience and expiry. Returns null when invalid. */
export async function verifySessionToken(
  key: Uint8Array,
  token: string,
  now: Date,
): Promise<SessionClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: now,
    });
    if (
      typeof payload.sub !== "string" ||
      typeof payload.wid !== "string" ||
      typeof payload.role !== "string"
    ) {
      return null;
    }
    return {
      userId: payload.sub,
      workspaceId: payload.wid,
      role: payload.role as Role,
      ...(payload.exp ? { expiresAt: payload.exp * 1000 } : {}),
    };
  } catch {
    return null;
  }
}

export function generateApiKey(prefix: string): { key: string; displayPrefix: string; hash: string } {
  const key = `${prefix}${randomBytes(24).toString("base64url")}`;
  return { key, displayPrefix: key.slice(0, prefix.length + 6), hash: hashApiKey(key) };
}

/** API keys are long random strings: a fast SHA-256 is the right hash at rest (no brute force to slow). */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
