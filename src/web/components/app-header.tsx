import { endSession, useSession } from "../api/session.ts";
import { setLanguage, useLanguage, useT } from "../i18n.ts";
import { canReadAutomation } from "../pages/automation/automation-format.ts";
import { canSeeDashboards } from "../pages/dashboards/dashboards-format.ts";
import {
  canSeeProofOfValue,
  homePathFor,
  isClientRole,
  PROOF_PATH,
} from "../pages/proof-of-value/proof-of-value-format.ts";
import { canOpenSettings } from "../pages/settings/settings-format.ts";
import { TriageNavBadge } from "../pages/triage/triage-nav-badge.tsx";
import { href, useRoute } from "../router.ts";

const NAV = [
  { path: "/dashboards", label: "nav.dashboards" },
  { path: "/leads", label: "nav.leads" },
  { path: "/my-day", label: "nav.myDay" },
  { path: "/deals", label: "nav.deals" },
  { path: "/real-estate", label: "nav.realEstate" },
  { path: "/reports", label: "nav.reports" },
  { path: "/proof-of-value", label: "nav.proofOfValue" },
  { path: "/triage", label: "nav.triage" },
  { path: "/automation", label: "nav.automation" },
  { path: "/events", label: "nav.events" },
  { path: "/connections", label: "nav.connections" },
  { path: "/partner-webhooks", label: "nav.partnerWebhooks" },
  { path: "/imports", label: "nav.imports" },
  { path: "/outbound", label: "nav.outbound" },
  { path: "/ad-library", label: "nav.adLibrary" },
  { path: "/enrichment", label: "enrichment.nav" },
  { path: "/scoring", label: "nav.scoring" },
  { path: "/settings", label: "nav.settings" },
] as const;

export function AppHeader() {
  const t = useT();
  const language = useLanguage();
  const session = useSession();
  const route = useRoute();
  const workspace = session?.workspaces.find((item) => item.id === session.workspaceId);
  return (
    <header className="app-header">
      <a className="brand" href={href(homePathFor(session?.role))}>
        <span className="brand-mark" aria-hidden="true">
          ▼
        </span>
        {t("app.name")}
      </a>
      {session && (
        <nav className="app-nav" aria-label={t("nav.menu")}>
          {NAV.filter((item) =>
            // A client has the proof of value only.
            isClientRole(session.role)
              ? item.path === PROOF_PATH
              : (item.path !== "/settings" || canOpenSettings(session.role)) &&
                (item.path !== "/dashboards" || canSeeDashboards(session.role)) &&
                (item.path !== "/automation" || canReadAutomation(session.role)) &&
                (item.path !== PROOF_PATH || canSeeProofOfValue(session.role)),
          ).map((item) => {
            const active = route.path === item.path || route.path.startsWith(`${item.path}/`);
            return (
              <a
                key={item.path}
                href={href(item.path)}
                className={active ? "nav-link active" : "nav-link"}
                aria-current={active ? "page" : undefined}
              >
                {t(item.label)}
                {item.path === "/triage" && <TriageNavBadge />}
              </a>
            );
          })}
        </nav>
      )}
      <div className="header-actions">
        {session && (
          <span className="header-user" title={workspace?.name}>
            {session.user.name ?? session.user.email}
          </span>
        )}
        <button
          type="button"
          className="button button-ghost button-small"
          title={t("nav.switchLanguageTitle")}
          lang={language === "en" ? "pt-BR" : "en"}
          onClick={() => setLanguage(language === "en" ? "pt-BR" : "en")}
        >
          {t("nav.switchLanguage")}
        </button>
        {session && (
          <button type="button" className="button button-ghost button-small" onClick={() => endSession()}>
            {t("nav.logout")}
          </button>
        )}
      </div>
    </header>
  );
}
