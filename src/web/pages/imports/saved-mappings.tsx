import { useState } from "react";
import type { ImportMappingView } from "../../../imports/schemas.ts";
import { api } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { formatNumber } from "../../format.ts";
import { useT } from "../../i18n.ts";

/** The workspace's saved mappings, each with a delete button. */
export function SavedMappings({
  mappings,
  loading,
  loadError,
  onRetry,
  onDeleted,
}: {
  mappings: ImportMappingView[];
  loading: boolean;
  loadError: unknown;
  onRetry: () => void;
  onDeleted: (id: string) => void;
}) {
  const t = useT();
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function remove(mapping: ImportMappingView) {
    if (!window.confirm(t("imports.confirmDeleteMapping", { name: mapping.name }))) return;
    setDeleting(mapping.id);
    setError(null);
    try {
      await api(`/api/v1/import-mappings/${mapping.id}`, { method: "DELETE" });
      onDeleted(mapping.id);
    } catch (caught) {
      setError(caught);
    } finally {
      setDeleting(null);
    }
  }

  return (
    <section className="card" aria-labelledby="import-mappings-title">
      <h2 id="import-mappings-title">{t("imports.mappings")}</h2>
      {loadError ? (
        <ProblemAlert error={loadError} onRetry={onRetry} />
      ) : loading ? (
        <LoadingState />
      ) : mappings.length === 0 ? (
        <EmptyState title={t("imports.mappingsEmpty")} hint={t("imports.mappingsHint")} />
      ) : (
        <ul className="saved-mappings" data-testid="saved-mappings">
          {mappings.map((mapping) => (
            <li key={mapping.id} className="connection-header">
              <strong>{mapping.name}</strong>
              <span className="muted">
                {t("imports.mappingColumns", { count: formatNumber(Object.keys(mapping.columns).length) })}
              </span>
              <button
                type="button"
                className="button button-small button-danger"
                aria-label={t("imports.deleteMapping", { name: mapping.name })}
                disabled={deleting === mapping.id}
                onClick={() => void remove(mapping)}
              >
                {t("common.delete")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ProblemAlert error={error} />
    </section>
  );
}
