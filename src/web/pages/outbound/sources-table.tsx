import { useState } from "react";
import { api } from "../../api/client.ts";
import type { OutboundSource } from "../../api/types.ts";
import { LoadMore } from "../../components/load-more.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { formatDateTime } from "../../format.ts";
import type { PagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { SourceForm } from "./source-form.tsx";

/** The workspace's sources: run now, edit, delete. */
export function SourcesTable({
  list,
  onStarted,
}: {
  list: PagedList<OutboundSource>;
  onStarted: (runId: string) => void;
}) {
  const t = useT();
  const [editing, setEditing] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function runNow(source: OutboundSource) {
    setBusy(source.id);
    setError(null);
    try {
      const run = await api<{ id: string }>(`/api/v1/outbound/sources/${source.id}/run`, { method: "POST" });
      onStarted(run.id);
      list.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  }

  async function remove(source: OutboundSource) {
    if (!window.confirm(t("outbound.confirmDelete", { name: source.name }))) return;
    setBusy(source.id);
    setError(null);
    try {
      await api(`/api/v1/outbound/sources/${source.id}`, { method: "DELETE" });
      list.replaceItem((item) => item.id === source.id, null);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  }

  if (list.loading && list.items.length === 0) return <LoadingState />;
  if (list.error && list.items.length === 0) return <ProblemAlert error={list.error} onRetry={list.reload} />;
  if (list.items.length === 0) {
    return <EmptyState title={t("outbound.sourcesEmpty")} hint={t("outbound.sourcesEmptyHint")} />;
  }
  const edited = list.items.find((item) => item.id === editing) ?? null;
  return (
    <section className="results" aria-busy={list.loading}>
      <ProblemAlert error={error} />
      <div className="table-wrap">
        <table className="data-table outbound-sources">
          <thead>
            <tr>
              <th>{t("outbound.field.name")}</th>
              <th>{t("outbound.field.kind")}</th>
              <th>{t("outbound.field.schedule")}</th>
              <th>{t("outbound.lastRun")}</th>
              <th>{t("outbound.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((source) => (
              <tr key={source.id} data-source-id={source.id}>
                <td>
                  <strong>{source.name}</strong>
                  {!source.enabled && <span className="badge">{t("outbound.disabled")}</span>}
                  <br />
                  <span className="muted">{source.url}</span>
                </td>
                <td>{t(`outbound.kind.${source.kind}`)}</td>
                <td>{t(`outbound.schedule.${source.schedule}`)}</td>
                <td>
                  {source.lastRun ? (
                    <>
                      <span className={`badge badge-import-${source.lastRun.status}`}>
                        {t(`outbound.status.${source.lastRun.status}`)}
                      </span>{" "}
                      <span className="muted">{formatDateTime(source.lastRun.createdAt)}</span>
                    </>
                  ) : (
                    t("common.none")
                  )}
                </td>
                <td>
                  <button
                    type="button"
                    className="button button-primary button-small"
                    disabled={!source.enabled || busy === source.id}
                    onClick={() => void runNow(source)}
                  >
                    {t("outbound.runNow")}
                  </button>{" "}
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => setEditing(editing === source.id ? null : source.id)}
                  >
                    {t("common.edit")}
                  </button>{" "}
                  <button
                    type="button"
                    className="button button-ghost button-small"
                    disabled={busy === source.id}
                    onClick={() => void remove(source)}
                  >
                    {t("common.delete")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {edited && (
        <SourceForm
          key={edited.id}
          source={edited}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            list.replaceItem((item) => item.id === saved.id, saved);
            setEditing(null);
          }}
        />
      )}
      <LoadMore list={list} />
    </section>
  );
}
