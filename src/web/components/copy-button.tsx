import { useEffect, useState } from "react";
import { useT } from "../i18n.ts";

/** Copies `text` to the clipboard and says so for a moment. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const t = useT();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = window.setTimeout(() => setState("idle"), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  }

  return (
    <button
      type="button"
      className="button button-small"
      onClick={copy}
      aria-label={label ? `${t("common.copy")}: ${label}` : t("common.copy")}
    >
      <span aria-live="polite">
        {state === "copied"
          ? t("common.copied")
          : state === "failed"
            ? t("common.copyFailed")
            : t("common.copy")}
      </span>
    </button>
  );
}
