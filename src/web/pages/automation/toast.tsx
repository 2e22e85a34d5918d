import { useEffect } from "react";
import { useT } from "../../i18n.ts";

export interface ToastMessage {
  /** A new id shows the toast again, even with the same text. */
  id: number;
  text: string;
  tone: "success" | "error";
}

const SHOW_MS = 8000;

/** A short result in a corner, announced to screen readers; closes itself after a few seconds. */
export function Toast({ message, onClose }: { message: ToastMessage | null; onClose: () => void }) {
  const t = useT();
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(onClose, SHOW_MS);
    return () => clearTimeout(timer);
  }, [message, onClose]);
  return (
    <div className="automation-toast-region" role="status" aria-live="polite">
      {message && (
        <div key={message.id} className={`automation-toast automation-toast-${message.tone}`}>
          <span data-testid="automation-toast">{message.text}</span>
          <button
            type="button"
            className="button button-ghost button-small"
            aria-label={t("automation.closeToast")}
            onClick={onClose}
          >
            ×
          </button>
        </div>
      )}
    </div>
  );
}
