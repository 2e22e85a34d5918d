import { apiFetch } from "../api/client.ts";
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
      {message.author && (
        <span className="muted small">{t("interactions.by", { author: message.author })}</span>
      )}
      {message.result && (
        <p className="message-result">{t("interactions.resultLabel", { result: message.result })}</p>
      )}
      {(message.text || message.kind !== "logged") && (
        <p className={message.text ? "message-text" : "message-text muted"}>{messageText(message, t)}</p>
      )}
      {message.attachments.length > 0 && (
        <ul className="message-attachments">
          {message.attachments.map((file) => (
            <li key={file.id}>
              <AttachmentLink file={file} />
            </li>
          ))}
        </ul>
      )}
      {message.status === "failed" && message.error && (
        <p className="message-error error-text small">{message.error}</p>
      )}
    </li>
  );
}

/** Downloads through the API (the token goes in a header, so a plain link would not do). */
function AttachmentLink({ file }: { file: Interaction["attachments"][number] }) {
  const t = useT();
  const download = async () => {
    const response = await apiFetch(`/api/v1/attachments/${file.id}`);
    const url = URL.createObjectURL(await response.blob());
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = file.fileName;
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const size =
    file.size < 1024 * 1024
      ? `${Math.ceil(file.size / 1024)} KB`
      : `${(file.size / 1024 / 1024).toFixed(1)} MB`;
  return (
    <button type="button" className="link-button" onClick={() => void download()}>
      {t("interactions.download", { name: file.fileName, size })}
    </button>
  );
}
