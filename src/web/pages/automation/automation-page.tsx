import type { Principal } from "../../../auth/schemas.ts";
import type { RuleView } from "../../../automation/manage-rules.ts";
import { useSession } from "../../api/session.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import "./automation.css";
import { canManageRules, canReadAutomation, canReviewDispatches } from "./automation-format.ts";
import { QueuePage } from "./queue-page.tsx";
import { RulesPage } from "./rules-page.tsx";
import { TemplatesPage } from "./templates-page.tsx";

const VIEWS = ["queue", "rules", "templates"] as const;
type View = (typeof VIEWS)[number];

/**
 * Automação: the dispatch queue (what the rules propose, for a person to approve), the rules and the
 * message templates. What
 * the role may do is read again from GET /api/v1/auth/me (the one kept since login may be out of date).
 */
export function AutomationPage({ view: segment }: { view: string | undefined }) {
  const t = useT();
  const session = useSession();
  const me = useApi<Principal>("/api/v1/auth/me");
  const role = me.data?.role ?? session?.role;
  const allowed = canReadAutomation(role);
  const rules = useApi<{ items: RuleView[] }>(allowed ? "/api/v1/automation-rules" : null);
  const view: View = VIEWS.find((item) => item === segment) ?? "queue";

  if (me.loading && !me.data) return <LoadingState />;
  if (!allowed) {
    return (
      <main className="page">
        <EmptyState title={t("automation.forbidden")} hint={t("automation.forbiddenHint")}>
          <a className="button" href={href("/leads")}>
            {t("common.goToLeads")}
          </a>
        </EmptyState>
      </main>
    );
  }
  const items = rules.data?.items ?? [];
  const replaceRule = (next: RuleView) =>
    rules.setData({ items: items.map((item) => (item.id === next.id ? next : item)) });

  return (
    <main className="page automation-page">
      <div className="page-header">
        <h1>{t("automation.title")}</h1>
      </div>
      <p className="muted page-intro">{t("automation.intro")}</p>
      <nav className="segmented automation-views" aria-label={t("automation.views")}>
        {VIEWS.map((item) => (
          <a
            key={item}
            className={view === item ? "segment active" : "segment"}
            aria-current={view === item ? "page" : undefined}
            href={href(`/automation/${item}`)}
          >
            {t(`automation.view.${item}`)}
          </a>
        ))}
      </nav>
      {view === "templates" ? (
        <TemplatesPage canManage={canManageRules(role)} />
      ) : rules.error && !rules.data ? (
        <ProblemAlert error={rules.error} onRetry={rules.reload} />
      ) : view === "rules" ? (
        rules.loading && !rules.data ? (
          <LoadingState />
        ) : (
          <RulesPage
            rules={items}
            canManage={canManageRules(role)}
            onChanged={replaceRule}
            onAdded={(created) => rules.setData({ items: [...items, created] })}
            onRemoved={(id) => rules.setData({ items: items.filter((item) => item.id !== id) })}
          />
        )
      ) : (
        <QueuePage canReview={canReviewDispatches(role)} rules={items} onDecided={rules.reload} />
      )}
    </main>
  );
}
