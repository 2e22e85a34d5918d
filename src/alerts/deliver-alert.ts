import { postSlackMessage, SlackError } from "../adapters/slack/post-slack-message.ts";
import { openConnectionConfig } from "../capture/connection-config.ts";
import type { Deps } from "../deps.ts";
import type { AlertTables } from "./schemas.ts";

/**
 * Sends an alert to every active Slack connection of its workspace. Safe to run twice: a sent alert
 * is not sent again. A temporary failure (429, 5xx, network) is thrown so the job is retried; a
 * permanent one (revoked webhook, bad payload) is kept on the alert as its error.
 */
export async function deliverAlert(deps: Deps, input: { alertId: string }): Promise<void> {
  const db = deps.db.withTables<AlertTables>();
  const alert = await db.selectFrom("alerts").selectAll().where("id", "=", input.alertId).executeTakeFirst();
  if (!alert || alert.status === "sent") return;
  const connections = await db
    .selectFrom("connections")
    .select(["id", "config"])
    .where("workspace_id", "=", alert.workspace_id)
    .where("type", "=", "slack")
    .where("disabled_at", "is", null)
    .execute();
  const mark = (status: "sent" | "failed" | "no_channel", error: string | null) =>
    db
      .updateTable("alerts")
      .set((eb) => ({
        status,
        error,
        attempts: eb("attempts", "+", 1),
        sent_at: status === "sent" ? deps.clock.now() : null,
      }))
      .where("id", "=", alert.id)
      .execute();
  if (connections.length === 0) {
    await mark("no_channel", null);
    return;
  }
  const errors: string[] = [];
  let retryable: SlackError | null = null;
  for (const connection of connections) {
    const config = openConnectionConfig(deps, connection.config);
    const webhookUrl = typeof config.webhookUrl === "string" ? config.webhookUrl : "";
    try {
      await postSlackMessage({
        webhookUrl,
        text: alert.text,
        allowHosts: deps.config.outbound.fetchAllowHosts,
      });
    } catch (error) {
      if (!(error instanceof SlackError)) throw error;
      deps.log.warn(
        { alertId: alert.id, connectionId: connection.id, code: error.code },
        "slack alert failed",
      );
      errors.push(`${error.status} ${error.code}`);
      if (error.isRetryable) retryable = error;
    }
  }
  if (errors.length === 0) {
    await mark("sent", null);
    return;
  }
  await mark(errors.length < connections.length ? "sent" : "failed", errors.join("; "));
  // Only when nothing went out: a retry would post twice to the channels that did get it.
  if (retryable && errors.length === connections.length) throw retryable;
}
