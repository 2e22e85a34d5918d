import type { Connection } from "../../api/types.ts";
import { CopyButton } from "../../components/copy-button.tsx";
import { formatDateTime, formatNumber, formatRelative } from "../../format.ts";
import { isMessageKey, useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import { fullWebhookUrl } from "./connection-types.ts";

/** One source: its type, URL to paste into the sender, last delivery, counts and silence warning. */
export function ConnectionCard({ connection }: { connection: Connection }) {
  const t = useT();
  const url = fullWebhookUrl(connection.webhookUrl);
  const typeKey = `connections.type.${connection.type}`;
  const events = new URLSearchParams({ status: "all", connectionId: connection.id });
  return (
    <article
      className={connection.disabledAt ? "card connection-card is-disabled" : "card connection-card"}
      data-connection-id={connection.id}
    >
      <header className="connection-header">
        <span className="badge badge-type" data-type={connection.type}>
          {isMessageKey(typeKey) ? t(typeKey) : connection.type}
        </span>
        <h2 className="connection-name">{connection.name}</h2>
        {connection.isSilent && (
          <span
            className="badge badge-warning"
            title={t("connections.silentHint", { hours: connection.silentAfterHours ?? 0 })}
          >
            {t("connections.silent")}
          </span>
        )}
        {connection.disabledAt && <span className="badge">{t("connections.disabled")}</span>}
      </header>
      {connection.isOutboundOnly ? (
        <p className="muted">{t("connections.outboundOnly")}</p>
      ) : (
        <div className="webhook-url">
          <code>{url}</code>
          <CopyButton text={url} label={t("connections.webhookUrl")} />
        </div>
      )}
      <dl className="connection-stats">
        <div>
          <dt>{t("connections.lastDelivery")}</dt>
          <dd title={formatDateTime(connection.lastReceivedAt)}>
            {connection.lastReceivedAt ? formatRelative(connection.lastReceivedAt) : t("connections.never")}
          </dd>
        </div>
        <div>
          <dt>{t("connections.count.processed")}</dt>
          <dd>{formatNumber(connection.counts.processed)}</dd>
        </div>
        <div>
          <dt>{t("connections.count.received")}</dt>
          <dd>{formatNumber(connection.counts.received)}</dd>
        </div>
        <div>
          <dt>{t("connections.count.failed")}</dt>
          <dd className={connection.counts.failed > 0 ? "error-text" : undefined}>
            {formatNumber(connection.counts.failed)}
          </dd>
        </div>
        <div>
          <dt>{t("connections.count.rejected")}</dt>
          <dd
            className={connection.counts.rejected > 0 ? "error-text" : undefined}
            title={
              connection.lastRejectedAt
                ? t("connections.rejectedHint", { when: formatDateTime(connection.lastRejectedAt) })
                : undefined
            }
          >
            {formatNumber(connection.counts.rejected)}
          </dd>
        </div>
        <div>
          <dt>{t("connections.silentAfter")}</dt>
          <dd>
            {connection.silentAfterHours === null
              ? t("connections.noAlert")
              : t("connections.hours", { hours: connection.silentAfterHours })}
          </dd>
        </div>
      </dl>
      <a className="button button-small" href={href("/events", events)}>
        {t("connections.viewEvents")}
      </a>
    </article>
  );
}
