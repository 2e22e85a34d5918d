import { formatNumber } from "../../format.ts";
import { useT } from "../../i18n.ts";
import { useTriageCounts } from "./triage-counts.ts";

/** The pending count beside the "Triagem" menu entry; nothing when there is none. */
export function TriageNavBadge() {
  const t = useT();
  const counts = useTriageCounts();
  const pending = counts?.pending ?? 0;
  if (pending <= 0) return null;
  return (
    <>
      <span className="nav-badge" aria-hidden="true" data-testid="triage-pending-count">
        {pending > 99 ? "99+" : formatNumber(pending)}
      </span>
      <span className="visually-hidden"> ({t("nav.triagePending", { count: formatNumber(pending) })})</span>
    </>
  );
}
