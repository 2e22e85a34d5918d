import { type FormEvent, useMemo, useState } from "react";
import { api } from "../../api/client.ts";
import type { Interaction, Page, TagEvent } from "../../api/types.ts";
import { ConversationMessage } from "../../components/conversation-message.tsx";
import { LoadMore } from "../../components/load-more.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { LoadingState } from "../../components/status-states.tsx";
import { formatDateTime } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";

/** The lead's messages on every channel, newest first, with delivery status for what was sent. */
export function LeadConversations({ leadId }: { leadId: string }) {
  const t = useT();
  const query = useMemo(() => ({ limit: 20 }), []);
  const list = usePagedList<Interaction>(`/api/v1/leads/${encodeURIComponent(leadId)}/interactions`, query);
  const [logging, setLogging] = useState(false);
  const [saved, setSaved] = useState(false);
  return (
    <section className="card lead-conversations" aria-labelledby="conversations-title">
      <div className="section-header">
        <h2 id="conversations-title">{t("conversations.title")}</h2>
        <button type="button" className="button button-small" onClick={() => setLogging(!logging)}>
          {t("interactions.log")}
        </button>
      </div>
      {saved && (
        <p className="alert alert-success" role="status">
          {t("interactions.saved")}
        </p>
      )}
      {logging && (
        <LogInteractionForm
          leadId={leadId}
          onClose={() => setLogging(false)}
          onSaved={() => {
            setLogging(false);
            setSaved(true);
            list.reload();
          }}
        />
      )}
      {list.loading && list.items.length === 0 ? (
        <LoadingState />
      ) : list.error && list.items.length === 0 ? (
        <ProblemAlert error={list.error} onRetry={list.reload} />
      ) : list.items.length === 0 ? (
        <p className="muted">{t("conversations.empty")}</p>
      ) : (
        <>
          <ol className="conversation" data-testid="lead-conversations">
            {list.items.map((message) => (
              <ConversationMessage key={message.id} message={message} />
            ))}
          </ol>
          <ProblemAlert error={list.error} />
          <LoadMore list={list} />
        </>
      )}
    </section>
  );
}

/** Chatwoot labels put on or taken off the lead's conversations; nothing at all when there are none. */
export function LeadTagEvents({ leadId }: { leadId: string }) {
  const t = useT();
  const events = useApi<Page<TagEvent>>("/api/v1/tag-events", { contactId: leadId, limit: 50 });
  const items = events.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="card" aria-labelledby="tag-events-title">
      <h2 id="tag-events-title">{t("conversations.tagEvents")}</h2>
      <ul className="tag-event-list">
        {items.map((event) => (
          <li key={event.id} data-action={event.action}>
            <span className={event.action === "added" ? "tag" : "tag tag-removed"}>{event.label}</span>
            <span className={`tag-action tag-action-${event.action}`}>
              {t(`conversations.tag.${event.action}`)}
            </span>
            <time className="muted small" dateTime={event.at}>
              {formatDateTime(event.at)}
            </time>
          </li>
        ))}
      </ul>
    </section>
  );
}

const LOG_CHANNELS = ["call", "whatsapp", "email", "instagram", "meeting", "visit", "note"] as const;

/** A call, meeting, visit or note with the lead, and a file if there is one. */
function LogInteractionForm({
  leadId,
  onSaved,
  onClose,
}: {
  leadId: string;
  onSaved: () => void;
  onClose: () => void;
}) {
  const t = useT();
  const [channel, setChannel] = useState<(typeof LOG_CHANNELS)[number]>("call");
  const [direction, setDirection] = useState<"outbound" | "inbound">("outbound");
  const [result, setResult] = useState("");
  const [text, setText] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const logged = await api<{ id: string }>(`/api/v1/leads/${encodeURIComponent(leadId)}/interactions`, {
        method: "POST",
        body: {
          channel,
          direction,
          ...(result.trim() ? { result: result.trim() } : {}),
          ...(text.trim() ? { text: text.trim() } : {}),
        },
      });
      if (file) {
        const form = new FormData();
        form.append("file", file, file.name);
        await api(`/api/v1/interactions/${logged.id}/attachments`, { method: "POST", body: form });
      }
      onSaved();
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form className="log-interaction" onSubmit={submit} aria-label={t("interactions.log")}>
      <ProblemAlert error={error} />
      <label>
        {t("interactions.channel")}
        <select value={channel} onChange={(event) => setChannel(event.target.value as typeof channel)}>
          {LOG_CHANNELS.map((item) => (
            <option key={item} value={item}>
              {t(`channel.${item}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("interactions.direction")}
        <select value={direction} onChange={(event) => setDirection(event.target.value as typeof direction)}>
          <option value="outbound">{t("conversations.direction.outbound")}</option>
          <option value="inbound">{t("conversations.direction.inbound")}</option>
        </select>
      </label>
      <label>
        {t("interactions.result")}
        <input
          value={result}
          onChange={(event) => setResult(event.target.value)}
          placeholder={t("interactions.resultPlaceholder")}
          maxLength={200}
        />
      </label>
      <label className="wide">
        {t("interactions.text")}
        <textarea
          value={text}
          onChange={(event) => setText(event.target.value)}
          rows={3}
          maxLength={10_000}
        />
      </label>
      <label className="wide">
        {t("interactions.file")}
        <input type="file" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
      </label>
      <div className="form-actions wide">
        <button type="submit" className="button button-primary" disabled={saving}>
          {t("interactions.save")}
        </button>
        <button type="button" className="button" onClick={onClose}>
          {t("interactions.cancel")}
        </button>
      </div>
    </form>
  );
}
