import type { Principal } from "../../../auth/schemas.ts";
import { useSession } from "../../api/session.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import { AuditTab } from "./audit-tab.tsx";
import { BusinessCalendarForm } from "./business-calendar-form.tsx";
import { pickSettingsTab, settingsTabsFor } from "./settings-format.ts";
import { SlaPolicies } from "./sla-policies.tsx";
import { TeamTab } from "./team-tab.tsx";

/**
 * Configurações: working hours and SLA targets, the team and API keys (admins), the audit trail.
 * The role is read again from GET /api/v1/auth/me: the one kept since login may be out of date.
 */
export function SettingsPage({ tab: segment }: { tab: string | undefined }) {
  const t = useT();
  const session = useSession();
  const me = useApi<Principal>("/api/v1/auth/me");
  if (me.loading && !me.data) return <LoadingState />;
  if (me.error && !me.data) {
    return (
      <main className="page">
        <ProblemAlert error={me.error} onRetry={me.reload} />
      </main>
    );
  }
  const role = me.data?.role ?? session?.role;
  const workspaceId = me.data?.workspaceId ?? session?.workspaceId;
  const tab = pickSettingsTab(segment, role);
  if (!tab) {
    return (
      <main className="page">
        <EmptyState title={t("settings.forbidden")} hint={t("settings.forbiddenHint")}>
          <a className="button" href={href("/leads")}>
            {t("common.goToLeads")}
          </a>
        </EmptyState>
      </main>
    );
  }
  return (
    <main className="page settings-page">
      <div className="page-header">
        <h1>{t("settings.title")}</h1>
      </div>
      <nav className="segmented" aria-label={t("settings.tabs")} style={{ marginBottom: "1rem" }}>
        {settingsTabsFor(role).map((item) => (
          <a
            key={item}
            className={tab === item ? "segment active" : "segment"}
            style={{ textDecoration: "none" }}
            aria-current={tab === item ? "page" : undefined}
            href={href(`/settings/${item}`)}
          >
            {t(`settings.tab.${item}`)}
          </a>
        ))}
      </nav>
      {tab === "sla" && (
        <>
          <BusinessCalendarForm />
          <SlaPolicies />
        </>
      )}
      {tab === "team" && workspaceId && (
        <TeamTab workspaceId={workspaceId} currentUserId={me.data?.userId ?? session?.user.id ?? ""} />
      )}
      {tab === "audit" && <AuditTab canSeeMembers={role === "admin"} workspaceId={workspaceId} />}
    </main>
  );
}
