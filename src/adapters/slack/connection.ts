import type { SourceAdapter } from "../../capture/sources.ts";
import { SlackConfigSchema } from "./post-slack-message.ts";

/** The Slack connection: alerts and notifications go out through it; nothing comes in (401 to any delivery). */
export const slackConnection: SourceAdapter = {
  isConnectionType: true,
  isOutboundOnly: true,
  configSchema: SlackConfigSchema,
  verify: () => ({ ok: false }),
  defaultSource: "slack",
  decode: () => null,
};
