import { useState } from "react";
import { api } from "../../api/client.ts";
import type { TriageAcceptResult, TriageDeclineResult, TriageSender } from "../../api/types.ts";
import { ChannelBadge } from "../../components/conversation-message.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { formatDateTime, formatNumber, formatRelative } from "../../format.ts";
import { isMessageKey, type Translate, useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import { refreshTriageCounts } from "./triage-counts.ts";
import { TriageMessages } from "./triage-messages.tsx";
import { canAccept, canDecline, senderLabel } from "./triage-sender.ts";

interface Props {
  sender: TriageSender;
  /** False for viewers: no checkboxes and no accept/ignore buttons. */
  canDecide: boolean;
  selected: boolean;
  onSelect: (id: string, selected: boolean) => void;
  onChanged: (sender: TriageSender) => void;
  /** Why the last batch could not decide this sender, if it could not. */
  batchError: string | null;
}

const TRIAGE_COLUMNS = 6;

/** One person who wrote in: who, where, what they said last, and accept / ignore. */
export function TriageRow({ sender, canDecide, selected, onSelect, onChanged, batchError }: Props) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<"accept" | "decline" | null>(null);
  const [error, setError] = useState<unknown>(null);
  const name = senderLabel(sender, t);
  const secondary = sender.name ? (sender.phone ?? sender.instagramId) : null;

  async function decide(decision: "accept" | "decline") {
    setBusy(decision);
    setError(null);
    try {
      if (decision === "accept") {
        const result = await api<TriageAcceptResult>(
          `/api/v1/triage/${encodeURIComponent(sender.id)}/accept`,
          { method: "POST" },
        );
        onChanged({ ...result.sender, contactId: result.sender.contactId ?? result.contactId });
      } else {
        const result = await api<TriageDeclineResult>(
          `/api/v1/triage/${encodeURIComponent(sender.id)}/decline`,
          { method: "POST" },
        );
        onChanged(result.sender);
      }
      refreshTriageCounts();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <tr
        data-triage-id={sender.id}
        data-status={sender.status}
        className={selected ? "triage-row is-selected" : "triage-row"}
      >
        {canDecide && (
          <td className="cell-select">
            <input
              type="checkbox"
              checked={selected}
              disabled={!canAccept(sender)}
              aria-label={t("triage.selectOne", { name })}
              onChange={(event) => onSelect(sender.id, event.target.checked)}
            />
          </td>
        )}
        <td data-label={t("triage.col.sender")} className="cell-sender">
          <div>
            <strong className="sender-name">{name}</strong>
            {secondary && <div className="muted small">{secondary}</div>}
            <div className="sender-badges">
              <ChannelBadge channel={sender.channel} />
              {sender.optedOutAt && (
                <span
                  className="badge badge-opt-out"
                  title={t("triage.optedOutTitle", { at: formatDateTime(sender.optedOutAt) })}
                >
                  {t("triage.optedOut")}
                </span>
              )}
            </div>
          </div>
        </td>
        <td data-label={t("triage.col.lastMessage")} className="cell-last-text">
          {sender.lastText ? (
            <span className="last-text">{sender.lastText}</span>
          ) : (
            <span className="muted">{t("triage.noText")}</span>
          )}
        </td>
        <td data-label={t("triage.col.messages")} className="numeric">
          {formatNumber(sender.messageCount)}
        </td>
        <td data-label={t("triage.col.when")}>
          <time dateTime={sender.lastMessageAt} title={formatDateTime(sender.lastMessageAt)}>
            {formatRelative(sender.lastMessageAt)}
          </time>
        </td>
        <td data-label={t("triage.col.actions")} className="cell-triage-actions">
          <div className="triage-actions">
            <Decision sender={sender} t={t} />
            <div className="button-row">
              {canDecide && canAccept(sender) && (
                <button
                  type="button"
                  className="button button-primary button-small"
                  disabled={busy !== null}
                  onClick={() => decide("accept")}
                >
                  {busy === "accept" ? t("triage.accepting") : t("triage.accept")}
                </button>
              )}
              {canDecide && canDecline(sender) && (
                <button
                  type="button"
                  className="button button-small"
                  disabled={busy !== null}
                  onClick={() => decide("decline")}
                >
                  {busy === "decline" ? t("triage.declining") : t("triage.decline")}
                </button>
              )}
              <button
                type="button"
                className="button button-ghost button-small"
                aria-expanded={open}
                onClick={() => setOpen(!open)}
              >
                {open ? t("triage.hideMessages") : t("triage.showMessages")}
              </button>
            </div>
            <ProblemAlert error={error} />
            {batchError && (
              <p className="error-text small" role="alert">
                {batchError}
              </p>
            )}
          </div>
        </td>
      </tr>
      {open && (
        <tr className="details-row">
          <td colSpan={canDecide ? TRIAGE_COLUMNS : TRIAGE_COLUMNS - 1}>
            <TriageMessages id={sender.id} name={name} />
          </td>
        </tr>
      )}
    </>
  );
}

/** "Aceita como lead em … por …" with the link to the lead, or "Ignorada em …". */
function Decision({ sender, t }: { sender: TriageSender; t: Translate }) {
  if (sender.status === "pending") return null;
  const at = sender.decidedAt ? formatDateTime(sender.decidedAt) : null;
  const who = sender.decidedBy ? actorLabel(sender.decidedBy, t) : null;
  const when = at ? (who ? t("triage.decidedBy", { at, who }) : t("triage.decidedAt", { at })) : null;
  return (
    <div className={`triage-decision decision-${sender.status}`}>
      <span className={`status status-${sender.status === "accepted" ? "processed" : "received"}`}>
        {sender.status === "accepted" ? t("triage.isAccepted") : t("triage.isDeclined")}
      </span>
      {when && <span className="muted small"> {when}</span>}
      {sender.status === "accepted" && sender.contactId && (
        <>
          {" "}
          <a className="open-lead" href={href(`/leads/${encodeURIComponent(sender.contactId)}`)}>
            {t("triage.openLead")}
          </a>
        </>
      )}
    </div>
  );
}

function actorLabel(actor: NonNullable<TriageSender["decidedBy"]>, t: Translate): string {
  if (actor.label) return actor.label;
  const key = `audit.actor.${actor.type}`;
  return isMessageKey(key) ? t(key) : actor.type;
}
