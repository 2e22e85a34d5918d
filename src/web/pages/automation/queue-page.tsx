import { useCallback, useEffect, useId, useMemo, useState } from "react";
import type { RuleView } from "../../../automation/manage-rules.ts";
import type { DispatchView } from "../../../automation/review-dispatches.ts";
import { api } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { formatNumber } from "../../format.ts";
import { useT } from "../../i18n.ts";
import { navigate, useRoute } from "../../router.ts";
import {
  batchBody,
  batchOutcome,
  batchQuestion,
  channelLabel,
  DISPATCH_CHANNELS,
  facetKeyLabel,
  facetKeys,
  facetValues,
  MAX_BATCH,
  parseFacet,
  QUEUE_TABS,
  type QueueFilters,
  queueQuery,
  readQueueFilters,
  tabStatuses,
} from "./automation-format.ts";
import { ConfirmDialog } from "./confirm-dialog.tsx";
import { DispatchRow } from "./dispatch-row.tsx";
import { Toast, type ToastMessage } from "./toast.tsx";
import { countPending, useDispatchQueue } from "./use-dispatch-queue.ts";

interface Props {
  canReview: boolean;
  rules: RuleView[];
  /** Re-reads the rules (their pending counts) after decisions. */
  onDecided: () => void;
}

interface Asking {
  decision: "approve" | "reject";
  count: number;
  allOfFilter: boolean;
}

/**
 * Fila de disparos: what the rules propose (and what became of it), by status; filters by rule, channel
 * and facet (module, product); approve, edit or reject one, or many at once after a confirmation.
 */
