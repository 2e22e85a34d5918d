import { useEffect, useId, useMemo, useState } from "react";
import { api } from "../../api/client.ts";
import { useSession } from "../../api/session.ts";
import type {
  TriageChannel,
  TriageDecideResult,
  TriageDecision,
  TriageSender,
  TriageStatus,
} from "../../api/types.ts";
import { LoadMore } from "../../components/load-more.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState, Notice } from "../../components/status-states.tsx";
import { formatNumber } from "../../format.ts";
import { type PagedList, usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { navigate, useRoute } from "../../router.ts";
import { refreshTriageCounts, useTriageCounts } from "./triage-counts.ts";
import { TriageRow } from "./triage-row.tsx";
import {
  canAccept,
  canDecline,
  readTriageChannel,
  readTriageStatus,
  senderLabel,
  TRIAGE_CHANNELS,
  TRIAGE_STATUSES,
} from "./triage-sender.ts";

/** The server takes at most this many ids per batch decision. */
const BATCH_LIMIT = 100;

interface BatchOutcome {
  decision: TriageDecision;
  ok: number;
  failures: { id: string; name: string; error: string }[];
}

export function TriagePage() {
  const t = useT();
  const route = useRoute();
  const session = useSession();
  // Viewers may read but not decide; when the role is unknown, the server's 403 says so.
  const canDecide = session?.role !== "viewer";
  const status = readTriageStatus(route.query.get("status"));
  const channel = readTriageChannel(route.query.get("channel"));
  const query = useMemo(() => ({ status, channel, limit: 50 }), [status, channel]);
  const list = usePagedList<TriageSender>("/api/v1/triage", query);
  const counts = useTriageCounts();
  const channelId = useId();

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [batchBusy, setBatchBusy] = useState(false);
  const [batchOutcome, setBatchOutcome] = useState<BatchOutcome | null>(null);
  const [batchError, setBatchError] = useState<unknown>(null);
  const [rowErrors, setRowErrors] = useState<ReadonlyMap<string, string>>(new Map());

  // A new tab or channel is a new list: forget the selection and the last batch.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on a filter change only
  useEffect(() => {
    setSelected(new Set());
    setBatchOutcome(null);
    setBatchError(null);
    setRowErrors(new Map());
  }, [status, channel]);

  const setFilters = (next: { status: TriageStatus; channel: TriageChannel | "" }) => {
    const params = new URLSearchParams();
    if (next.status !== "pending") params.set("status", next.status);
    if (next.channel) params.set("channel", next.channel);
    navigate("/triage", { query: params, replace: true });
  };

  const selectable = list.items.filter(canAccept);
  const chosen = list.items.filter((item) => selected.has(item.id) && canAccept(item));
  const allSelected = selectable.length > 0 && selectable.every((item) => selected.has(item.id));

  const select = (id: string, on: boolean) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  async function decideSelected(decision: TriageDecision) {
    const targets = chosen.filter(decision === "accept" ? canAccept : canDecline);
    if (targets.length === 0) return;
    setBatchBusy(true);
    setBatchError(null);
    setBatchOutcome(null);
    const byId = new Map(targets.map((item) => [item.id, item]));
    const outcome: BatchOutcome = { decision, ok: 0, failures: [] };
    const errors = new Map<string, string>();
    try {
      for (let start = 0; start < targets.length; start += BATCH_LIMIT) {
        const ids = targets.slice(start, start + BATCH_LIMIT).map((item) => item.id);
        const answer = await api<TriageDecideResult>("/api/v1/triage/decide", {
          method: "POST",
          body: { ids, decision },
        });
        for (const result of answer.results) {
          const sender = byId.get(result.id);
          if (!sender) continue;
          if (result.ok) {
            outcome.ok += 1;
            list.replaceItem(
              (item) => item.id === result.id,
              decided(sender, decision, result.contactId, session),
            );
          } else {
            const error = result.error ?? t("common.error");
            outcome.failures.push({ id: result.id, name: senderLabel(sender, t), error });
            errors.set(result.id, error);
          }
        }
      }
    } catch (caught) {
      setBatchError(caught);
    } finally {
      setBatchBusy(false);
      setRowErrors(errors);
      setSelected(new Set());
      if (outcome.ok > 0 || outcome.failures.length > 0) setBatchOutcome(outcome);
      refreshTriageCounts();
    }
  }

  return (
    <main className="page triage-page">
      <div className="page-header">
        <h1>{t("triage.title")}</h1>
      </div>
      <p className="muted page-intro">{t("triage.intro")}</p>

      <section className="card toolbar">
        <div className="toolbar-row">
          <fieldset className="segmented">
            <legend className="visually-hidden">{t("triage.status")}</legend>
            {TRIAGE_STATUSES.map((item) => (
              <button
                key={item}
                type="button"
                className={item === status ? "segment active" : "segment"}
                aria-pressed={item === status}
                onClick={() => setFilters({ status: item, channel })}
              >
                {t(`triage.status.${item}`)}
                {counts && <span className="segment-count">{formatNumber(counts[item])}</span>}
              </button>
            ))}
          </fieldset>
          <label className="field field-compact" htmlFor={channelId}>
            <span>{t("triage.channel")}</span>
            <select
              id={channelId}
              value={channel}
              onChange={(event) => setFilters({ status, channel: readTriageChannel(event.target.value) })}
            >
              <option value="">{t("triage.allChannels")}</option>
              {TRIAGE_CHANNELS.map((item) => (
                <option key={item} value={item}>
                  {t(`channel.${item}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </section>

      {!canDecide && <p className="alert alert-info">{t("triage.viewerNote")}</p>}
      {batchOutcome && <BatchSummary outcome={batchOutcome} />}
      <ProblemAlert error={batchError} />

      {canDecide && chosen.length > 0 && (
        <section className="card batch-bar" aria-label={t("triage.selected", { count: chosen.length })}>
          <span className="batch-count">{t("triage.selected", { count: formatNumber(chosen.length) })}</span>
          <div className="button-row">
            <button
              type="button"
              className="button button-primary button-small"
              disabled={batchBusy}
              onClick={() => decideSelected("accept")}
            >
              {batchBusy ? t("triage.working") : t("triage.acceptSelected")}
            </button>
            {chosen.some(canDecline) && (
              <button
                type="button"
                className="button button-small"
                disabled={batchBusy}
                onClick={() => decideSelected("decline")}
              >
                {t("triage.declineSelected")}
              </button>
            )}
            <button
              type="button"
              className="button button-ghost button-small"
              disabled={batchBusy}
              onClick={() => setSelected(new Set())}
            >
              {t("triage.clearSelection")}
            </button>
          </div>
        </section>
      )}

      <TriageResults
        list={list}
        status={status}
        canDecide={canDecide}
        selected={selected}
        allSelected={allSelected}
        anySelectable={selectable.length > 0}
        onSelect={select}
        onSelectAll={(on) => setSelected(on ? new Set(selectable.map((item) => item.id)) : new Set())}
        rowErrors={rowErrors}
      />
    </main>
  );
}

/** The sender as it is after a batch decision (the batch answer carries no sender). */
function decided(
  sender: TriageSender,
  decision: TriageDecision,
  contactId: string | undefined,
  session: ReturnType<typeof useSession>,
): TriageSender {
  return {
    ...sender,
    status: decision === "accept" ? "accepted" : "declined",
    contactId: contactId ?? sender.contactId,
    decidedAt: new Date().toISOString(),
    // As the server records a signed-in user: by e-mail.
    decidedBy: session ? { type: "user", id: session.user.id, label: session.user.email } : null,
  };
}

function BatchSummary({ outcome }: { outcome: BatchOutcome }) {
  const t = useT();
  const count = formatNumber(outcome.ok);
  return (
    <>
      {outcome.ok > 0 && (
        <Notice>
          <span data-testid="triage-batch-summary">
            {outcome.decision === "accept"
              ? t("triage.batchAccepted", { count })
              : t("triage.batchDeclined", { count })}
          </span>
        </Notice>
      )}
      {outcome.failures.length > 0 && (
        <div className="alert alert-error" role="alert">
          <p>
            <strong>{t("triage.batchErrors", { count: formatNumber(outcome.failures.length) })}</strong>
          </p>
          <ul>
            {outcome.failures.map((failure) => (
              <li key={failure.id}>
                <strong>{failure.name}</strong>: {failure.error}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

interface ResultsProps {
  list: PagedList<TriageSender>;
  status: TriageStatus;
  canDecide: boolean;
  selected: ReadonlySet<string>;
  allSelected: boolean;
  anySelectable: boolean;
  onSelect: (id: string, on: boolean) => void;
  onSelectAll: (on: boolean) => void;
  rowErrors: ReadonlyMap<string, string>;
}

function TriageResults({
  list,
  status,
  canDecide,
  selected,
  allSelected,
  anySelectable,
  onSelect,
  onSelectAll,
  rowErrors,
}: ResultsProps) {
  const t = useT();
  if (list.loading && list.items.length === 0) return <LoadingState />;
  if (list.error && list.items.length === 0) return <ProblemAlert error={list.error} onRetry={list.reload} />;
  if (list.items.length === 0) {
    return (
      <EmptyState
        title={t(`triage.empty.${status}`)}
        hint={status === "pending" ? t("triage.emptyHint.pending") : undefined}
      />
    );
  }
  return (
    <section className={list.loading ? "results is-refreshing" : "results"} aria-busy={list.loading}>
      <p className="muted results-count">{t("triage.count", { count: formatNumber(list.items.length) })}</p>
      <div className="table-wrap">
        <table className="data-table triage-table">
          <thead>
            <tr>
              {canDecide && (
                <th className="cell-select">
                  <input
                    type="checkbox"
                    checked={allSelected}
                    disabled={!anySelectable}
                    aria-label={t("triage.selectAll")}
                    onChange={(event) => onSelectAll(event.target.checked)}
                  />
                </th>
              )}
              <th>{t("triage.col.sender")}</th>
              <th>{t("triage.col.lastMessage")}</th>
              <th className="numeric">{t("triage.col.messages")}</th>
              <th>{t("triage.col.when")}</th>
              <th>{t("triage.col.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((sender) => (
              <TriageRow
                key={sender.id}
                sender={sender}
                canDecide={canDecide}
                selected={selected.has(sender.id)}
                onSelect={onSelect}
                onChanged={(next) => list.replaceItem((item) => item.id === next.id, next)}
                batchError={rowErrors.get(sender.id) ?? null}
              />
            ))}
          </tbody>
        </table>
      </div>
      <ProblemAlert error={list.error} />
      <LoadMore list={list} />
    </section>
  );
}
