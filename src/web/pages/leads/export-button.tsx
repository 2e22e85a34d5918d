import { useState } from "react";
import { apiFetch } from "../../api/client.ts";
import { useT } from "../../i18n.ts";
import { type LeadFilters, toApiFilters } from "./lead-filters.ts";

function fileNameFrom(disposition: string | null): string {
  const match = /filename="?([^";]+)"?/i.exec(disposition ?? "");
  return match?.[1] ?? "leads.csv";
}

/** Downloads the filtered leads as CSV (a fetch with the token, then a blob link). */
export function ExportButton({
  filters,
  onError,
}: {
  filters: LeadFilters;
  onError: (error: unknown) => void;
}) {
  const t = useT();
  const [busy, setBusy] = useState(false);

  async function download() {
    setBusy(true);
    onError(null);
    try {
      const response = await apiFetch("/api/v1/leads/export.csv", {
        query: { ...toApiFilters(filters), deleted: filters.deleted ? "true" : undefined },
      });
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = fileNameFrom(response.headers.get("content-disposition"));
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (caught) {
      onError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <button type="button" className="button" onClick={download} disabled={busy}>
      {busy ? t("leads.exporting") : t("leads.exportCsv")}
    </button>
  );
}
