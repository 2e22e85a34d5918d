import { type DragEvent, type FormEvent, useRef, useState } from "react";
import { api } from "../../api/client.ts";
import type { ImportJob } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState } from "../../components/status-states.tsx";
import { useT } from "../../i18n.ts";
import { ImportProgress } from "./import-progress.tsx";

const ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

function isAccepted(file: File): boolean {
  return /\.(csv|xlsx)$/i.test(file.name);
}

/** This session's imports, kept while the app is open (newest first). */
let sessionImports: ImportJob[] = [];

export function ImportsPage() {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [quiet, setQuiet] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [localError, setLocalError] = useState("");
  const [imports, setImports] = useState<ImportJob[]>(sessionImports);

  function choose(next: File | null | undefined) {
    setError(null);
    if (!next) return;
    if (!isAccepted(next)) {
      setLocalError(t("imports.wrongType"));
      setFile(null);
      return;
    }
    setLocalError("");
    setFile(next);
  }

  function onDrop(event: DragEvent<HTMLElement>) {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) {
      setLocalError(t("imports.chooseFirst"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const id = await upload(file, quiet);
      const job: ImportJob = {
        id,
        filename: file.name,
        format: /\.xlsx$/i.test(file.name) ? "xlsx" : "csv",
        status: "queued",
        total: null,
        processed: 0,
        created: 0,
        merged: 0,
        failed: 0,
        mapping: null,
        quiet,
        error: null,
        createdAt: new Date().toISOString(),
        finishedAt: null,
      };
      sessionImports = [job, ...sessionImports].slice(0, 10);
      setImports(sessionImports);
      setFile(null);
      if (input.current) input.current.value = "";
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="page">
      <div className="page-header">
        <h1>{t("imports.title")}</h1>
      </div>
      <p className="muted">{t("imports.intro")}</p>
      <section className="card" aria-labelledby="import-upload-title">
        <h2 id="import-upload-title">{t("imports.upload")}</h2>
        <form onSubmit={submit} noValidate>
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
            <span className="muted">{t("imports.formats")}</span>
            <input
              ref={input}
              type="file"
              accept={ACCEPT}
              aria-label={t("imports.file")}
              onChange={(event) => choose(event.target.files?.[0])}
            />
          </label>
          {localError && (
            <p className="field-error" role="alert">
              {localError}
            </p>
          )}
          <label className="toggle">
            <input type="checkbox" checked={quiet} onChange={(event) => setQuiet(event.target.checked)} />
            {t("imports.quiet")}
          </label>
          <ProblemAlert error={error} />
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy || !file}>
              {busy ? t("imports.sending") : t("imports.start")}
            </button>
          </div>
        </form>
      </section>
      <section aria-labelledby="import-list-title">
        <h2 id="import-list-title">{t("imports.session")}</h2>
        {imports.length === 0 ? (
          <EmptyState title={t("imports.empty")} hint={t("imports.emptyHint")} />
        ) : (
          imports.map((job) => <ImportProgress key={job.id} initial={job} />)
        )}
      </section>
    </main>
  );
}

/** POSTs the file as multipart; resolves to the import's id. */
async function upload(file: File, quiet: boolean): Promise<string> {
  const form = new FormData();
  form.append("quiet", quiet ? "true" : "false");
  form.append("file", file, file.name);
  const created = await api<{ id: string }>("/api/v1/imports", { method: "POST", body: form });
  return created.id;
}
