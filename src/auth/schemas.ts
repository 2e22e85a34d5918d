import { z } from "zod";

/**
 * `client` ("cliente"): an agency's client, who sees only the proof-of-value dashboard of its workspace
 * (analytics:proof) and who they are (GET /api/v1/auth/me); every other route answers 403.
 */
export const ROLES = ["admin", "manager", "sales", "cs", "viewer", "client"] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export type ActorType = "user" | "api_key" | "integration" | "automation" | "system";

/** Who did something: stored on every audit entry. */
export interface Actor {
  type: ActorType;
  id: string | null;
  label: string | null;
}

/** The authenticated caller of one request, bound to exactly one workspace. */
export interface Principal {
  workspaceId: string;
  role: Role;
  actor: Actor;
  userId: string | null;
  /** When the credential stops being valid (epoch ms), for session tokens. */
  expiresAt?: number;
}

export const PERMISSIONS = {
  "leads:read": ["admin", "manager", "sales", "cs", "viewer"],
  "leads:write": ["admin", "manager", "sales", "cs"],
  "leads:delete": ["admin", "manager"],
  "leads:export": ["admin", "manager"],
  "events:read": ["admin", "manager"],
  "events:replay": ["admin", "manager"],
  "scoring:write": ["admin", "manager"],
  "segments:write": ["admin", "manager", "sales", "cs"],
  "workspace:manage": ["admin"],
  /** Sales read and change only the deals they own (crm/list-deals.ts#seesOnlyOwnDeals). */
  "deals:read": ["admin", "manager", "sales", "cs", "viewer"],
  "deals:write": ["admin", "manager", "sales", "cs"],
  "deals:delete": ["admin", "manager"],
  "deals:assign": ["admin", "manager"],
  "pipelines:manage": ["admin", "manager"],
  /** The real-estate catalog: properties, developments and their units (realestate/). */
  "properties:read": ["admin", "manager", "sales", "cs", "viewer"],
  "properties:write": ["admin", "manager", "sales", "cs"],
  /** The workspace-wide audit trail (GET /api/v1/audit). */
  "audit:read": ["admin", "manager"],
  /** Partner webhook endpoints, their secrets and delivery log (partner-webhooks/). */
  "webhooks:manage": ["admin", "manager"],
  /** Automation rules, their runs, templates and the dispatch queue (automation/). */
  "automation:read": ["admin", "manager", "cs", "viewer"],
  "automation:manage": ["admin", "manager"],
  /** Approve, edit or reject suggested dispatches. */
  "dispatches:review": ["admin", "manager", "cs"],
  /** Analytics reports (analytics/): automation effectiveness, tag analytics, … */
  "analytics:read": ["admin", "manager", "cs", "viewer"],
  /** The proof-of-value dashboard (GET /api/v1/analytics/proof-of-value): a client sees this only. */
  "analytics:proof": ["admin", "manager", "cs", "viewer", "client"],
  /** The Painel's funnel (GET /api/v1/analytics/funnel): sales too, narrowed to the deals they own. */
  "analytics:funnel": ["admin", "manager", "sales", "cs", "viewer"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(principal: Pick<Principal, "role">, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(principal.role);
}

export const LoginSchema = z
  .object({
    email: z.string().trim().toLowerCase().email().max(320),
    password: z.string().min(1).max(1024),
    workspaceId: z.string().uuid().optional(),
  })
  .strict();

export const CreateWorkspaceSchema = z.object({ name: z.string().trim().min(1).max(120) }).strict();

export const AddMemberSchema = z
  .object({
    email: z.string().trim().toLowerCase().email().max(320),
    password: z.string().min(8).max(1024).optional(),
    name: z.string().trim().max(200).optional(),
    role: RoleSchema,
  })
  .strict();

export const CreateApiKeySchema = z
  .object({ name: z.string().trim().min(1).max(120), role: RoleSchema.default("manager") })
  .strict();

export const API_KEY_PREFIX = "fk_";
