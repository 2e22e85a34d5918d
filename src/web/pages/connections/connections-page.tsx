import type { Connection } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";
import { ConnectionCard } from "./connection-card.tsx";
import { NewConnectionForm } from "./new-connection-form.tsx";

export function ConnectionsPage() {
  const t = useT();
  const list = useApi<{ items: Connection[] }>("/api/v1/connections");
  const items = list.data?.items ?? [];
  return (
    <main className="page">
      <div className="page-header">
        <h1>{t("connections.title")}</h1>
      </div>
      <p className="muted">{t("connections.intro")}</p>
      <NewConnectionForm onCreated={list.reload} />
      {list.loading && !list.data ? (
        <LoadingState />
      ) : list.error && !list.data ? (
        <ProblemAlert error={list.error} onRetry={list.reload} />
      ) : items.length === 0 ? (
        <EmptyState title={t("connections.empty")} hint={t("connections.emptyHint")} />
      ) : (
        <section className="connection-list" aria-label={t("connections.title")} aria-busy={list.loading}>
          {items.map((connection) => (
            <ConnectionCard key={connection.id} connection={connection} />
          ))}
        </section>
      )}
    </main>
  );
}
