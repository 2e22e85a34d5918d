import type { Interaction } from "../api/types.ts";
import { formatDateTime, formatRelative } from "../format.ts";
import { isMessageKey, type Translate, useT } from "../i18n.ts";

/** WhatsApp / Instagram / … as a small pill with the channel's colour dot. */
export function ChannelBadge({ channel }: { channel: string }) {
  const t = useT();
  const key = `channel.${channel}`;
  return (
    <span className={`channel-badge channel-${channel}`} data-channel={channel}>
      {isMessageKey(key) ? t(key) : channel}
    </span>
  );
}

/** "imagem" for a known message kind, the kind itself otherwise. */
function kindLabel(kind: string, t: Translate): string {
  const key = `conversations.kind.${kind}`;
  return isMessageKey(key) ? t(key) : kind;
}

/** The words of a message, or what it carried ("[imagem]") when it has none. */
export function messageText(message: Pick<Interaction, "kind" | "text">, t: Translate): string {
  if (message.text) return message.text;
  if (message.kind && message.kind !== "text") return `[${kindLabel(message.kind, t)}]`;
  return t("conversations.noText");
}

/** One message: channel, direction, when, its text and, for what we sent, how far it got. */
export function ConversationMessage({ message }: { message: Interaction }) {
  const t = useT();
  return (
    <li
      className={`message message-${message.direction}`}
      data-interaction-id={message.id}
      data-direction={message.direction}
    >
      <div className="message-meta">
        <ChannelBadge channel={message.channel} />
        <span className="message-direction">{t(`conversations.direction.${message.direction}`)}</span>
        <time dateTime={message.occurredAt} title={formatRelative(message.occurredAt)}>
          {formatDateTime(message.occurredAt)}
        </time>
        {message.direction === "outbound" && message.status && (
          <span
            className={`delivery delivery-${message.status}`}
            data-status={message.status}
            title={
              message.statusAt
                ? t("conversations.statusAt", { at: formatDateTime(message.statusAt) })
                : undefined
            }
          >
            {t(`conversations.status.${message.status}`)}
          </span>
        )}
      </div>
      <p className={message.text ? "message-text" : "message-text muted"}>{messageText(message, t)}</p>
      {message.status === "failed" && message.error && (
        <p className="message-error error-text small">{message.error}</p>
      )}
    </li>
  );
}
