import { useId } from "react";
import type { PipelineView } from "../../../crm/schemas.ts";
import { DebouncedInput } from "../../components/debounced-input.tsx";
import { LoadMore } from "../../components/load-more.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { formatDateTime, formatNumber, formatRelative, formatValue } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { isMessageKey, type Language, type Translate, useLanguage, useT } from "../../i18n.ts";
import { href, navigate, useRoute } from "../../router.ts";
import { auditChanges } from "../lead-detail/audit-diff.ts";
import {
  dayRangeQuery,
  firstOf,
  formatDateOnly,
  shortId,
  truncate,
  withoutNoise,
} from "./settings-format.ts";
import type { Member, WorkspaceAuditEntry } from "./settings-types.ts";

const PAGE_SIZE = 50;
const CHANGES_SHOWN = 4;
const ENTITY_TYPES = [
  "workspace",
  "contact",
  "deal",
  "pipeline",
  "task",
  "sla_policy",
  "business_calendar",
  "assignment_rule",
  "triage_sender",
  "webhook_endpoint",
  "scoring_rule_set",
  "enrichment_tiers",
  "outbound_source",
  "ad_library_settings",
  "product",
  "property",
  "development",
];
const ACTION_PREFIXES = [
  "member.",
  "api_key.",
  "leads.exported",
  "deal.",
  "pipeline.",
  "sla_policy.",
  "business_calendar.",
  "assignment_rule.",
  "task.",
  "interaction.",
  "webhook_endpoint.",
];
const FILTERS = ["entityType", "action", "from", "to"] as const;

