import { useState } from "react";
import { api } from "../../api/client.ts";
import type { LeadDetail, UndoMergeResult } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { Notice } from "../../components/status-states.tsx";
import { formatDateTime } from "../../format.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";

type Merge = LeadDetail["merges"][number];

/** Who was folded into this lead, each with an undo button. */
export function LeadMerges({ merges, onChanged }: { merges: Merge[]; onChanged: () => void }) {
  const t = useT();
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [undone, setUndone] = useState<UndoMergeResult | null>(null);

  async function undo(merge: Merge) {
    setBusyId(merge.id);
    setError(null);
    try {
      const result = await api<UndoMergeResult>(`/api/v1/merges/${merge.id}/undo`, { method: "POST" });
      setUndone(result);
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusyId(null);
    }
  }

  return (
    <section className="card" aria-labelledby="merges-title">
      <h2 id="merges-title">{t("lead.merges")}</h2>
      {undone && (
        <Notice>
          {t("lead.mergeUndone")}{" "}
          {undone.restoredId !== undone.targetId && (
            <a href={href(`/leads/${undone.restoredId}`)}>{t("lead.openRestored")}</a>
          )}
        </Notice>
      )}
      <ProblemAlert error={error} />
      {merges.length === 0 ? (
        <p className="muted">{t("lead.noMerges")}</p>
      ) : (
        <ul className="merge-list">
          {merges.map((merge) => (
            <li key={merge.id}>
              <div>
                <div>
                  {merge.sourceId
                    ? t("lead.mergedFrom", { id: merge.sourceId.slice(0, 8) })
                    : t("lead.mergedTouch")}
                </div>
                <time className="muted small" dateTime={merge.at}>
                  {formatDateTime(merge.at)}
                </time>
              </div>
              {merge.undoneAt ? (
                <span className="muted small">
                  {t("lead.undone", { at: formatDateTime(merge.undoneAt) })}
                </span>
              ) : (
                <button
                  type="button"
                  className="button button-small"
                  disabled={busyId !== null}
                  onClick={() => undo(merge)}
                >
                  {busyId === merge.id ? t("lead.undoing") : t("lead.undoMerge")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
