import { useEffect } from "react";
import { useSession } from "./api/session.ts";
import { AppHeader } from "./components/app-header.tsx";
import { EmptyState } from "./components/status-states.tsx";
import { useLanguage, useT } from "./i18n.ts";
import { AdLibraryPage } from "./pages/ad-library/ad-library-page.tsx";
import { AutomationPage } from "./pages/automation/automation-page.tsx";
import { ConnectionsPage } from "./pages/connections/connections-page.tsx";
import { DashboardsPage } from "./pages/dashboards/dashboards-page.tsx";
import { DealsPage } from "./pages/deals/deals-page.tsx";
import { EnrichmentPage } from "./pages/enrichment/enrichment-page.tsx";
import { EventsPage } from "./pages/events/events-page.tsx";
import { ImportsPage } from "./pages/imports/imports-page.tsx";
import { LeadDetailPage } from "./pages/lead-detail/lead-detail-page.tsx";
import { LeadsPage } from "./pages/leads/leads-page.tsx";
import { LoginPage } from "./pages/login-page.tsx";
import { MyDayPage } from "./pages/my-day/my-day-page.tsx";
import { OutboundPage } from "./pages/outbound/outbound-page.tsx";
import { PartnerWebhooksPage } from "./pages/partner-webhooks/partner-webhooks-page.tsx";
import { ClientRoutedPage } from "./pages/proof-of-value/client-routed-page.tsx";
import { homePathFor, isClientRole } from "./pages/proof-of-value/proof-of-value-format.ts";
import { ProofOfValuePage } from "./pages/proof-of-value/proof-of-value-page.tsx";
import { RealEstatePage } from "./pages/real-estate/real-estate-page.tsx";
import { ReportsPage } from "./pages/reports/reports-page.tsx";
import { ScoringPage } from "./pages/scoring/scoring-page.tsx";
import { SettingsPage } from "./pages/settings/settings-page.tsx";
import { TriagePage } from "./pages/triage/triage-page.tsx";
import { href, navigate, type Route, useRoute } from "./router.ts";

/** The shell: login when signed out, otherwise the header and the page for the route. */
export function App() {
  const session = useSession();
  const route = useRoute();
  const language = useLanguage();

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  // Once signed in: a client lands on the proof of value, everyone else on the leads.
  const role = session?.role;
  useEffect(() => {
    if (role && (route.path === "/" || route.path === "/login"))
      navigate(homePathFor(role), { replace: true });
  }, [route.path, role]);

  return (
    <div className="app">
      <AppHeader />
      {!session ? (
        <LoginPage />
      ) : isClientRole(session.role) ? (
        <ClientRoutedPage route={route} />
      ) : (
        <RoutedPage route={route} />
      )}
    </div>
  );
}

function RoutedPage({ route }: { route: Route }) {
  const [section, id, extra] = route.segments;
  if (section === "dashboards" && !extra) return <DashboardsPage view={id} />;
  if (section === "leads" && id && !extra) return <LeadDetailPage key={id} id={id} />;
  if (section === "leads" && !id) return <LeadsPage />;
  if (section === "deals" && !id) return <DealsPage />;
  if (section === "real-estate" && !id) return <RealEstatePage tab="properties" />;
  if (section === "real-estate" && id === "clients" && !extra) return <RealEstatePage tab="clients" />;
  if (section === "real-estate" && id === "developments") {
    return <RealEstatePage tab="developments" developmentId={extra} />;
  }
  if (section === "my-day" && !id) return <MyDayPage />;
  if (section === "reports" && !id) return <ReportsPage />;
  if (section === "proof-of-value" && !id) return <ProofOfValuePage />;
  if (section === "events" && !id) return <EventsPage />;
  if (section === "scoring" && !id) return <ScoringPage />;
  if (section === "enrichment" && !id) return <EnrichmentPage />;
  if (section === "connections" && !id) return <ConnectionsPage />;
  if (section === "imports" && !id) return <ImportsPage />;
  if (section === "triage" && !id) return <TriagePage />;
  if (section === "outbound" && !id) return <OutboundPage />;
  if (section === "ad-library" && !id) return <AdLibraryPage />;
  if (section === "partner-webhooks" && !id) return <PartnerWebhooksPage />;
  if (section === "automation" && !extra) return <AutomationPage view={id} />;
  if (section === "settings" && !extra) return <SettingsPage tab={id} />;
  if (!section || section === "login") return null;
  return <NotFound />;
}

function NotFound() {
  const t = useT();
  return (
    <main className="page">
      <EmptyState title={t("common.notFoundPage")}>
        <a className="button" href={href("/leads")}>
          {t("common.goToLeads")}
        </a>
      </EmptyState>
    </main>
  );
}
