import type { LeadSummary } from "../../api/types.ts";
import { TagList } from "../../components/tag-list.tsx";
import { TemperatureBadge } from "../../components/temperature-badge.tsx";
import { formatDate } from "../../format.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";

interface Props {
  items: LeadSummary[];
  trash: boolean;
  onRestore: (lead: LeadSummary) => void;
}

/** The leads as a table (cards on narrow screens); deleted leads get a restore button. */
export function LeadsTable({ items, trash, onRestore }: Props) {
  const t = useT();
  return (
    <div className="table-wrap">
      <table className="data-table leads-table">
        <thead>
          <tr>
            <th>{t("leads.col.name")}</th>
            <th>{t("leads.col.contact")}</th>
            <th>{t("leads.col.city")}</th>
            <th>{t("leads.col.sources")}</th>
            <th>{t("leads.col.tags")}</th>
            <th className="numeric">{t("leads.col.score")}</th>
            <th>{t("leads.col.temperature")}</th>
            <th>{t("leads.col.createdAt")}</th>
            {trash && <th>{t("leads.col.actions")}</th>}
          </tr>
        </thead>
        <tbody>
          {items.map((lead) => (
            <LeadRow key={lead.id} lead={lead} trash={trash} onRestore={onRestore} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LeadRow({
  lead,
  trash,
  onRestore,
}: {
  lead: LeadSummary;
  trash: boolean;
  onRestore: Props["onRestore"];
}) {
  const t = useT();
  const name = lead.name ?? t("leads.unnamed");
  return (
    <tr data-lead-id={lead.id}>
      <td data-label={t("leads.col.name")} className="cell-name">
        <div>
          {trash ? <span>{name}</span> : <a href={href(`/leads/${lead.id}`)}>{name}</a>}
          {lead.mergedInto && <div className="muted small">{t("leads.mergedNote")}</div>}
        </div>
      </td>
      <td data-label={t("leads.col.contact")}>
        <div>
          <div>{lead.email ?? t("common.none")}</div>
          {lead.phone && <div className="muted">{lead.phone}</div>}
        </div>
      </td>
      <td data-label={t("leads.col.city")}>{lead.city ?? t("common.none")}</td>
      <td data-label={t("leads.col.sources")}>
        <TagList values={lead.sources} className="tag tag-source" />
      </td>
      <td data-label={t("leads.col.tags")}>
        <TagList values={lead.tags} className="tag" />
      </td>
      <td data-label={t("leads.col.score")} className="numeric">
        {lead.score}
      </td>
      <td data-label={t("leads.col.temperature")}>
        <TemperatureBadge temperature={lead.temperature} />
      </td>
      <td data-label={t("leads.col.createdAt")}>{formatDate(lead.createdAt)}</td>
      {trash && (
        <td data-label={t("leads.col.actions")}>
          <button type="button" className="button button-small" onClick={() => onRestore(lead)}>
            {t("leads.restore")}
          </button>
        </td>
      )}
    </tr>
  );
}
