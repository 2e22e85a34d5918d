import { useMemo } from "react";
import type { Connection, InboxEvent, Page } from "../../api/types.ts";
import { LoadMore } from "../../components/load-more.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { type PagedList, usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { navigate, useRoute } from "../../router.ts";
import { EventRow } from "./event-row.tsx";

const STATUSES = ["failed", "received", "processed"] as const;
type StatusFilter = (typeof STATUSES)[number] | "all";

function readStatus(value: string | null): StatusFilter {
  if (value === "all") return "all";
  return STATUSES.find((status) => status === value) ?? "failed";
}

export function EventsPage() {
  const t = useT();
  const route = useRoute();
  const status = readStatus(route.query.get("status"));
  const connectionId = route.query.get("connectionId") ?? "";
  const query = useMemo(
    () => ({ status: status === "all" ? undefined : status, connectionId, limit: 50 }),
    [status, connectionId],
  );
  const list = usePagedList<InboxEvent>("/api/v1/events", query);
  const connections = useApi<Page<Connection>>("/api/v1/connections");

  const setQuery = (next: { status: StatusFilter; connectionId: string }) => {
    const params = new URLSearchParams();
    if (next.status !== "failed") params.set("status", next.status);
    if (next.connectionId) params.set("connectionId", next.connectionId);
    navigate("/events", { query: params, replace: true });
  };

  return (
    <main className="page">
      <div className="page-header">
        <h1>{t("events.title")}</h1>
      </div>
      <section className="card toolbar">
        <div className="toolbar-row">
          <label className="field field-compact">
            <span>{t("events.status")}</span>
            <select
              value={status}
              onChange={(event) => setQuery({ status: readStatus(event.target.value), connectionId })}
            >
              {STATUSES.map((item) => (
                <option key={item} value={item}>
                  {t(`events.status.${item}`)}
                </option>
              ))}
              <option value="all">{t("common.all")}</option>
            </select>
          </label>
          <label className="field field-compact">
            <span>{t("events.connection")}</span>
            <select
              value={connectionId}
              onChange={(event) => setQuery({ status, connectionId: event.target.value })}
            >
              <option value="">{t("events.allConnections")}</option>
              {(connections.data?.items ?? []).map((connection) => (
                <option key={connection.id} value={connection.id}>
                  {connection.name} ({connection.type})
                </option>
              ))}
            </select>
          </label>
        </div>
      </section>
      <EventsResults list={list} status={status} />
    </main>
  );
}

function EventsResults({ list, status }: { list: PagedList<InboxEvent>; status: StatusFilter }) {
  const t = useT();
  if (list.loading && list.items.length === 0) return <LoadingState />;
  if (list.error && list.items.length === 0) return <ProblemAlert error={list.error} onRetry={list.reload} />;
  if (list.items.length === 0) {
    return (
      <EmptyState
        title={t("events.empty")}
        hint={status === "failed" ? t("events.emptyFailedHint") : undefined}
      />
    );
  }
  return (
    <section className="results" aria-busy={list.loading}>
      <div className="table-wrap">
        <table className="data-table events-table">
          <thead>
            <tr>
              <th>{t("events.col.receivedAt")}</th>
              <th>{t("events.col.source")}</th>
              <th>{t("events.col.status")}</th>
              <th className="numeric">{t("events.col.attempts")}</th>
              <th>{t("events.col.error")}</th>
              <th>{t("events.col.contact")}</th>
              <th>{t("events.col.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((event) => (
              <EventRow
                key={event.id}
                event={event}
                onReplayed={(updated) => list.replaceItem((item) => item.id === updated.id, updated)}
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
