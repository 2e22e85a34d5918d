/** The connection types the server knows and the config fields each one asks for. */
export const CONNECTION_TYPES = [
  "generic",
  "typeform",
  "hotmart",
  "kiwify",
  "hubla",
  "meta",
  "chatwoot",
  "slack",
] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

export interface ConfigField {
  key: string;
  secret?: boolean;
  url?: boolean;
  /** A choice among these values (the first is the default) instead of free text. */
  options?: readonly string[];
}

export const CONFIG_FIELDS: Record<ConnectionType, ConfigField[]> = {
  generic: [],
  typeform: [{ key: "secret", secret: true }],
  hotmart: [{ key: "hottok", secret: true }],
  kiwify: [{ key: "token", secret: true }],
  hubla: [{ key: "token", secret: true }],
  meta: [
    { key: "appSecret", secret: true },
    { key: "verifyToken", secret: true },
    { key: "accessToken", secret: true },
    { key: "phoneNumberId" },
    { key: "igUserId" },
    { key: "unknownSenders", options: ["triage", "lead"] },
  ],
  chatwoot: [
    { key: "baseUrl", url: true },
    { key: "apiToken", secret: true },
    { key: "accountId" },
    { key: "webhookSecret", secret: true },
  ],
  slack: [{ key: "webhookUrl", secret: true }],
};

export function isConnectionType(value: string): value is ConnectionType {
  return (CONNECTION_TYPES as readonly string[]).includes(value);
}

/** The URL to paste into the source: the server's path on this origin (or the absolute URL it sent). */
export function fullWebhookUrl(webhookUrl: string): string {
  return /^https?:\/\//.test(webhookUrl) ? webhookUrl : `${window.location.origin}${webhookUrl}`;
}