/** Auditoria: the workspace's audit trail, newest first, filtered by record type, action and days. */
export function AuditTab({
  canSeeMembers,
  workspaceId,
}: {
  canSeeMembers: boolean;
  workspaceId: string | undefined;
}) {
  const t = useT();
  const route = useRoute();
  const entityType = route.query.get("entityType") ?? "";
  const action = route.query.get("action") ?? "";
  const from = route.query.get("from") ?? "";
  const to = route.query.get("to") ?? "";
  const actionId = useId();
  const filtered = FILTERS.some((name) => route.query.get(name));
  const list = usePagedList<WorkspaceAuditEntry>("/api/v1/audit", {
    entityType,
    action: action.trim(),
    ...dayRangeQuery(from, to),
    limit: PAGE_SIZE,
  });
  // Admins may list the members: their e-mails then stand in for user ids in the changes.
  const members = useApi<{ items: Member[] }>(
    canSeeMembers && workspaceId ? `/api/v1/workspaces/${workspaceId}/members` : null,
  );
  const emails = new Map((members.data?.items ?? []).map((member) => [member.id, member.email]));
  const pipelines = useApi<{ items: PipelineView[] }>("/api/v1/pipelines");
  const names = new Map((pipelines.data?.items ?? []).map((pipeline) => [pipeline.id, pipeline.name]));

  const setFilter = (name: (typeof FILTERS)[number], value: string) => {
    const query = new URLSearchParams(route.query);
    if (value) query.set(name, value);
    else query.delete(name);
    navigate("/settings/audit", { query, replace: true });
  };

  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{t("settings.audit.title")}</h2>
      <p className="muted">{t("settings.audit.intro")}</p>
      <div className="filter-bar" style={{ marginBottom: "1rem" }}>
        <label className="field field-compact">
          <span>{t("settings.audit.entityType")}</span>
          <select value={entityType} onChange={(event) => setFilter("entityType", event.target.value)}>
            <option value="">{t("settings.audit.allTypes")}</option>
            {ENTITY_TYPES.map((type) => (
              <option key={type} value={type}>
                {entityLabel(type, t)}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-compact" htmlFor={actionId}>
          <span>{t("settings.audit.action")}</span>
          <DebouncedInput
            id={actionId}
            value={action}
            onCommit={(value) => setFilter("action", value.trim())}
            list="settings-audit-actions"
            maxLength={80}
            autoComplete="off"
            spellCheck={false}
            placeholder={t("settings.audit.actionPlaceholder")}
          />
          <datalist id="settings-audit-actions">
            {ACTION_PREFIXES.map((prefix) => (
              <option key={prefix} value={prefix} />
            ))}
          </datalist>
        </label>
        <label className="field field-compact">
          <span>{t("settings.audit.since")}</span>
          <input type="date" value={from} onChange={(event) => setFilter("from", event.target.value)} />
        </label>
        <label className="field field-compact">
          <span>{t("settings.audit.until")}</span>
          <input type="date" value={to} onChange={(event) => setFilter("to", event.target.value)} />
        </label>
        {filtered && (
          <button
            type="button"
            className="button"
            onClick={() => navigate("/settings/audit", { replace: true })}
            style={{ marginBottom: "0.1rem" }}
          >
            {t("settings.audit.clear")}
          </button>
        )}
      </div>
      {list.loading && list.items.length === 0 ? (
        <LoadingState />
      ) : list.error && list.items.length === 0 ? (
        <ProblemAlert error={list.error} onRetry={list.reload} />
      ) : list.items.length === 0 ? (
        filtered ? (
          <EmptyState title={t("settings.audit.emptyFiltered")} hint={t("settings.audit.emptyFilteredHint")}>
            <button
              type="button"
              className="button"
              onClick={() => navigate("/settings/audit", { replace: true })}
            >
              {t("settings.audit.clear")}
            </button>
          </EmptyState>
        ) : (
          <EmptyState title={t("settings.audit.empty")} hint={t("settings.audit.emptyHint")} />
        )
      ) : (
        <>
          <p className="muted small" aria-live="polite">
            {t("settings.audit.count", { count: formatNumber(list.items.length) })}
          </p>
          <div className="table-wrap">
            <table className="data-table" aria-label={t("settings.audit.title")} aria-busy={list.loading}>
              <thead>
                <tr>
                  <th scope="col">{t("settings.audit.col.at")}</th>
                  <th scope="col">{t("settings.audit.col.actor")}</th>
                  <th scope="col">{t("settings.audit.col.action")}</th>
                  <th scope="col">{t("settings.audit.col.entity")}</th>
                  <th scope="col">{t("settings.audit.col.changes")}</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((entry) => (
                  <AuditRow key={entry.id} entry={entry} emails={emails} pipelines={names} />
                ))}
              </tbody>
            </table>
          </div>
          {list.error !== null && <ProblemAlert error={list.error} />}
          <LoadMore list={list} />
        </>
      )}
    </section>
  );
}

function AuditRow({
  entry,
  emails,
  pipelines,
}: {
  entry: WorkspaceAuditEntry;
  emails: Map<string, string>;
  pipelines: Map<string, string>;
}) {
  const t = useT();
  const language = useLanguage();
  const actorKey = `settings.audit.actor.${entry.actor.type}`;
  const actorType = isMessageKey(actorKey) ? t(actorKey) : entry.actor.type;
  const label = actionLabel(entry.action, t);
  const { shown, hidden } = firstOf(withoutNoise(auditChanges(entry)), CHANGES_SHOWN);
  return (
    <tr data-audit-id={entry.id} data-action={entry.action}>
      <td>
        <time dateTime={entry.at} title={formatRelative(entry.at)}>
          {formatDateTime(entry.at)}
        </time>
      </td>
      <td>
        {entry.actor.label ?? actorType}
        {entry.actor.type !== "user" && entry.actor.label && (
          <>
            <br />
            <span className="muted small">{actorType}</span>
          </>
        )}
      </td>
      <td>
        <strong>{label}</strong>
        {label !== entry.action && (
          <>
            <br />
            <code className="muted small">{entry.action}</code>
          </>
        )}
      </td>
      <td>
        {entityLabel(entry.entityType, t)}
        {entry.entityType === "contact" ? (
          <>
            <br />
            <a href={href(`/leads/${entry.entityId}`)} className="small">
              {t("settings.audit.openLead")}
            </a>
          </>
        ) : (
          entry.entityType !== "workspace" &&
          entry.entityType !== "business_calendar" && (
            <>
              <br />
              <code className="muted small" title={entry.entityId}>
                {shortId(entry.entityId)}
              </code>
            </>
          )
        )}
      </td>
      <td>
        {shown.length === 0 ? (
          <span className="muted small">{t("settings.audit.noChanges")}</span>
        ) : (
          <ul className="small" style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {shown.map((change) => (
              <li key={change.field}>
                <span className="muted">{fieldLabel(change.field, t)}:</span>{" "}
                {entry.before !== null && (
                  <>
                    <span className="diff-before">
                      {shownValue(change.field, change.before, { t, language, emails, pipelines })}
                    </span>{" "}
                    →{" "}
                  </>
                )}
                <span className="diff-after">
                  {entry.after === null
                    ? t("settings.audit.removedValue")
                    : shownValue(change.field, change.after, { t, language, emails, pipelines })}
                </span>
              </li>
            ))}
            {hidden > 0 && <li className="muted">{t("settings.audit.moreChanges", { count: hidden })}</li>}
          </ul>
        )}
      </td>
    </tr>
  );
}

/** "Membro adicionado" for a known action (the workspace trail's own first, then the lead's), else the action. */
function actionLabel(action: string, t: Translate): string {
  const own = `settings.action.${action}`;
  if (isMessageKey(own)) return t(own);
  const lead = `audit.action.${action}`;
  return isMessageKey(lead) ? t(lead) : action;
}

function entityLabel(type: string, t: Translate): string {
  const key = `settings.entity.${type}`;
  return isMessageKey(key) ? t(key) : type;
}

function fieldLabel(field: string, t: Translate): string {
  const own = `settings.field.${field}`;
  if (isMessageKey(own)) return t(own);
  const shared = `field.${field}`;
  return isMessageKey(shared) ? t(shared) : field;
}

/** An audit value for the diff: roles, weekdays and dates in words, member and pipeline ids as names, long text cut. */
function shownValue(
  field: string,
  value: unknown,
  context: { t: Translate; language: Language; emails: Map<string, string>; pipelines: Map<string, string> },
): string {
  const { t, language, emails, pipelines } = context;
  if (value === null || value === undefined || value === "") return t("audit.empty");
  if (field === "role" && typeof value === "string") {
    const key = `settings.role.${value}`;
    return isMessageKey(key) ? t(key) : value;
  }
  if (field === "userId" && typeof value === "string") return emails.get(value) ?? shortId(value);
  if (field === "pipelineId" && typeof value === "string") return pipelines.get(value) ?? shortId(value);
  if (field === "days" && Array.isArray(value)) {
    return value
      .map((day) => {
        const key = `settings.dayShort.${String(day)}`;
        return isMessageKey(key) ? t(key) : String(day);
      })
      .join(", ");
  }
  if (field === "holidays" && Array.isArray(value)) {
    if (value.length === 0) return t("audit.empty");
    return truncate(value.map((day) => formatDateOnly(String(day), language)).join(", "));
  }
  if (typeof value === "boolean") return value ? t("common.yes") : t("common.no");
  return truncate(formatValue(value));
}
