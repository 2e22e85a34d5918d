import { useMemo, useState } from "react";
import type { DealView, PipelineView } from "../../../crm/schemas.ts";
import type { BulkOutcome } from "../../../crm/update-deal.ts";
import { api } from "../../api/client.ts";
import { DebouncedInput } from "../../components/debounced-input.tsx";
import { LoadMore } from "../../components/load-more.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { formatDate, formatMoney, formatRelative } from "../../format.ts";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { isMessageKey, useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import type { Owner } from "./deal-details-form.tsx";

/** The deals of a pipeline as a list: filters, search, pages, and bulk move / assign / delete. */
export function DealsList({
  pipeline,
  owners,
  canWrite,
  canManage,
  onChanged,
}: {
  pipeline: PipelineView;
  owners: Owner[];
  canWrite: boolean;
  canManage: boolean;
  onChanged: () => void;
}) {
  const t = useT();
  const [status, setStatus] = useState("");
  const [ownerId, setOwnerId] = useState("");
  const [q, setQ] = useState("");
  const query = useMemo(
    () => ({ pipelineId: pipeline.id, status, ownerId, q, limit: 50 }),
    [pipeline.id, status, ownerId, q],
  );
  const list = usePagedList<DealView>("/api/v1/deals", query);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [summary, setSummary] = useState<{ ok: number; failed: { title: string; why: string }[] } | null>(
    null,
  );
  const [error, setError] = useState<unknown>(null);

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const bulk = async (body: Record<string, unknown>) => {
    setError(null);
    setSummary(null);
    try {
      const { items } = await api<{ items: BulkOutcome[] }>("/api/v1/deals/bulk", {
        method: "POST",
        body: { ...body, ids: [...selected] },
      });
      const titleOf = (id: string) => list.items.find((deal) => deal.id === id)?.title ?? id;
      setSummary({
        ok: items.filter((item) => item.ok).length,
        failed: items
          .filter((item) => !item.ok)
          .map((item) => ({
            title: titleOf(item.id),
            why:
              item.error?.errors
                ?.map((rule) => {
                  const key = `deals.rule.${rule.field}`;
                  return isMessageKey(key) ? t(key) : rule.message;
                })
                .join(", ") ??
              item.error?.detail ??
              "",
          })),
      });
      setSelected(new Set());
      list.reload();
      onChanged();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section className="card deals-list" aria-label={t("deals.listView")}>
      <div className="filters">
        <DebouncedInput
          value={q}
          onCommit={setQ}
          placeholder={t("deals.searchDeals")}
          aria-label={t("deals.searchDeals")}
        />
        <label>
          {t("deals.statusFilter")}
          <select value={status} onChange={(event) => setStatus(event.target.value)}>
            <option value="">{t("deals.all")}</option>
            <option value="open">{t("deals.status.open")}</option>
            <option value="won">{t("deals.status.won")}</option>
            <option value="lost">{t("deals.status.lost")}</option>
          </select>
        </label>
        <label>
          {t("deals.owner")}
          <select value={ownerId} onChange={(event) => setOwnerId(event.target.value)}>
            <option value="">{t("deals.all")}</option>
            <option value="none">{t("deals.noOwner")}</option>
            {owners.map((owner) => (
              <option key={owner.id} value={owner.id}>
                {owner.name ?? owner.email}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ProblemAlert error={error ?? list.error} />
      {summary && (
        <div
          className={summary.failed.length > 0 ? "alert alert-error" : "alert alert-success"}
          role="status"
        >
          <p>{t("deals.bulkDone", { count: summary.ok })}</p>
          {summary.failed.length > 0 && (
            <ul>
              {summary.failed.map((item) => (
                <li key={item.title}>
                  <strong>{item.title}</strong>: {item.why}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {selected.size > 0 && canWrite && (
        <div className="bulk-bar" role="toolbar" aria-label={t("deals.bulkActions")}>
          <span>{t("deals.selected", { count: selected.size })}</span>
          <select
            aria-label={t("deals.moveSelected")}
            value=""
            onChange={(event) =>
              event.target.value && void bulk({ action: "move", stageId: event.target.value })
            }
          >
            <option value="">{t("deals.moveSelected")}…</option>
            {pipeline.stages
              .filter((stage) => stage.kind !== "lost")
              .map((stage) => (
                <option key={stage.id} value={stage.id}>
                  {stage.name}
                </option>
              ))}
          </select>
          {canManage && (
            <>
              <select
                aria-label={t("deals.assignSelected")}
                value=""
                onChange={(event) =>
                  event.target.value &&
                  void bulk({
                    action: "assign",
                    ownerId: event.target.value === "none" ? null : event.target.value,
                  })
                }
              >
                <option value="">{t("deals.assignSelected")}…</option>
                <option value="none">{t("deals.noOwner")}</option>
                {owners.map((owner) => (
                  <option key={owner.id} value={owner.id}>
                    {owner.name ?? owner.email}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="button button-small button-danger"
                onClick={() => void bulk({ action: "delete" })}
              >
                {t("deals.deleteSelected")}
              </button>
            </>
          )}
        </div>
      )}
      {list.loading && list.items.length === 0 ? (
        <LoadingState />
      ) : list.items.length === 0 ? (
        <EmptyState title={t("deals.noneFound")} />
      ) : (
        <table className="report-table deals-table">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label={t("deals.selectAll")}
                  checked={list.items.every((deal) => selected.has(deal.id))}
                  onChange={(event) =>
                    setSelected(event.target.checked ? new Set(list.items.map((deal) => deal.id)) : new Set())
                  }
                />
              </th>
              <th>{t("deals.titleField")}</th>
              <th>{t("reports.stage")}</th>
              <th>{t("deals.owner")}</th>
              <th>{t("deals.value")}</th>
              <th>{t("deals.expectedClose")}</th>
              <th>{t("deals.updated")}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((deal) => (
              <tr key={deal.id} data-deal-id={deal.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t("deals.select", { title: deal.title })}
                    checked={selected.has(deal.id)}
                    onChange={() => toggle(deal.id)}
                  />
                </td>
                <td>
                  <a href={href(`/leads/${deal.contact.id}`)}>{deal.title}</a>
                  {deal.closeReason && (
                    <div className="muted small">{t("deals.reason", { reason: deal.closeReason })}</div>
                  )}
                </td>
                <td>
                  {deal.stageName}
                  {deal.status !== "open" && (
                    <span className={`badge badge-${deal.status}`}>{t(`deals.status.${deal.status}`)}</span>
                  )}
                </td>
                <td>{deal.owner ? (deal.owner.name ?? deal.owner.email) : t("deals.noOwner")}</td>
                <td>{formatMoney(deal.value)}</td>
                <td>{formatDate(deal.expectedClose)}</td>
                <td title={deal.updatedAt}>{formatRelative(deal.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={list} />
    </section>
  );
}
