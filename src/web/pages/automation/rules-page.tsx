import type { RuleView } from "../../../automation/manage-rules.ts";
import { EmptyState } from "../../components/status-states.tsx";
import { useT } from "../../i18n.ts";
import { RuleCard } from "./rule-card.tsx";

interface Props {
  rules: RuleView[];
  canManage: boolean;
  onChanged: (next: RuleView) => void;
}

/** Regras: the built-in rules first, then the workspace's own; each card switches, runs and explains. */
export function RulesPage({ rules, canManage, onChanged }: Props) {
  const t = useT();
  if (rules.length === 0) return <EmptyState title={t("automation.rules.empty")} />;
  const builtin = rules.filter((rule) => rule.builtin !== null);
  const own = rules.filter((rule) => rule.builtin === null);
  return (
    <>
      {!canManage && <p className="alert alert-info">{t("automation.rules.readOnly")}</p>}
      <section className="rule-list-section" aria-labelledby="automation-builtin-rules">
        <h2 id="automation-builtin-rules">{t("automation.rules.builtinTitle")}</h2>
        {builtin.map((rule) => (
          <RuleCard key={rule.id} rule={rule} canManage={canManage} onChanged={onChanged} />
        ))}
      </section>
      {own.length > 0 && (
        <section className="rule-list-section" aria-labelledby="automation-own-rules">
          <h2 id="automation-own-rules">{t("automation.rules.ownTitle")}</h2>
          {own.map((rule) => (
            <RuleCard key={rule.id} rule={rule} canManage={canManage} onChanged={onChanged} />
          ))}
        </section>
      )}
    </>
  );
}
