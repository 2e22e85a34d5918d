import { type ReactNode, useEffect, useId, useRef } from "react";
import { useT } from "../../i18n.ts";

interface Props {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** A red confirm button (rejections). */
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A modal question (the native <dialog>: focus kept inside, Escape cancels, focus goes back to what
 * opened it). The confirm button takes the focus.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger,
  busy,
  onConfirm,
  onCancel,
}: Props) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="automation-dialog"
      aria-labelledby={titleId}
      aria-describedby={children ? bodyId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      {open && (
        <form
          method="dialog"
          onSubmit={(event) => {
            event.preventDefault();
            onConfirm();
          }}
        >
          <h2 id={titleId}>{title}</h2>
          {children && (
            <div id={bodyId} className="automation-dialog-body">
              {children}
            </div>
          )}
          <div className="form-actions">
            <button type="button" className="button" disabled={busy} onClick={onCancel}>
              {t("common.cancel")}
            </button>
            <button
              type="submit"
              className={danger ? "button button-danger" : "button button-primary"}
              disabled={busy}
              // biome-ignore lint/a11y/noAutofocus: a modal question focuses its answer
              autoFocus
            >
              {busy ? t("automation.working") : confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
