import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import type { DispatchView } from "../../../automation/review-dispatches.ts";
import { ApiError, api } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { formatDateTime, formatRelative } from "../../format.ts";
import { useSubmit } from "../../hooks/use-submit.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import {
  channelLabel,
  deliveryLabel,
  facetKeyLabel,
  reasonWithoutRule,
  refusalLabel,
  statusLabel,
} from "./automation-format.ts";

/** Text symbols (no emoji font needed). */
const ICONS: Record<DispatchView["channel"], string> = {
  whatsapp: "✆",
  email: "✉",
  slack: "✱",
  chatwoot_label: "⚑",
  task: "✔",
  deal: "◆",
  tag: "#",
  webhook: "↗",
};

/** The channel as a small icon and label. */
export function DispatchChannelBadge({ channel }: { channel: DispatchView["channel"] }) {
  const t = useT();
  return (
    <span className={`dispatch-channel dispatch-channel-${channel}`} data-channel={channel}>
      <span aria-hidden="true">{ICONS[channel]}</span>
      {channelLabel(channel, t)}
    </span>
  );
}

/** The message as it will go out: WhatsApp as a chat bubble, e-mail with its subject, the rest as a note. */
function DispatchPreview({ dispatch }: { dispatch: DispatchView }) {
  const t = useT();
  if (dispatch.channel === "whatsapp") {
    return (
      <div className="dispatch-chat">
        <p className="dispatch-bubble" data-testid="dispatch-body">
          {dispatch.body}
        </p>
      </div>
    );
  }
  if (dispatch.channel === "email") {
    return (
      <div className="dispatch-mail">
        {dispatch.subject && (
          <p className="dispatch-subject">
            <span className="muted">{t("automation.subject")}: </span>
            <strong>{dispatch.subject}</strong>
          </p>
        )}
        <p className="dispatch-text" data-testid="dispatch-body">
          {dispatch.body}
        </p>
      </div>
    );
  }
  return (
    <div className="dispatch-note">
      {dispatch.subject && <p className="dispatch-subject">{dispatch.subject}</p>}
      <p className="dispatch-text" data-testid="dispatch-body">
        {dispatch.body}
      </p>
    </div>
  );
}

interface Props {
  dispatch: DispatchView;
  /** False for viewers: no checkbox and no decisions. */
  canReview: boolean;
  selected: boolean;
  onSelect: (id: string, selected: boolean) => void;
  onChanged: (next: DispatchView) => void;
}

type Mode = "view" | "edit" | "reject";

/**
 * One dispatch: who, on which channel, why, the message; Aprovar, Editar (then approve the edited text),
 * Rejeitar (with an optional note). On the focused row: a approves, e edits, r rejects, x selects,
 * j/k or the arrows move.
 */
