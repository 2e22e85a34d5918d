import { type FormEvent, useEffect, useId, useState } from "react";
import { api } from "../../api/client.ts";
import type { ScoringRuleSetInput, ScoringRulesResponse } from "../../api/types.ts";
import { NumberInput } from "../../components/number-input.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState, Notice } from "../../components/status-states.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";
import { RescoreProgress } from "./rescore-progress.tsx";
import { RuleCard } from "./rule-card.tsx";

function editable(response: ScoringRuleSetInput): ScoringRuleSetInput {
  return {
    rules: response.rules,
    hotThreshold: response.hotThreshold,
    warmThreshold: response.warmThreshold,
  };
}

export function ScoringPage() {
  const t = useT();
  const rules = useApi<ScoringRulesResponse>("/api/v1/scoring/rules");
  const [draft, setDraft] = useState<ScoringRuleSetInput | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState("");
  const id = useId();

  useEffect(() => {
    if (rules.data) setDraft(editable(rules.data));
  }, [rules.data]);

  if (rules.loading && !rules.data) return <LoadingState />;
  if (!rules.data || !draft) {
    return (
      <main className="page">
        <ProblemAlert error={rules.error} onRetry={rules.reload} />
      </main>
    );
  }
  const saved = rules.data;
  const current = draft;
  const dirty = JSON.stringify(editable(saved)) !== JSON.stringify(current);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    setNotice("");
    try {
      const result = await api<{ version: number }>("/api/v1/scoring/rules", {
        method: "PUT",
        body: current,
      });
      const fresh = await api<ScoringRulesResponse>("/api/v1/scoring/rules");
      rules.setData(fresh);
      setNotice(t("scoring.saved", { version: result.version }));
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  }

  return (
    <main className="page">
      <div className="page-header">
        <h1>
          {t("scoring.title")}{" "}
          <span className="muted version">{t("scoring.version", { version: saved.version })}</span>
        </h1>
      </div>
      <RescoreProgress initial={saved.rescore} />
      <form onSubmit={save} className="scoring-form">
        <section className="card" aria-labelledby="thresholds-title">
          <h2 id="thresholds-title">{t("scoring.thresholds")}</h2>
          <div className="form-grid thresholds">
            <label className="field" htmlFor={`${id}-hot`}>
              <span>
                <span className="badge badge-hot">{t("temperature.hot")}</span> {t("scoring.hotThreshold")}
              </span>
              <NumberInput
                id={`${id}-hot`}
                value={current.hotThreshold}
                onValue={(hotThreshold) => setDraft({ ...current, hotThreshold })}
              />
            </label>
            <label className="field" htmlFor={`${id}-warm`}>
              <span>
                <span className="badge badge-warm">{t("temperature.warm")}</span> {t("scoring.warmThreshold")}
              </span>
              <NumberInput
                id={`${id}-warm`}
                value={current.warmThreshold}
                onValue={(warmThreshold) => setDraft({ ...current, warmThreshold })}
              />
            </label>
          </div>
          <p className="muted small">{t("scoring.thresholdHint")}</p>
        </section>
        <h2>{t("scoring.rules")}</h2>
        {current.rules.length === 0 ? (
          <EmptyState title={t("scoring.noRules")} />
        ) : (
          <ul className="rule-list">
            {current.rules.map((rule, index) => (
              <RuleCard
                key={rule.id}
                rule={rule}
                onChange={(next) =>
                  setDraft({
                    ...current,
                    rules: current.rules.map((item, at) => (at === index ? next : item)),
                  })
                }
              />
            ))}
          </ul>
        )}
        <div className="sticky-actions">
          {notice && <Notice>{notice}</Notice>}
          <ProblemAlert error={error} />
          {dirty && <p className="muted small">{t("scoring.unsaved")}</p>}
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={saving || !dirty}>
              {saving ? t("common.saving") : t("scoring.save")}
            </button>
            <button
              type="button"
              className="button button-ghost"
              disabled={!dirty || saving}
              onClick={() => setDraft(editable(saved))}
            >
              {t("scoring.discard")}
            </button>
            <button
              type="button"
              className="button button-ghost"
              disabled={saving}
              onClick={() => setDraft(editable(saved.defaults))}
            >
              {t("scoring.resetDefaults")}
            </button>
          </div>
        </div>
      </form>
    </main>
  );
}
