import type { SlaView } from "../../../crm/schemas.ts";
import { formatDateTime } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";

/** The lead's first-response SLA as a badge: time left, met, or late (nothing when no policy covers it). */
export function LeadSlaBadge({ leadId }: { leadId: string }) {
  const t = useT();
  const { data } = useApi<{ sla: SlaView | null }>(`/api/v1/leads/${encodeURIComponent(leadId)}/sla`);
  const sla = data?.sla;
  if (!sla) return null;
  const title = t("sla.dueTitle", { due: formatDateTime(sla.dueAt), target: sla.targetMinutes });
  if (sla.status === "met") {
    return (
      <span className="badge badge-sla-met" title={title} data-sla="met">
        {t("sla.met", { minutes: sla.businessMinutes })}
      </span>
    );
  }
  if (sla.status === "breached") {
    return (
      <span className="badge badge-sla-breached" title={title} data-sla="breached">
        {t("sla.breached")}
      </span>
    );
  }
  return (
    <span className="badge badge-sla-running" title={title} data-sla="running">
      {t("sla.running", { minutes: sla.minutesLeft ?? 0 })}
    </span>
  );
}
