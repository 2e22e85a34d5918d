import type { TriageSenderDetail } from "../../api/types.ts";
import { ConversationMessage } from "../../components/conversation-message.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { LoadingState } from "../../components/status-states.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";

/** Everything a sender wrote (and what was sent back), oldest first. */
export function TriageMessages({ id, name }: { id: string; name: string }) {
  const t = useT();
  const detail = useApi<TriageSenderDetail>(`/api/v1/triage/${encodeURIComponent(id)}`);
  if (detail.loading && !detail.data) return <LoadingState />;
  if (!detail.data) return <ProblemAlert error={detail.error} onRetry={detail.reload} />;
  const messages = detail.data.messages;
  return (
    <section className="triage-messages" aria-label={t("triage.messagesOf", { name })}>
      {messages.length === 0 ? (
        <p className="muted">{t("triage.noMessages")}</p>
      ) : (
        <ol className="conversation">
          {messages.map((message) => (
            <ConversationMessage key={message.id} message={message} />
          ))}
        </ol>
      )}
    </section>
  );
}
