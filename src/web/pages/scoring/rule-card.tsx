import { useId } from "react";
import type { ScoringRule } from "../../api/types.ts";
import { NumberInput } from "../../components/number-input.tsx";
import { TagList } from "../../components/tag-list.tsx";
import { isMessageKey, type Translate, useT } from "../../i18n.ts";
import { BandsTable } from "./bands-table.tsx";
import { CreatorTierPoints } from "./creator-tier-points.tsx";

function fieldName(field: string, t: Translate): string {
  const key = `field.${field}`;
  return isMessageKey(key) ? t(key) : field;
}

/** One rule, readable: what it looks at, its points (or bands), and an on/off switch. */
export function RuleCard({ rule, onChange }: { rule: ScoringRule; onChange: (rule: ScoringRule) => void }) {
  const t = useT();
  const pointsId = useId();
  return (
    <li className={rule.enabled ? "card rule-card" : "card rule-card is-disabled"} data-rule-id={rule.id}>
      <div className="rule-header">
        <label className="toggle">
          <input
            type="checkbox"
            checked={rule.enabled}
            onChange={(event) => onChange({ ...rule, enabled: event.target.checked })}
          />
          <span className="visually-hidden">{t("scoring.enabled")}</span>
        </label>
        <div className="rule-title">
          <strong>{rule.label}</strong>
          <span className="tag">{t(`scoring.type.${rule.type}`)}</span>
        </div>
        {rule.type !== "bands" && rule.type !== "creator_tier" && (
          <label className="field field-inline" htmlFor={pointsId}>
            <span>{t("scoring.points")}</span>
            <NumberInput
              id={pointsId}
              className="points-input"
              value={rule.points}
              onValue={(points) => onChange({ ...rule, points })}
            />
          </label>
        )}
      </div>
      <RuleDescription rule={rule} onChange={onChange} t={t} />
    </li>
  );
}

function RuleDescription({
  rule,
  onChange,
  t,
}: {
  rule: ScoringRule;
  onChange: (rule: ScoringRule) => void;
  t: Translate;
}) {
  switch (rule.type) {
    case "required_fields":
      return (
        <div className="rule-body">
          <p className="muted">{t("scoring.describe.required_fields")}</p>
          <TagList values={rule.fields.map((field) => fieldName(field, t))} />
        </div>
      );
    case "keywords":
      return (
        <div className="rule-body">
          <p className="muted">{t("scoring.describe.keywords", { field: fieldName(rule.field, t) })}</p>
          <TagList values={rule.keywords} />
        </div>
      );
    case "in_list":
      return (
        <div className="rule-body">
          <p className="muted">{t("scoring.describe.in_list", { field: fieldName(rule.field, t) })}</p>
          <TagList values={rule.values} />
        </div>
      );
    case "bands":
      return (
        <div className="rule-body">
          <p className="muted">{t("scoring.describe.bands", { field: fieldName(rule.field, t) })}</p>
          <BandsTable
            bands={rule.bands}
            money={rule.field === "income"}
            onChange={(bands) => onChange({ ...rule, bands })}
          />
        </div>
      );
    case "creator_tier":
      return <CreatorTierPoints rule={rule} onChange={onChange} t={t} />;
  }
}
