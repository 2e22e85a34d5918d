import type { AuditEntry } from "../../api/types.ts";
import { formatDateTime, formatValue } from "../../format.ts";
import { isMessageKey, type Translate, useT } from "../../i18n.ts";
import { auditChanges } from "./audit-diff.ts";

/** Who changed what and when, each entry as a readable before → after list. */
export function LeadAudit({ items }: { items: AuditEntry[] }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{t("lead.audit")}</h2>
      {items.length === 0 ? (
        <p className="muted">{t("lead.noAudit")}</p>
      ) : (
        <ol className="timeline audit-timeline">
          {[...items].reverse().map((entry) => (
            <AuditItem key={entry.id} entry={entry} />
          ))}
        </ol>
      )}
    </section>
  );
}

function AuditItem({ entry }: { entry: AuditEntry }) {
  const t = useT();
  const changes = auditChanges(entry);
  const actionKey = `audit.action.${entry.action}`;
  const actorKey = `audit.actor.${entry.actor.type}`;
  const actor = entry.actor.label ?? (isMessageKey(actorKey) ? t(actorKey) : entry.actor.type);
  return (
    <li>
      <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
      <div className="timeline-body">
        <div>
          <strong>{isMessageKey(actionKey) ? t(actionKey) : entry.action}</strong>{" "}
          <span className="muted">{t("lead.auditBy", { actor })}</span>
        </div>
        {changes.length === 0 ? (
          <p className="muted small">{t("audit.noDiff")}</p>
        ) : (
          <table className="diff-table">
            <tbody>
              {changes.map((change) => (
                <tr key={change.field}>
                  <th scope="row">{fieldLabel(change.field, t)}</th>
                  {entry.before !== null && (
                    <>
                      <td
                        className={formatValue(change.before) === "" ? "diff-before is-empty" : "diff-before"}
                      >
                        {shown(change.before, t)}
                      </td>
                      <td aria-hidden="true">→</td>
                    </>
                  )}
                  <td className="diff-after">{shown(change.after, t)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </li>
  );
}

function shown(value: unknown, t: Translate): string {
  const text = formatValue(value);
  return text === "" || text === "{}" ? t("audit.empty") : text;
}

function fieldLabel(field: string, t: Translate): string {
  const key = `field.${field}`;
  return isMessageKey(key) ? t(key) : field;
}
