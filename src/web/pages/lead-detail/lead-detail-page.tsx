import { useState } from "react";
import { ApiError, api } from "../../api/client.ts";
import type { AuditEntry, LeadDetail, Page } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState, Notice } from "../../components/status-states.tsx";
import { TemperatureBadge } from "../../components/temperature-badge.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";
import { href, navigate } from "../../router.ts";
import { LeadAudit } from "./lead-audit.tsx";
import { LeadConversations, LeadTagEvents } from "./lead-conversations.tsx";
import { LeadEditForm } from "./lead-edit-form.tsx";
import { LeadEnrichmentPanel } from "./lead-enrichment-panel.tsx";
import { LeadInterestPanel } from "./lead-interest-panel.tsx";
import { LeadMerges } from "./lead-merges.tsx";
import { LeadProfile } from "./lead-profile.tsx";
import { LeadScorePanel } from "./lead-score-panel.tsx";
import { LeadSlaBadge } from "./lead-sla-badge.tsx";
import { LeadTouches } from "./lead-touches.tsx";

export function LeadDetailPage({ id }: { id: string }) {
  const t = useT();
  const lead = useApi<LeadDetail>(`/api/v1/leads/${encodeURIComponent(id)}`);
  const audit = useApi<Pick<Page<AuditEntry>, "items">>(`/api/v1/leads/${encodeURIComponent(id)}/audit`);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState("");
  const [actionError, setActionError] = useState<unknown>(null);

  if (lead.loading && !lead.data) return <LoadingState />;
  if (lead.error instanceof ApiError && (lead.error.status === 404 || lead.error.status === 400)) {
    return (
      <main className="page">
        <EmptyState title={t("lead.notFound")}>
          <a className="button" href={href("/leads")}>
            {t("lead.backToList")}
          </a>
        </EmptyState>
      </main>
    );
  }
  if (!lead.data) {
    return (
      <main className="page">
        <ProblemAlert error={lead.error} onRetry={lead.reload} />
      </main>
    );
  }
  const data = lead.data;

  async function remove() {
    if (!window.confirm(t("lead.confirmDelete"))) return;
    setActionError(null);
    try {
      await api<void>(`/api/v1/leads/${data.id}`, { method: "DELETE" });
      navigate("/leads");
    } catch (caught) {
      setActionError(caught);
    }
  }

  const refresh = () => {
    lead.reload();
    audit.reload();
  };

  return (
    <main className="page lead-detail">
      <a className="back-link" href={href("/leads")}>
        ← {t("lead.backToList")}
      </a>
      <div className="page-header">
        <div className="lead-title">
          <h1>{data.name ?? t("leads.unnamed")}</h1>
          <TemperatureBadge temperature={data.temperature} />
          <span className="score-pill">{t("lead.points", { points: data.score })}</span>
          <LeadSlaBadge leadId={data.id} />
        </div>
        <div className="page-actions">
          {!editing && (
            <button type="button" className="button" onClick={() => setEditing(true)}>
              {t("common.edit")}
            </button>
          )}
          <button type="button" className="button button-danger" onClick={remove}>
            {t("lead.delete")}
          </button>
        </div>
      </div>
      {notice && <Notice>{notice}</Notice>}
      <ProblemAlert error={actionError} />
      {editing && (
        <LeadEditForm
          lead={data}
          onCancel={() => setEditing(false)}
          onSaved={(updated, changed) => {
            setEditing(false);
            setNotice(changed ? t("lead.saved") : t("lead.nothingChanged"));
            lead.setData(updated);
            audit.reload();
          }}
        />
      )}
      <div className="detail-grid">
        <LeadProfile lead={data} />
        <LeadScorePanel lead={data} />
      </div>
      <LeadEnrichmentPanel leadId={data.id} />
      <LeadInterestPanel leadId={data.id} onSaved={audit.reload} />
      <div className="detail-grid">
        <LeadTouches touches={data.touches} />
        <LeadMerges merges={data.merges} onChanged={refresh} />
      </div>
      <LeadConversations leadId={data.id} />
      <LeadTagEvents leadId={data.id} />
      {audit.loading && !audit.data ? (
        <LoadingState />
      ) : (
        <>
          <ProblemAlert error={audit.error} onRetry={audit.reload} />
          {audit.data && <LeadAudit items={audit.data.items} />}
        </>
      )}
    </main>
  );
}
