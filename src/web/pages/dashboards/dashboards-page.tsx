import { useMemo } from "react";
import type { Principal } from "../../../auth/schemas.ts";
import { useSession } from "../../api/session.ts";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";
import { href, navigate, useRoute } from "../../router.ts";
import "./dashboards.css";
import {
  canSeeDashboards,
  canSeeOverview,
  DASHBOARD_PATH,
  type DashboardFilters,
  type DashboardView,
  filtersQuery,
  readFilters,
  VIEWS,
  viewFor,
} from "./dashboards-format.ts";
import { FunnelView } from "./funnel-view.tsx";
import { OverviewView } from "./overview-view.tsx";

const pathOf = (view: DashboardView) => (view === "overview" ? DASHBOARD_PATH : `${DASHBOARD_PATH}/${view}`);

/**
 * Painel: the overview (live intake, leads by source and day, temperature, backlog, failures, silent
 * sources) and the funnel (conversion by stage, owners, sources, time in stage, SLA). The period and
 * filters live in the route's query, so a link reproduces the view; the role is read again from
 * GET /api/v1/auth/me (the one kept since login may be out of date).
 */
export function DashboardsPage({ view: segment }: { view: string | undefined }) {
  const t = useT();
  const session = useSession();
  const me = useApi<Principal>("/api/v1/auth/me");
  const route = useRoute();
  const filters = useMemo(() => readFilters(route.query), [route.query]);
  const role = me.data?.role ?? session?.role;

  if (me.loading && !me.data) return <LoadingState />;
  if (!canSeeDashboards(role)) {
    return (
      <main className="page">
        <EmptyState title={t("dashboards.forbidden")} hint={t("dashboards.forbiddenHint")}>
          <a className="button" href={href("/leads")}>
            {t("common.goToLeads")}
          </a>
        </EmptyState>
      </main>
    );
  }
  const view = viewFor(segment, role);
  const setFilters = (next: DashboardFilters) =>
    navigate(pathOf(view), { query: filtersQuery(next), replace: true });
  // Switching views keeps the period and the source (the funnel's own filters stay with it).
  const shared = filtersQuery({ from: filters.from, to: filters.to, source: filters.source });

  return (
    <main className="page dashboards-page">
      <div className="page-header">
        <h1>{t("dashboards.title")}</h1>
      </div>
      <nav className="segmented dashboards-views" aria-label={t("dashboards.views")}>
        {VIEWS.filter((item) => item !== "overview" || canSeeOverview(role)).map((item) => (
          <a
            key={item}
            className={view === item ? "segment active" : "segment"}
            aria-current={view === item ? "page" : undefined}
            href={href(pathOf(item), item === view ? filtersQuery(filters) : shared)}
          >
            {t(`dashboards.view.${item}`)}
          </a>
        ))}
      </nav>
      {view === "overview" ? (
        <OverviewView filters={filters} onFilters={setFilters} role={role} />
      ) : (
        <FunnelView filters={filters} onFilters={setFilters} role={role} />
      )}
    </main>
  );
}
