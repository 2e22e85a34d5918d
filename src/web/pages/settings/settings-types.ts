import type { listWorkspaceAudit } from "../../../audit/list-audit.ts";
import type { Role } from "../../../auth/schemas.ts";
import type { listSlaPolicies } from "../../../crm/manage-sla.ts";

// The API's JSON shapes for Configurações, from the backend's own types where it exports them.

export type SlaPolicy = Awaited<ReturnType<typeof listSlaPolicies>>["items"][number];
export type WorkspaceAuditEntry = Awaited<ReturnType<typeof listWorkspaceAudit>>["items"][number];

/** GET /api/v1/workspaces/{id}/members (auth/routes.ts selects these columns). */
export interface Member {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
}

/** POST /api/v1/workspaces/{id}/members */
export interface AddedMember {
  userId: string;
  role: Role;
  isNewUser: boolean;
}

/** GET /api/v1/api-keys */
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** POST /api/v1/api-keys: the plain key, this once. */
export interface CreatedApiKey {
  id: string;
  key: string;
  prefix: string;
}
