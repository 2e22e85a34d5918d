import { useState } from "react";
import {
  PARTNER_EVENT_TYPES,
  type WebhookEndpointView,
  type WebhookEndpointWithSecret,
} from "../../../partner-webhooks/schemas.ts";
import { api } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { Notice } from "../../components/status-states.tsx";
import { useT } from "../../i18n.ts";
import { DeliveriesLog } from "./deliveries-log.tsx";
import {
  choiceOf,
  type EventChoice,
  EventTypesField,
  eventTypesOf,
  isChoiceValid,
} from "./event-types-field.tsx";
import { eventTypeLabel } from "./partner-webhook-labels.ts";
import { SecretNotice } from "./secret-notice.tsx";

/** One endpoint: its URL and events, on/off, test, secret rotation, removal and its delivery log. */
export function EndpointCard({
  endpoint,
  onChanged,
  onDeleted,
}: {
  endpoint: WebhookEndpointView;
  onChanged: (endpoint: WebhookEndpointView) => void;
  onDeleted: () => void;
}) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [rotated, setRotated] = useState<WebhookEndpointWithSecret | null>(null);
  const [editing, setEditing] = useState<EventChoice | null>(null);
  const [showLog, setShowLog] = useState(false);
  const [logVersion, setLogVersion] = useState(0);
  const path = `/api/v1/webhook-endpoints/${endpoint.id}`;

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const patch = (body: Record<string, unknown>) =>
    run(async () => {
      onChanged(await api<WebhookEndpointView>(path, { method: "PATCH", body }));
    });

  const sendTest = () =>
    run(async () => {
      await api(`${path}/test`, { method: "POST" });
      setNotice(t("partnerWebhooks.testSent"));
      setShowLog(true);
      setLogVersion((value) => value + 1);
    });

  const rotate = () => {
    if (!window.confirm(t("partnerWebhooks.confirmRotate"))) return;
    void run(async () => {
      const result = await api<WebhookEndpointWithSecret>(`${path}/rotate-secret`, { method: "POST" });
      setRotated(result);
      const { secret: _shownOnce, ...view } = result;
      onChanged(view);
    });
  };

  const remove = () => {
    if (!window.confirm(t("partnerWebhooks.confirmDelete", { url: endpoint.url }))) return;
    void run(async () => {
      await api(path, { method: "DELETE" });
      onDeleted();
    });
  };

  const events =
    endpoint.eventTypes.length === 0
      ? t("partnerWebhooks.allEvents")
      : endpoint.eventTypes.map((type) => eventTypeLabel(type, t)).join(", ");

  return (
    <article
      className={endpoint.enabled ? "card endpoint-card" : "card endpoint-card is-off"}
      data-endpoint-id={endpoint.id}
    >
      <header className="connection-header">
        <h2 className="connection-name">
          <code>{endpoint.url}</code>
        </h2>
        <span className={`status ${endpoint.enabled ? "status-processed" : "status-failed"}`}>
          {endpoint.enabled
            ? t("partnerWebhooks.enabled")
            : endpoint.disabledReason === "failing"
              ? t("partnerWebhooks.failing")
              : t("partnerWebhooks.disabled")}
        </span>
      </header>
      {endpoint.description && <p>{endpoint.description}</p>}
      {rotated && <SecretNotice endpoint={rotated} rotated onClose={() => setRotated(null)} />}
      {notice && <Notice>{notice}</Notice>}
      <ProblemAlert error={error} />
      {editing ? (
        <div className="edit-form">
          <EventTypesField choice={editing} onChange={setEditing} />
          <div className="form-actions">
            <button
              type="button"
              className="button button-primary button-small"
              disabled={busy || !isChoiceValid(editing)}
              onClick={() => void patch({ eventTypes: eventTypesOf(editing) }).then(() => setEditing(null))}
            >
              {t("partnerWebhooks.saveEvents")}
            </button>
            <button type="button" className="button button-small" onClick={() => setEditing(null)}>
              {t("common.cancel")}
            </button>
          </div>
        </div>
      ) : (
        <p className="muted">
          {t("partnerWebhooks.events")}: {events}
          {endpoint.eventTypes.length > 0 &&
            ` (${t("partnerWebhooks.someEvents", {
              count: endpoint.eventTypes.length,
              total: PARTNER_EVENT_TYPES.length,
            })})`}
        </p>
      )}
      {endpoint.consecutiveFailures > 0 && (
        <p className="error-text">{t("partnerWebhooks.failures", { count: endpoint.consecutiveFailures })}</p>
      )}
      <div className="button-row">
        <label className="toggle">
          <input
            type="checkbox"
            checked={endpoint.enabled}
            disabled={busy}
            onChange={() => void patch({ enabled: !endpoint.enabled })}
          />
          {t("partnerWebhooks.enabled")}
        </label>
        {!editing && (
          <button
            type="button"
            className="button button-small"
            onClick={() => setEditing(choiceOf(endpoint.eventTypes))}
          >
            {t("partnerWebhooks.editEvents")}
          </button>
        )}
        <button
          type="button"
          className="button button-small"
          disabled={busy || !endpoint.enabled}
          onClick={sendTest}
        >
          {t("partnerWebhooks.sendTest")}
        </button>
        <button type="button" className="button button-small" disabled={busy} onClick={rotate}>
          {t("partnerWebhooks.rotate")}
        </button>
        <button type="button" className="button button-small" onClick={() => setShowLog((value) => !value)}>
          {showLog ? t("partnerWebhooks.hideDeliveries") : t("partnerWebhooks.showDeliveries")}
        </button>
        <button type="button" className="button button-small button-danger" disabled={busy} onClick={remove}>
          {t("partnerWebhooks.delete")}
        </button>
      </div>
      {showLog && <DeliveriesLog key={logVersion} endpoint={endpoint} />}
    </article>
  );
}
