import type { LeadDetail } from "../../api/types.ts";
import { TemperatureBadge } from "../../components/temperature-badge.tsx";
import { formatDateTime } from "../../format.ts";
import { useT } from "../../i18n.ts";

/** The score, the rules that made it, and how it moved over time. */
export function LeadScorePanel({ lead }: { lead: LeadDetail }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="score-title">
      <h2 id="score-title">{t("lead.score")}</h2>
      <div className="score-summary">
        <span className="score-number" data-testid="lead-score">
          {lead.score}
        </span>
        <TemperatureBadge temperature={lead.temperature} />
      </div>
      <h3>{t("lead.reasons")}</h3>
      {lead.scoreReasons.length === 0 ? (
        <p className="muted">{t("lead.noReasons")}</p>
      ) : (
        <ul className="reason-list" data-testid="score-reasons">
          {lead.scoreReasons.map((reason) => (
            <li key={reason.rule}>
              <span>{reason.label}</span>
              <span className={reason.points < 0 ? "points negative" : "points"}>
                {reason.points > 0 ? "+" : ""}
                {reason.points}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>{t("lead.history")}</h3>
      {lead.scoreHistory.length === 0 ? (
        <p className="muted">{t("lead.noHistory")}</p>
      ) : (
        <ol className="history-list">
          {lead.scoreHistory.map((entry) => (
            <li key={`${entry.at}:${entry.ruleSetVersion}:${entry.score}`}>
              <span className="history-score">{t("lead.points", { points: entry.score })}</span>
              <TemperatureBadge temperature={entry.temperature} />
              <span className="muted">{t("lead.ruleVersion", { version: entry.ruleSetVersion })}</span>
              <time className="muted" dateTime={entry.at}>
                {formatDateTime(entry.at)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
