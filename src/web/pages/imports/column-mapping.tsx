import { type FormEvent, useState } from "react";
import type { ColumnChoice, ImportMappingView, ImportPreview } from "../../../imports/schemas.ts";
import { api } from "../../api/client.ts";
import type { ImportJob } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { formatNumber } from "../../format.ts";
import { type MessageKey, useT } from "../../i18n.ts";

/** Every choice a column can take, lead fields first (the record makes a new one fail `tsc` until labelled). */
const CHOICE_LABELS: Record<ColumnChoice, MessageKey> = {
  name: "imports.choice.name",
  email: "imports.choice.email",
  phone: "imports.choice.phone",
  instagram: "imports.choice.instagram",
  city: "imports.choice.city",
  interest: "imports.choice.interest",
  income: "imports.choice.income",
  source: "imports.choice.source",
  utm_source: "imports.choice.utm_source",
  utm_medium: "imports.choice.utm_medium",
  utm_campaign: "imports.choice.utm_campaign",
  custom: "imports.choice.custom",
  ignore: "imports.choice.ignore",
};
const OTHER_CHOICES: ColumnChoice[] = ["custom", "ignore"];
const LEAD_CHOICES = (Object.keys(CHOICE_LABELS) as ColumnChoice[]).filter(
  (choice) => !OTHER_CHOICES.includes(choice),
);
const SAMPLES = 3;

function isChoice(value: string): value is ColumnChoice {
  return value in CHOICE_LABELS;
}

/** Up to three non-empty values of a column, from the preview's rows. */
function samplesOf(preview: ImportPreview, index: number): string[] {
  const values: string[] = [];
  for (const row of preview.rows) {
    const value = (row[index] ?? "").trim();
    if (value !== "" && !values.includes(value)) values.push(value);
    if (values.length >= SAMPLES) break;
  }
  return values;
}

/** Lead fields chosen for more than one column. */
function repeatedFields(choices: ColumnChoice[]): Set<ColumnChoice> {
  const seen = new Set<ColumnChoice>();
  const repeated = new Set<ColumnChoice>();
  for (const choice of choices) {
    if (OTHER_CHOICES.includes(choice)) continue;
    if (seen.has(choice)) repeated.add(choice);
    seen.add(choice);
  }
  return repeated;
}

interface StartAnswer {
  id: string;
  status: "queued";
  mappingId: string | null;
}

/**
 * The draft's columns: header, sample values and a choice each (prefilled from the suggestion), a
 * saved-mapping picker, "save as…", the quiet option and Start.
 */
