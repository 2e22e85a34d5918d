import { useState } from "react";
import { api } from "../../api/client.ts";
import type { InboxEvent, ReplayResult } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { formatDateTime } from "../../format.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import { EventDetails } from "./event-details.tsx";

interface Props {
  event: InboxEvent;
  onReplayed: (event: InboxEvent) => void;
}

/** One received event: status, attempts, error, a replay button and its stored delivery. */
export function EventRow({ event, onReplayed }: Props) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [replaying, setReplaying] = useState(false);
  const [outcome, setOutcome] = useState<ReplayResult["outcome"] | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function replay() {
    setReplaying(true);
    setError(null);
    setOutcome(null);
    try {
      const result = await api<ReplayResult>(`/api/v1/events/${event.id}/replay`, { method: "POST" });
      setOutcome(result.outcome);
      onReplayed(result);
    } catch (caught) {
      setError(caught);
    } finally {
      setReplaying(false);
    }
  }

  return (
    <>
      <tr data-event-id={event.id} className={`event-${event.status}`}>
        <td data-label={t("events.col.receivedAt")}>{formatDateTime(event.receivedAt)}</td>
        <td data-label={t("events.col.source")}>
          <span className="tag tag-source">{event.source}</span>
        </td>
        <td data-label={t("events.col.status")}>
          <span className={`status status-${event.status}`}>{t(`events.status.${event.status}`)}</span>
        </td>
        <td data-label={t("events.col.attempts")} className="numeric">
          {event.attempts}
        </td>
        <td data-label={t("events.col.error")} className="cell-error">
          <div>
            {event.error ? (
              <span className="error-text">{event.error}</span>
            ) : (
              <span className="muted">—</span>
            )}
            {outcome && (
              <div className={`replay-outcome outcome-${outcome}`} role="status">
                {t("events.replayed", { outcome: t(`events.outcome.${outcome}`) })}
              </div>
            )}
            <ProblemAlert error={error} />
          </div>
        </td>
        <td data-label={t("events.col.contact")}>
          {event.contactId ? (
            <a href={href(`/leads/${event.contactId}`)}>{t("events.openContact")}</a>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
        <td data-label={t("events.col.actions")} className="cell-actions">
          <div className="button-row">
            <button type="button" className="button button-small" onClick={replay} disabled={replaying}>
              {replaying ? t("events.replaying") : t("events.replay")}
            </button>
            <button
              type="button"
              className="button button-ghost button-small"
              aria-expanded={open}
              onClick={() => setOpen(!open)}
            >
              {open ? t("events.hideDetails") : t("events.details")}
            </button>
          </div>
        </td>
      </tr>
      {open && (
        <tr className="details-row">
          <td colSpan={7}>
            <EventDetails id={event.id} />
          </td>
        </tr>
      )}
    </>
  );
}
