import { useMemo, useState } from "react";
import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  PARTNER_EVENT_TYPES,
  TEST_EVENT_TYPE,
  type WebhookDeliveryView,
  type WebhookEndpointView,
} from "../../../partner-webhooks/schemas.ts";
import { api } from "../../api/client.ts";
import { LoadMore } from "../../components/load-more.tsx";
import { PagedListStates } from "../../components/paged-list-states.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { formatDateTime, formatRelative } from "../../format.ts";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { eventTypeLabel, STATUS_CLASS } from "./partner-webhook-labels.ts";

/** An endpoint's deliveries, newest first: status, attempts, the receiver's answer, a retry. */
export function DeliveriesLog({ endpoint }: { endpoint: WebhookEndpointView }) {
  const t = useT();
  const [status, setStatus] = useState<DeliveryStatus | "">("");
  const [eventType, setEventType] = useState("");
  const query = useMemo(() => ({ status, eventType, limit: 20 }), [status, eventType]);
  const list = usePagedList<WebhookDeliveryView>(
    `/api/v1/webhook-endpoints/${endpoint.id}/deliveries`,
    query,
  );

  return (
    <section className="page-section" aria-label={t("partnerWebhooks.deliveries")}>
      <div className="toolbar-row">
        <label className="field field-compact">
          <span>{t("partnerWebhooks.filterStatus")}</span>
          <select
            value={status}
            onChange={(event) =>
              setStatus(DELIVERY_STATUSES.find((item) => item === event.target.value) ?? "")
            }
          >
            <option value="">{t("partnerWebhooks.allStatuses")}</option>
            {DELIVERY_STATUSES.map((item) => (
              <option key={item} value={item}>
                {t(`partnerWebhooks.status.${item}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-compact">
          <span>{t("partnerWebhooks.filterEvent")}</span>
          <select value={eventType} onChange={(event) => setEventType(event.target.value)}>
            <option value="">{t("partnerWebhooks.allEvents")}</option>
            {[...PARTNER_EVENT_TYPES, TEST_EVENT_TYPE].map((item) => (
              <option key={item} value={item}>
                {eventTypeLabel(item, t)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button-small" onClick={list.reload}>
          {t("partnerWebhooks.reload")}
        </button>
      </div>
      <PagedListStates list={list} emptyTitle={t("partnerWebhooks.noDeliveries")}>
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th>{t("partnerWebhooks.col.createdAt")}</th>
                <th>{t("partnerWebhooks.col.event")}</th>
                <th>{t("partnerWebhooks.col.status")}</th>
                <th className="numeric">{t("partnerWebhooks.col.attempts")}</th>
                <th>{t("partnerWebhooks.col.response")}</th>
                <th>{t("partnerWebhooks.col.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((delivery) => (
                <DeliveryRow
                  key={delivery.id}
                  delivery={delivery}
                  canRetry={endpoint.enabled}
                  onChange={(next) => list.replaceItem((item) => item.id === next.id, next)}
                />
              ))}
            </tbody>
          </table>
        </div>
        <LoadMore list={list} />
      </PagedListStates>
    </section>
  );
}

function DeliveryRow({
  delivery,
  canRetry,
  onChange,
}: {
  delivery: WebhookDeliveryView;
  canRetry: boolean;
  onChange: (delivery: WebhookDeliveryView) => void;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function retry() {
    setBusy(true);
    setError(null);
    try {
      onChange(
        await api<WebhookDeliveryView>(`/api/v1/webhook-deliveries/${delivery.id}/retry`, { method: "POST" }),
      );
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <tr data-delivery-id={delivery.id}>
        <td data-label={t("partnerWebhooks.col.createdAt")}>{formatDateTime(delivery.createdAt)}</td>
        <td data-label={t("partnerWebhooks.col.event")}>
          {eventTypeLabel(delivery.eventType, t)}
          <div className="muted small">
            <code>{delivery.eventType}</code>
          </div>
        </td>
        <td data-label={t("partnerWebhooks.col.status")}>
          <span className={`status ${STATUS_CLASS[delivery.status]}`}>
            {t(`partnerWebhooks.status.${delivery.status}`)}
          </span>
          {delivery.status === "pending" && delivery.nextAttemptAt && (
            <div className="muted small" title={formatDateTime(delivery.nextAttemptAt)}>
              {t("partnerWebhooks.nextAttempt", { when: formatRelative(delivery.nextAttemptAt) })}
            </div>
          )}
        </td>
        <td data-label={t("partnerWebhooks.col.attempts")} className="numeric">
          {delivery.attempts}
        </td>
        <td data-label={t("partnerWebhooks.col.response")} className="cell-error">
          {delivery.lastStatus !== null && <code>{delivery.lastStatus}</code>}
          {delivery.lastError && delivery.lastError !== `HTTP ${delivery.lastStatus}` && (
            <span className="error-text"> {delivery.lastError}</span>
          )}
          {delivery.lastStatus === null && !delivery.lastError && <span className="muted">—</span>}
        </td>
        <td data-label={t("partnerWebhooks.col.actions")} className="cell-actions">
          {(delivery.status === "failed" || delivery.status === "exhausted") && (
            <button
              type="button"
              className="button button-small"
              disabled={busy || !canRetry}
              onClick={retry}
            >
              {t("partnerWebhooks.retry")}
            </button>
          )}
          <button type="button" className="button button-small button-ghost" onClick={() => setOpen(!open)}>
            {open ? t("partnerWebhooks.hidePayload") : t("partnerWebhooks.showPayload")}
          </button>
        </td>
      </tr>
      {(open || error !== null) && (
        <tr className="details-row">
          <td colSpan={6}>
            <ProblemAlert error={error} />
            {open && (
              <>
                <p className="muted small">
                  {t("partnerWebhooks.eventId")}: <code>{delivery.eventId}</code>
                </p>
                <p className="muted small">{t("partnerWebhooks.payload")}</p>
                <pre className="code-block">{JSON.stringify(delivery.payload, null, 2)}</pre>
                {delivery.responseExcerpt && (
                  <>
                    <p className="muted small">{t("partnerWebhooks.responseBody")}</p>
                    <pre className="code-block">{delivery.responseExcerpt}</pre>
                  </>
                )}
              </>
            )}
          </td>
        </tr>
      )}
    </>
  );
}
