import { useEffect, useRef, useState } from "react";
import type { RuleView } from "../../../automation/manage-rules.ts";
import { EmptyState, Notice } from "../../components/status-states.tsx";
import { useT } from "../../i18n.ts";
import { RuleCard } from "./rule-card.tsx";
import { RuleForm } from "./rule-form.tsx";

interface Props {
  rules: RuleView[];
  canManage: boolean;
  onChanged: (next: RuleView) => void;
  onAdded: (created: RuleView) => void;
  onRemoved: (id: string) => void;
}

/**
 * Regras: the built-in rules first, then the workspace's own; each card switches, runs, explains, and
 * opens the rule form to edit; "Nova regra" opens it to make one.
 */
export function RulesPage({ rules, canManage, onChanged, onAdded, onRemoved }: Props) {
  const t = useT();
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [focusNew, setFocusNew] = useState(0);
  const newButton = useRef<HTMLButtonElement>(null);
  const builtin = rules.filter((rule) => rule.builtin !== null);
  const own = rules.filter((rule) => rule.builtin === null);

  // The form closed or a rule was deleted: the focus goes to "Nova regra".
  useEffect(() => {
    if (focusNew > 0) newButton.current?.focus();
  }, [focusNew]);

  const card = (rule: RuleView) => (
    <RuleCard
      key={rule.id}
      rule={rule}
      canManage={canManage}
      onChanged={onChanged}
      onEdited={(saved) => setNotice(t("automation.ruleForm.saved", { name: saved.name }))}
      onDeleted={(deleted) => {
        onRemoved(deleted.id);
        setNotice(t("automation.ruleForm.deleted", { name: deleted.name }));
        setFocusNew((value) => value + 1);
      }}
    />
  );

  return (
    <>
      {!canManage && <p className="alert alert-info">{t("automation.rules.readOnly")}</p>}
      {canManage && !creating && (
        <div className="button-row rule-new">
          <button
            type="button"
            ref={newButton}
            className="button button-primary button-small"
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
          >
            {t("automation.ruleForm.new")}
          </button>
        </div>
      )}
      {notice && <Notice>{notice}</Notice>}
      {creating && (
        <section className="card rule-item is-editing" aria-labelledby="automation-new-rule">
          <h2 id="automation-new-rule">{t("automation.ruleForm.new")}</h2>
          <RuleForm
            editing={null}
            onCancel={() => {
              setCreating(false);
              setFocusNew((value) => value + 1);
            }}
            onSaved={(created) => {
              setCreating(false);
              onAdded(created);
              setNotice(t("automation.ruleForm.created", { name: created.name }));
              setFocusNew((value) => value + 1);
            }}
          />
        </section>
      )}
      {rules.length === 0 && <EmptyState title={t("automation.rules.empty")} />}
      {builtin.length > 0 && (
        <section className="rule-list-section" aria-labelledby="automation-builtin-rules">
          <h2 id="automation-builtin-rules">{t("automation.rules.builtinTitle")}</h2>
          {builtin.map(card)}
        </section>
      )}
      {own.length > 0 && (
        <section className="rule-list-section" aria-labelledby="automation-own-rules">
          <h2 id="automation-own-rules">{t("automation.rules.ownTitle")}</h2>
          {own.map(card)}
        </section>
      )}
    </>
  );
}
