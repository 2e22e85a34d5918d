import { type DragEvent, useCallback, useEffect, useRef, useState } from "react";
import type { ImportMappingView, ImportPreview } from "../../../imports/schemas.ts";
import { api, isAbort } from "../../api/client.ts";
import type { ImportJob } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState } from "../../components/status-states.tsx";
import { useT } from "../../i18n.ts";
import { ColumnMapping } from "./column-mapping.tsx";
import { ImportProgress } from "./import-progress.tsx";
import { SavedMappings } from "./saved-mappings.tsx";
import { uploadDraft } from "./upload-draft.ts";

const ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

function isAccepted(file: File): boolean {
  return /\.(csv|xlsx)$/i.test(file.name);
}

/** This session's imports, kept while the app is open (newest first). */
let sessionImports: ImportJob[] = [];

/**
 * Imports: a chosen file is uploaded at once as a draft (with its progress), its columns are shown
 * with sample values and a choice each, and Start runs it; progress follows below.
 */
/** Best effort: a draft left behind is pruned by the server after a day anyway. */
function discardDraft(id: string) {
  void api(`/api/v1/imports/${id}`, { method: "DELETE" }).catch(() => undefined);
}

export function ImportsPage() {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  const uploading = useRef<AbortController | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [draft, setDraft] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [localError, setLocalError] = useState("");
  const [imports, setImports] = useState<ImportJob[]>(sessionImports);
  const [mappings, setMappings] = useState<ImportMappingView[]>([]);
  const [mappingsLoading, setMappingsLoading] = useState(true);
  const [mappingsError, setMappingsError] = useState<unknown>(null);

  const loadMappings = useCallback(async () => {
    setMappingsLoading(true);
    setMappingsError(null);
    try {
      const list = await api<{ items: ImportMappingView[] }>("/api/v1/import-mappings");
      setMappings(list.items);
    } catch (caught) {
      setMappingsError(caught);
    } finally {
      setMappingsLoading(false);
    }
  }, []);

  useEffect(() => {
    void loadMappings();
    return () => uploading.current?.abort();
  }, [loadMappings]);

  async function choose(next: File | null | undefined) {
    setError(null);
    if (!next) return;
    if (!isAccepted(next)) {
      setLocalError(t("imports.wrongType"));
      return;
    }
    setLocalError("");
    uploading.current?.abort();
    // Another file replaces the draft on screen; the old upload is not kept on the server.
    if (draft) discardDraft(draft.id);
    const controller = new AbortController();
    uploading.current = controller;
    setFile(next);
    setDraft(null);
    setProgress(0);
    try {
      const preview = await uploadDraft(next, setProgress, controller.signal);
      if (controller.signal.aborted) return;
      setDraft(preview);
    } catch (caught) {
      if (isAbort(caught)) return;
      setError(caught);
      setFile(null);
    } finally {
      if (uploading.current === controller) {
        uploading.current = null;
        setProgress(null);
      }
    }
  }

  function onDrop(event: DragEvent<HTMLElement>) {
    event.preventDefault();
    setDragging(false);
    void choose(event.dataTransfer.files[0]);
  }

  function discard() {
    if (draft) discardDraft(draft.id);
    setDraft(null);
    setFile(null);
    if (input.current) input.current.value = "";
  }

  function started(job: ImportJob, savedMapping: boolean) {
    sessionImports = [job, ...sessionImports].slice(0, 10);
    setImports(sessionImports);
    setDraft(null);
    setFile(null);
    if (input.current) input.current.value = "";
    if (savedMapping) void loadMappings();
  }

  const percent = progress === null ? 0 : Math.round(progress * 100);
  return (
    <main className="page">
      <div className="page-header">
        <h1>{t("imports.title")}</h1>
      </div>
      <p className="muted">{t("imports.intro")}</p>
      <section className="card" aria-labelledby="import-upload-title">
        <h2 id="import-upload-title">{t("imports.upload")}</h2>
        <label
          className={dragging ? "drop-zone is-dragging" : "drop-zone"}
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <span className="drop-zone-title">{file ? file.name : t("imports.dropHere")}</span>
          <span className="muted">{draft ? t("imports.chooseAnother") : t("imports.formats")}</span>
          <input
            ref={input}
            type="file"
            accept={ACCEPT}
            aria-label={t("imports.file")}
            disabled={progress !== null && progress >= 1}
            onChange={(event) => void choose(event.target.files?.[0])}
          />
        </label>
        {progress !== null && (
          <div role="status" aria-live="polite">
            <progress
              className="progress"
              max={100}
              value={percent}
              aria-label={t("imports.uploadProgress")}
              aria-valuetext={`${percent}%`}
            />
            <p className="muted">
              {progress < 1 ? t("imports.uploading", { percent }) : t("imports.reading")}
            </p>
          </div>
        )}
        {localError && (
          <p className="field-error" role="alert">
            {localError}
          </p>
        )}
        <ProblemAlert error={error} />
      </section>
      {draft && (
        <ColumnMapping
          key={draft.id}
          draft={draft}
          mappings={mappings}
          onStarted={started}
          onDiscard={discard}
        />
      )}
      <section aria-labelledby="import-list-title">
        <h2 id="import-list-title">{t("imports.session")}</h2>
        {imports.length === 0 ? (
          <EmptyState title={t("imports.empty")} hint={t("imports.emptyHint")} />
        ) : (
          imports.map((job) => <ImportProgress key={job.id} initial={job} />)
        )}
      </section>
      <SavedMappings
        mappings={mappings}
        loading={mappingsLoading}
        loadError={mappingsError}
        onRetry={() => void loadMappings()}
        onDeleted={(id) => setMappings((current) => current.filter((mapping) => mapping.id !== id))}
      />
    </main>
  );
}
