import { useMemo } from "react";
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
  return (
    <section className="card lead-conversations" aria-labelledby="conversations-title">
      <h2 id="conversations-title">{t("conversations.title")}</h2>
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