export function QueuePage({ canReview, rules, onDecided }: Props) {
  const t = useT();
  const route = useRoute();
  const filters = readQueueFilters(route.query);
  const { tab, ruleId, channel, facet } = filters;
  const statuses = tabStatuses(tab);
  const by = useMemo(() => ({ ruleId, channel, facet }), [ruleId, channel, facet]);
  const queue = useDispatchQueue(statuses, by);
  const ruleFieldId = useId();
  const channelFieldId = useId();

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  /** Every pending dispatch of the filter, counted (not only the loaded ones). */
  const [allOfFilter, setAllOfFilter] = useState<number | null>(null);
  const [counting, setCounting] = useState(false);
  const [asking, setAsking] = useState<Asking | null>(null);
  const [batchBusy, setBatchBusy] = useState(false);
  const [batchError, setBatchError] = useState<unknown>(null);
  const [toast, setToast] = useState<ToastMessage | null>(null);
  const closeToast = useCallback(() => setToast(null), []);

  // A new tab or filter is a new list: forget the selection.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on a filter change only
  useEffect(() => {
    setSelected(new Set());
    setAllOfFilter(null);
    setBatchError(null);
  }, [tab, ruleId, channel, facet]);

  const setFilters = (next: Partial<QueueFilters>) =>
    navigate("/automation/queue", { query: queueQuery({ ...filters, ...next }), replace: true });

  const rule = rules.find((item) => item.id === ruleId) ?? null;
  const pendingTotal = rule ? rule.pending : rules.reduce((sum, item) => sum + item.pending, 0);
  const selectable = queue.items.filter((item) => item.status === "pending");
  const chosen = selectable.filter((item) => selected.has(item.id));
  const allVisibleChosen = selectable.length > 0 && chosen.length === selectable.length;
  const showBatch = canReview && tab === "pending";
  const parsedFacet = parseFacet(facet);

  const select = (id: string, on: boolean) => {
    setAllOfFilter(null);
    setSelected((previous) => {
      const next = new Set(previous);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  };

  const selectVisible = (on: boolean) => {
    setAllOfFilter(null);
    setSelected(on ? new Set(selectable.map((item) => item.id)) : new Set());
  };

  async function selectAllOfFilter() {
    setCounting(true);
    setBatchError(null);
    try {
      setAllOfFilter(await countPending(by));
      setSelected(new Set(selectable.map((item) => item.id)));
    } catch (caught) {
      setBatchError(caught);
    } finally {
      setCounting(false);
    }
  }

  const selectionCount = allOfFilter ?? chosen.length;

  async function runBatch(decision: "approve" | "reject", count: number, wholeFilter: boolean) {
    setBatchBusy(true);
    setBatchError(null);
    try {
      const body = batchBody({ ids: chosen.map((item) => item.id), allOfFilter: wholeFilter }, by);
      const result = await api<{ decided: number; ids: string[] }>(`/api/v1/dispatches/${decision}`, {
        method: "POST",
        body,
      });
      setToast({
        id: Date.now(),
        tone: "success",
        text: batchOutcome(decision, { decided: result.decided, asked: count }, t),
      });
      setSelected(new Set());
      setAllOfFilter(null);
      queue.reload();
      onDecided();
    } catch (caught) {
      setBatchError(caught);
    } finally {
      setBatchBusy(false);
      setAsking(null);
    }
  }

  const onChanged = (next: DispatchView) => {
    queue.replace(next);
    if (next.status !== "pending") {
      setSelected((previous) => {
        if (!previous.has(next.id)) return previous;
        const rest = new Set(previous);
        rest.delete(next.id);
        return rest;
      });
      setAllOfFilter(null);
      onDecided();
    }
  };

  const facetKeyList = facetKeys(queue.facets);

  return (
    <>
      <nav className="segmented automation-tabs" aria-label={t("automation.queue.tabs")}>
        {QUEUE_TABS.map((item) => (
          <button
            key={item}
            type="button"
            className={item === tab ? "segment active" : "segment"}
            aria-pressed={item === tab}
            onClick={() => setFilters({ tab: item })}
          >
            {t(`automation.tab.${item}`)}
            {item === "pending" && rules.length > 0 && (
              <span className="segment-count" data-testid="pending-count">
                {formatNumber(pendingTotal)}
              </span>
            )}
          </button>
        ))}
      </nav>

      <section className="card toolbar automation-filters" aria-label={t("automation.queue.filters")}>
        <div className="toolbar-row">
          <label className="field field-compact" htmlFor={ruleFieldId}>
            <span>{t("automation.rule")}</span>
            <select
              id={ruleFieldId}
              value={ruleId}
              onChange={(event) => setFilters({ ruleId: event.target.value })}
            >
              <option value="">{t("automation.allRules")}</option>
              {rules.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field field-compact" htmlFor={channelFieldId}>
            <span>{t("automation.channel")}</span>
            <select
              id={channelFieldId}
              value={channel}
              onChange={(event) =>
                setFilters({ channel: DISPATCH_CHANNELS.find((item) => item === event.target.value) ?? "" })
              }
            >
              <option value="">{t("automation.allChannels")}</option>
              {DISPATCH_CHANNELS.map((item) => (
                <option key={item} value={item}>
                  {channelLabel(item, t)}
                </option>
              ))}
            </select>
          </label>
          {(ruleId || channel || facet) && (
            <button
              type="button"
              className="button button-ghost button-small"
              onClick={() => setFilters({ ruleId: "", channel: "", facet: "" })}
            >
              {t("automation.clearFilters")}
            </button>
          )}
        </div>
        {facetKeyList.length > 0 && (
          <div className="automation-facets">
            {facetKeyList.map((key) => (
              <fieldset key={key} className="chip-group">
                <legend>{facetKeyLabel(key, t)}</legend>
                {facetValues(queue.facets[key] ?? {}).map(({ value, count }) => {
                  const on = facet === `${key}:${value}`;
                  return (
                    <button
                      key={value}
                      type="button"
                      className={on ? "chip automation-chip checked" : "chip automation-chip"}
                      aria-pressed={on}
                      onClick={() => setFilters({ facet: on ? "" : `${key}:${value}` })}
                    >
                      {t("automation.facetChip", { value, count: formatNumber(count) })}
                    </button>
                  );
                })}
              </fieldset>
            ))}
          </div>
        )}
        {parsedFacet && !queue.facets[parsedFacet.key]?.[parsedFacet.value] && (
          <p className="small muted">
            {t("automation.facetActive", {
              key: facetKeyLabel(parsedFacet.key, t),
              value: parsedFacet.value,
            })}{" "}
            <button type="button" className="link-button" onClick={() => setFilters({ facet: "" })}>
              {t("common.clear")}
            </button>
          </p>
        )}
      </section>

      {!canReview && <p className="alert alert-info">{t("automation.queue.readOnly")}</p>}
      <ProblemAlert error={batchError} />

      {showBatch && selectable.length > 0 && (
        <section className="card batch-bar automation-batch" aria-label={t("automation.batch.label")}>
          <label className="toggle">
            <input
              type="checkbox"
              checked={allVisibleChosen}
              onChange={(event) => selectVisible(event.target.checked)}
            />
            {t("automation.selectVisible", { count: formatNumber(selectable.length) })}
          </label>
          {selectionCount > 0 && (
            <span className="batch-count" data-testid="selection-count">
              {allOfFilter !== null
                ? t("automation.selectedAllOfFilter", { count: formatNumber(allOfFilter) })
                : t(selectionCount === 1 ? "automation.selectedOne" : "automation.selected", {
                    count: formatNumber(selectionCount),
                  })}
            </span>
          )}
          {allVisibleChosen && queue.hasMore && allOfFilter === null && (
            <button
              type="button"
              className="link-button"
              disabled={counting}
              onClick={() => void selectAllOfFilter()}
            >
              {counting ? t("automation.counting") : t("automation.selectAllOfFilter")}
            </button>
          )}
          {selectionCount > 0 && (
            <div className="button-row">
              <button
                type="button"
                className="button button-primary button-small"
                disabled={batchBusy || counting}
                onClick={() =>
                  setAsking({ decision: "approve", count: selectionCount, allOfFilter: allOfFilter !== null })
                }
              >
                {t("automation.batch.approveButton", { count: formatNumber(selectionCount) })}
              </button>
              <button
                type="button"
                className="button button-small"
                disabled={batchBusy || counting}
                onClick={() =>
                  setAsking({ decision: "reject", count: selectionCount, allOfFilter: allOfFilter !== null })
                }
              >
                {t("automation.batch.rejectButton", { count: formatNumber(selectionCount) })}
              </button>
              <button
                type="button"
                className="button button-ghost button-small"
                disabled={batchBusy}
                onClick={() => selectVisible(false)}
              >
                {t("automation.clearSelection")}
              </button>
            </div>
          )}
        </section>
      )}

      <QueueList
        tab={tab}
        queue={queue}
        canReview={canReview}
        selected={selected}
        onSelect={select}
        onChanged={onChanged}
        filtered={Boolean(ruleId || channel || facet)}
      />

      <ConfirmDialog
        open={asking !== null}
        title={
          asking
            ? batchQuestion(
                asking.decision,
                {
                  count: asking.count,
                  picked: !asking.allOfFilter,
                  ruleName: rule?.name,
                  channel,
                  facetValue: parsedFacet?.value,
                },
                t,
              )
            : ""
        }
        confirmLabel={
          asking?.decision === "reject"
            ? t("automation.batch.confirmReject", { count: formatNumber(asking.count) })
            : t("automation.batch.confirmApprove", { count: formatNumber(asking?.count ?? 0) })
        }
        danger={asking?.decision === "reject"}
        busy={batchBusy}
        onCancel={() => setAsking(null)}
        onConfirm={() => asking && void runBatch(asking.decision, asking.count, asking.allOfFilter)}
      >
        <p>
          {t(asking?.decision === "reject" ? "automation.batch.rejectNote" : "automation.batch.approveNote")}
        </p>
        {asking && asking.count >= MAX_BATCH && (
          <p className="muted small">{t("automation.batch.limit", { max: formatNumber(MAX_BATCH) })}</p>
        )}
      </ConfirmDialog>
      <Toast message={toast} onClose={closeToast} />
    </>
  );
}

function QueueList({
  tab,
  queue,
  canReview,
  selected,
  onSelect,
  onChanged,
  filtered,
}: {
  tab: QueueFilters["tab"];
  queue: ReturnType<typeof useDispatchQueue>;
  canReview: boolean;
  selected: ReadonlySet<string>;
  onSelect: (id: string, on: boolean) => void;
  onChanged: (next: DispatchView) => void;
  filtered: boolean;
}) {
  const t = useT();
  if (queue.loading && queue.items.length === 0) return <LoadingState />;
  if (queue.error && queue.items.length === 0)
    return <ProblemAlert error={queue.error} onRetry={queue.reload} />;
  if (queue.items.length === 0) {
    return filtered ? (
      <EmptyState title={t("automation.empty.filtered")} hint={t("automation.empty.filteredHint")} />
    ) : (
      <EmptyState title={t(`automation.empty.${tab}`)} hint={t(`automation.emptyHint.${tab}`)} />
    );
  }
  return (
    <>
      {canReview && tab === "pending" && (
        <p className="muted small automation-keys">{t("automation.keys")}</p>
      )}
      <ul className="dispatch-list" aria-label={t(`automation.tab.${tab}`)} aria-busy={queue.loading}>
        {queue.items.map((dispatch) => (
          <DispatchRow
            key={dispatch.id}
            dispatch={dispatch}
            canReview={canReview}
            selected={selected.has(dispatch.id)}
            onSelect={onSelect}
            onChanged={onChanged}
          />
        ))}
      </ul>
      <ProblemAlert error={queue.items.length > 0 ? queue.error : null} />
      {queue.hasMore && (
        <div className="load-more">
          <button type="button" className="button" onClick={queue.loadMore} disabled={queue.loadingMore}>
            {queue.loadingMore ? t("common.loading") : t("common.loadMore")}
          </button>
        </div>
      )}
    </>
  );
}
