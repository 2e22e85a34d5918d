import type { ScoringRule } from "../../api/types.ts";
import { NumberInput } from "../../components/number-input.tsx";
import type { Translate } from "../../i18n.ts";

type CreatorTierRule = Extract<ScoringRule, { type: "creator_tier" }>;

/** Points per creator tier (the tiers themselves are set on the Enriquecimento page). */
export function CreatorTierPoints({
  rule,
  onChange,
  t,
}: {
  rule: CreatorTierRule;
  onChange: (rule: ScoringRule) => void;
  t: Translate;
}) {
  return (
    <div className="rule-body">
      <p className="muted">{t("enrichment.scoring.describe")}</p>
      <table className="bands-table">
        <thead>
          <tr>
            <th>{t("enrichment.tier")}</th>
            <th>{t("scoring.points")}</th>
          </tr>
        </thead>
        <tbody>
          {rule.tiers.map((entry, index) => (
            <tr key={entry.tier}>
              <td>{entry.tier}</td>
              <td>
                <NumberInput
                  className="points-input"
                  value={entry.points}
                  aria-label={`${t("scoring.points")} ${entry.tier}`}
                  onValue={(points) =>
                    onChange({
                      ...rule,
                      tiers: rule.tiers.map((item, i) => (i === index ? { ...item, points } : item)),
                    })
                  }
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