export function ColumnMapping({
  draft,
  mappings,
  onStarted,
  onDiscard,
}: {
  draft: ImportPreview;
  mappings: ImportMappingView[];
  onStarted: (job: ImportJob, savedMapping: boolean) => void;
  /** The person gives up this file: the draft is deleted on the server. */
  onDiscard: () => void;
}) {
  const t = useT();
  const [preview, setPreview] = useState(draft);
  const [choices, setChoices] = useState<ColumnChoice[]>(draft.columns.map((column) => column.field));
  const [quiet, setQuiet] = useState(draft.quiet);
  const [saveAs, setSaveAs] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const repeated = repeatedFields(choices);

  async function pickMapping(value: string) {
    setBusy(true);
    setError(null);
    try {
      const next = await api<ImportPreview>(`/api/v1/imports/${draft.id}/preview`, {
        query: { mapping: value || "none" },
      });
      setPreview(next);
      setChoices(next.columns.map((column) => column.field));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  function choose(index: number, value: string) {
    if (!isChoice(value)) return;
    setChoices((current) => current.map((choice, at) => (at === index ? value : choice)));
  }

  async function start(event: FormEvent) {
    event.preventDefault();
    if (repeated.size > 0) return;
    setBusy(true);
    setError(null);
    const columns: Record<string, ColumnChoice> = {};
    preview.header.forEach((header, index) => {
      const choice = choices[index];
      if (header.trim() !== "" && choice) columns[header] = choice;
    });
    const name = saveAs.trim();
    try {
      const started = await api<StartAnswer>(`/api/v1/imports/${draft.id}/start`, {
        method: "POST",
        body: { columns, quiet, ...(name ? { saveMappingAs: name } : {}) },
      });
      onStarted(
        {
          id: started.id,
          filename: draft.filename,
          format: draft.format,
          status: started.status,
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
        },
        started.mappingId !== null,
      );
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  const format =
    preview.format === "xlsx"
      ? t("imports.formatXlsx")
      : t("imports.formatCsv", {
          delimiter: preview.delimiter ?? ",",
          encoding: preview.encoding === "windows-1252" ? "Windows-1252 (Latin-1)" : "UTF-8",
        });
  const selectedMapping = preview.mapping?.id ?? "";
  return (
    <section className="card" aria-labelledby="import-map-title" data-testid="import-mapping">
      <h2 id="import-map-title">
        {t("imports.mapTitle", { file: draft.filename || t("imports.untitled") })}
      </h2>
      <p className="muted">
        {t("imports.mapIntro")} {format} ·{" "}
        {t("imports.sampleRows", { count: formatNumber(preview.rows.length) })}
      </p>
      <form onSubmit={start} noValidate>
        <div className="form-grid">
          <label className="field">
            <span>{t("imports.savedMapping")}</span>
            <select
              value={selectedMapping}
              disabled={busy}
              onChange={(event) => void pickMapping(event.target.value)}
            >
              <option value="">{t("imports.savedMappingNone")}</option>
              {mappings.map((mapping) => (
                <option key={mapping.id} value={mapping.id}>
                  {mapping.name}
                </option>
              ))}
              {preview.mapping && !mappings.some((mapping) => mapping.id === preview.mapping?.id) && (
                <option value={preview.mapping.id}>{preview.mapping.name}</option>
              )}
            </select>
          </label>
        </div>
        <p className="muted" data-testid="import-suggestion">
          {preview.mapping
            ? t("imports.suggestedFrom", { name: preview.mapping.name })
            : t("imports.suggestedDefault")}
        </p>
        {preview.rows.length === 0 && <p className="muted">{t("imports.noRows")}</p>}
        <div className="table-wrap column-mapping-table">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("imports.column")}</th>
                <th scope="col">{t("imports.samples")}</th>
                <th scope="col">{t("imports.importAs")}</th>
              </tr>
            </thead>
            <tbody>
              {preview.columns.map((column, index) => {
                const header = preview.header[index] ?? column.column;
                const choice = choices[index] ?? column.field;
                const samples = samplesOf(preview, index);
                const isRepeated = repeated.has(choice);
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional and never reordered
                  <tr key={index} data-column={header}>
                    <td>
                      <strong>{header || <span className="muted">{t("imports.noHeader")}</span>}</strong>
                      {column.source === "mapping" && choice === column.field && (
                        <span className="muted"> · {t("imports.fromMapping")}</span>
                      )}
                    </td>
                    <td>
                      {samples.length === 0 ? (
                        <span className="muted">{t("imports.noSamples")}</span>
                      ) : (
                        samples.join(" · ")
                      )}
                    </td>
                    <td>
                      <select
                        value={choice}
                        aria-label={t("imports.choiceFor", { column: header || t("imports.noHeader") })}
                        aria-invalid={isRepeated ? true : undefined}
                        onChange={(event) => choose(index, event.target.value)}
                      >
                        <optgroup label={t("imports.groupLead")}>
                          {LEAD_CHOICES.map((value) => (
                            <option key={value} value={value}>
                              {t(CHOICE_LABELS[value])}
                            </option>
                          ))}
                        </optgroup>
                        <optgroup label={t("imports.groupOther")}>
                          {OTHER_CHOICES.map((value) => (
                            <option key={value} value={value}>
                              {t(CHOICE_LABELS[value])}
                            </option>
                          ))}
                        </optgroup>
                      </select>
                      {isRepeated && (
                        <p className="field-error">
                          {t("imports.duplicateField", { field: t(CHOICE_LABELS[choice]) })}
                        </p>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div className="form-grid">
          <label className="field">
            <span>{t("imports.saveAs")}</span>
            <input
              value={saveAs}
              maxLength={120}
              onChange={(event) => setSaveAs(event.target.value)}
              aria-describedby="import-save-as-hint"
            />
            <small id="import-save-as-hint">{t("imports.saveAsHint")}</small>
          </label>
        </div>
        <label className="toggle">
          <input type="checkbox" checked={quiet} onChange={(event) => setQuiet(event.target.checked)} />
          {t("imports.quiet")}
        </label>
        <ProblemAlert error={error} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy || repeated.size > 0}>
            {busy ? t("imports.starting") : t("imports.start")}
          </button>
          <button type="button" className="button" disabled={busy} onClick={onDiscard}>
            {t("imports.discard")}
          </button>
        </div>
      </form>
    </section>
  );
}
