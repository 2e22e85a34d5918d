import type { EventDetail } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { LoadingState } from "../../components/status-states.tsx";
import { formatDateTime } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** The stored delivery: headers and the raw body (pretty when it is JSON). */
export function EventDetails({ id }: { id: string }) {
  const t = useT();
  const detail = useApi<EventDetail>(`/api/v1/events/${id}`);
  if (detail.loading) return <LoadingState />;
  if (!detail.data) return <ProblemAlert error={detail.error} onRetry={detail.reload} />;
  const event = detail.data;
  return (
    <div className="event-details">
      <dl className="profile-list">
        <div className="profile-row">
          <dt>{t("events.idempotencyKey")}</dt>
          <dd>
            <code>{event.idempotencyKey}</code>
          </dd>
        </div>
        <div className="profile-row">
          <dt>{t("events.processedAt")}</dt>
          <dd>{formatDateTime(event.processedAt)}</dd>
        </div>
      </dl>
      <h4>{t("events.headers")}</h4>
      <pre className="code-block">
        {Object.entries(event.headers)
          .map(([name, value]) => `${name}: ${value}`)
          .join("\n")}
      </pre>
      <h4>
        {t("events.body")} <span className="muted small">{t("events.size", { size: event.size })}</span>
      </h4>
      {event.body !== null ? (
        <pre className="code-block">{prettyBody(event.body)}</pre>
      ) : (
        <>
          <p className="muted small">{t("events.binaryBody", { size: event.size })}</p>
          <pre className="code-block">{event.bodyBase64}</pre>
        </>
      )}
    </div>
  );
}