export function DispatchRow({ dispatch, canReview, selected, onSelect, onChanged }: Props) {
  const t = useT();
  const nameId = useId();
  const acting = useSubmit();
  const [mode, setMode] = useState<Mode>("view");
  const [body, setBody] = useState(dispatch.body);
  const [subject, setSubject] = useState(dispatch.subject ?? "");
  const [note, setNote] = useState("");
  const [conflict, setConflict] = useState(false);
  const editRef = useRef<HTMLTextAreaElement>(null);
  const noteRef = useRef<HTMLInputElement>(null);
  const rowRef = useRef<HTMLLIElement>(null);
  const pending = dispatch.status === "pending";
  const decidable = canReview && pending;
  const name = dispatch.contactName ?? t("automation.unnamedContact");

  useEffect(() => {
    if (mode === "edit") editRef.current?.focus();
    if (mode === "reject") noteRef.current?.focus();
  }, [mode]);

  async function decide(path: "approve" | "reject", payload: Record<string, string>) {
    setConflict(false);
    const done = await acting.run(async () => {
      try {
        const next = await api<DispatchView>(`/api/v1/dispatches/${dispatch.id}/${path}`, {
          method: "POST",
          body: payload,
        });
        onChanged(next);
      } catch (caught) {
        // Someone else decided it, or it expired: show what it is now instead of an error.
        if (caught instanceof ApiError && caught.status === 409) {
          setConflict(true);
          onChanged(await api<DispatchView>(`/api/v1/dispatches/${dispatch.id}`));
          return;
        }
        throw caught;
      }
    }, path);
    if (done) {
      setMode("view");
      rowRef.current?.focus();
    }
  }

  function approve() {
    if (mode !== "edit") return void decide("approve", {});
    const edited: Record<string, string> = {};
    if (body.trim() !== dispatch.body.trim()) edited.body = body.trim();
    if (dispatch.channel === "email" && subject.trim() !== (dispatch.subject ?? "").trim()) {
      edited.subject = subject.trim();
    }
    void decide("approve", edited);
  }

  function startEdit() {
    setBody(dispatch.body);
    setSubject(dispatch.subject ?? "");
    setMode("edit");
  }

  function onKeyDown(event: KeyboardEvent<HTMLLIElement>) {
    if (event.target !== event.currentTarget || event.altKey || event.ctrlKey || event.metaKey) return;
    const row = event.currentTarget;
    const move = (to: Element | null) => {
      if (to instanceof HTMLElement) {
        event.preventDefault();
        to.focus();
      }
    };
    switch (event.key) {
      case "j":
      case "ArrowDown":
        return move(row.nextElementSibling);
      case "k":
      case "ArrowUp":
        return move(row.previousElementSibling);
    }
    if (!decidable || acting.busy) return;
    if (event.key === "a") {
      event.preventDefault();
      void decide("approve", {});
    } else if (event.key === "e") {
      event.preventDefault();
      startEdit();
    } else if (event.key === "r") {
      event.preventDefault();
      setMode("reject");
    } else if (event.key === "x") {
      event.preventDefault();
      onSelect(dispatch.id, !selected);
    }
  }

  const facets = Object.entries(dispatch.facets);
  const reason = reasonWithoutRule(dispatch.reason, dispatch.ruleName);
  const decidedText =
    dispatch.decidedBy && dispatch.decidedAt
      ? t(dispatch.status === "rejected" ? "automation.rejectedBy" : "automation.approvedBy", {
          who: dispatch.decidedBy,
          when: formatDateTime(dispatch.decidedAt),
        })
      : null;

  return (
    <li
      ref={rowRef}
      className={selected ? "dispatch-row card is-selected" : "dispatch-row card"}
      data-dispatch-id={dispatch.id}
      data-status={dispatch.status}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: rows take the focus for the keyboard shortcuts (j/k, a, e, r, x)
      tabIndex={0}
      aria-labelledby={nameId}
      onKeyDown={onKeyDown}
    >
      <div className="dispatch-head">
        {canReview && (
          <input
            type="checkbox"
            checked={selected}
            disabled={!pending}
            aria-label={t("automation.selectOne", { name })}
            onChange={(event) => onSelect(dispatch.id, event.target.checked)}
          />
        )}
        <a id={nameId} className="dispatch-contact" href={href(`/leads/${dispatch.contactId}`)}>
          {name}
        </a>
        <DispatchChannelBadge channel={dispatch.channel} />
        {dispatch.category === "marketing" && (
          <span className="badge dispatch-marketing">{t("automation.marketing")}</span>
        )}
        {!pending && (
          <span className={`badge dispatch-status dispatch-status-${dispatch.status}`}>
            {statusLabel(dispatch.status, t)}
          </span>
        )}
        {dispatch.channel === "whatsapp" && dispatch.delivery && (
          <span className={`delivery delivery-${dispatch.delivery}`} data-delivery={dispatch.delivery}>
            {deliveryLabel(dispatch.delivery, t)}
          </span>
        )}
        {dispatch.originalBody !== null && (
          <span
            className="badge dispatch-edited"
            title={t("automation.originalTitle", { text: dispatch.originalBody })}
          >
            {t("automation.edited")}
          </span>
        )}
        <span className="dispatch-times muted small">
          <time dateTime={dispatch.createdAt} title={formatDateTime(dispatch.createdAt)}>
            {t("automation.createdAt", { when: formatRelative(dispatch.createdAt) })}
          </time>
          {pending && dispatch.expiresAt && (
            <time dateTime={dispatch.expiresAt} title={formatDateTime(dispatch.expiresAt)}>
              {" · "}
              {t("automation.expiresAt", { when: formatRelative(dispatch.expiresAt) })}
            </time>
          )}
        </span>
      </div>

      <p className="dispatch-reason">
        {reason && <span>{reason}</span>}
        {dispatch.ruleName && (
          <span className="muted small">
            {reason && " · "}
            {t("automation.rule")}:{" "}
            <a href={href("/automation/rules")} className="dispatch-rule">
              {dispatch.ruleName}
            </a>
          </span>
        )}
      </p>
      {facets.length > 0 && (
        <p className="dispatch-facets small muted">
          {facets.map(([key, value]) => (
            <span key={key} className="dispatch-facet">
              {facetKeyLabel(key, t)}: {value}
            </span>
          ))}
        </p>
      )}

      {mode === "edit" ? (
        <form
          className="dispatch-edit"
          onSubmit={(event) => {
            event.preventDefault();
            approve();
          }}
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              event.preventDefault();
              setMode("view");
              rowRef.current?.focus();
            }
          }}
        >
          {dispatch.channel === "email" && (
            <label className="field">
              <span>{t("automation.subject")}</span>
              <input value={subject} maxLength={200} onChange={(event) => setSubject(event.target.value)} />
            </label>
          )}
          <label className="field">
            <span>{t("automation.messageFor", { name })}</span>
            <textarea
              ref={editRef}
              rows={Math.min(10, Math.max(3, Math.ceil(body.length / 70)))}
              value={body}
              maxLength={4096}
              required
              onChange={(event) => setBody(event.target.value)}
            />
            <small className="muted">{t("automation.editHint", { count: body.length })}</small>
          </label>
          <div className="button-row">
            <button
              type="submit"
              className="button button-primary button-small"
              disabled={acting.busy || body.trim() === ""}
            >
              {acting.busyKey === "approve" ? t("automation.working") : t("automation.saveAndApprove")}
            </button>
            <button type="button" className="button button-small" onClick={() => setMode("view")}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      ) : (
        <DispatchPreview dispatch={dispatch} />
      )}

      {dispatch.originalBody !== null && (
        <details className="dispatch-original small">
          <summary>{t("automation.showOriginal")}</summary>
          <p className="dispatch-text muted">{dispatch.originalBody}</p>
        </details>
      )}
      {dispatch.refusal && (
        <p className="dispatch-refusal small">
          {t("automation.refusedBecause", { reason: refusalLabel(dispatch.refusal, t) })}
        </p>
      )}
      {dispatch.lastError && (dispatch.status === "failed" || dispatch.status === "unknown") && (
        <p className="error-text small">{t("automation.lastError", { error: dispatch.lastError })}</p>
      )}
      {dispatch.status === "approved" && dispatch.notBefore && (
        <p className="muted small">
          {t("automation.notBefore", { when: formatDateTime(dispatch.notBefore) })}
          {dispatch.lastError === "quiet_hours" && ` (${refusalLabel("quiet_hours", t)})`}
        </p>
      )}
      {(decidedText || dispatch.sentAt) && (
        <p className="muted small">
          {decidedText}
          {decidedText && dispatch.sentAt && " · "}
          {dispatch.sentAt && t("automation.sentAt", { when: formatDateTime(dispatch.sentAt) })}
        </p>
      )}
      {conflict && (
        <p className="alert alert-info" role="status">
          {t("automation.alreadyDecided")}
        </p>
      )}
      <ProblemAlert error={acting.error} />

      {decidable && mode === "reject" && (
        <form
          className="dispatch-reject"
          onSubmit={(event) => {
            event.preventDefault();
            void decide("reject", note.trim() ? { note: note.trim() } : {});
          }}
        >
          <label className="field field-compact">
            <span>{t("automation.rejectNote")}</span>
            <input
              ref={noteRef}
              value={note}
              maxLength={500}
              onChange={(event) => setNote(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === "Escape") {
                  event.preventDefault();
                  setMode("view");
                }
              }}
            />
          </label>
          <div className="button-row">
            <button type="submit" className="button button-danger button-small" disabled={acting.busy}>
              {acting.busyKey === "reject" ? t("automation.working") : t("automation.confirmReject")}
            </button>
            <button type="button" className="button button-small" onClick={() => setMode("view")}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      )}

      {decidable && mode === "view" && (
        <div className="button-row dispatch-actions">
          <button
            type="button"
            className="button button-primary button-small"
            disabled={acting.busy}
            aria-label={t("automation.approveFor", { name })}
            onClick={() => void decide("approve", {})}
          >
            {acting.busyKey === "approve" ? t("automation.working") : t("automation.approve")}
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={acting.busy}
            aria-label={t("automation.editFor", { name })}
            onClick={startEdit}
          >
            {t("automation.edit")}
          </button>
          <button
            type="button"
            className="button button-ghost button-small"
            disabled={acting.busy}
            aria-label={t("automation.rejectFor", { name })}
            onClick={() => setMode("reject")}
          >
            {t("automation.reject")}
          </button>
        </div>
      )}
    </li>
  );
}
