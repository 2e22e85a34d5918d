import { type FormEvent, useState } from "react";
import { ApiError, api } from "../../api/client.ts";
import type { AdLibrarySettings } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { useT } from "../../i18n.ts";

const PLATFORMS = ["facebook", "instagram", "messenger", "audience_network", "threads"] as const;
type Platform = (typeof PLATFORMS)[number];

interface Draft {
  terms: string;
  countries: string;
  platforms: string[];
  enabled: boolean;
}

const draftOf = (settings: AdLibrarySettings): Draft => ({
  terms: settings.searchTerms.join("\n"),
  countries: settings.countries.join(", "),
  platforms: settings.publisherPlatforms,
  enabled: settings.enabled,
});

/** Search terms (one per line), countries (ISO codes), optional platforms and the weekly switch. */
export function SettingsForm({
  settings,
  onSaved,
}: {
  settings: AdLibrarySettings;
  onSaved: (saved: AdLibrarySettings) => void;
}) {
  const t = useT();
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const fieldErrors = new Map<string, string>();
  if (error instanceof ApiError) {
    for (const item of error.fieldErrors) {
      fieldErrors.set(item.field.replace(/^body\./, "").replace(/\.\d+$/, ""), item.message);
    }
  }
  const set = (changes: Partial<Draft>) => {
    setSaved(false);
    setDraft((current) => ({ ...current, ...changes }));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      searchTerms: draft.terms
        .split("\n")
        .map((term) => term.trim())
        .filter(Boolean),
      countries: draft.countries
        .split(/[,;\s]+/)
        .map((code) => code.trim().toUpperCase())
        .filter(Boolean),
      publisherPlatforms: draft.platforms,
      enabled: draft.enabled,
    };
    try {
      const result = await api<AdLibrarySettings>("/api/v1/ad-library/settings", { method: "PUT", body });
      setDraft(draftOf(result));
      setSaved(true);
      onSaved(result);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const togglePlatform = (platform: Platform, on: boolean) =>
    set({
      platforms: on ? [...draft.platforms, platform] : draft.platforms.filter((item) => item !== platform),
    });

  return (
    <section className="card" aria-labelledby="ad-library-settings-title">
      <h2 id="ad-library-settings-title">{t("adLibrary.settings")}</h2>
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <label className="field">
            <span>{t("adLibrary.field.terms")}</span>
            <textarea
              rows={4}
              value={draft.terms}
              onChange={(event) => set({ terms: event.target.value })}
              aria-invalid={fieldErrors.has("searchTerms") || undefined}
            />
            <small className="muted">{t("adLibrary.field.termsHint")}</small>
            {fieldErrors.get("searchTerms") && (
              <span className="error-text">{fieldErrors.get("searchTerms")}</span>
            )}
          </label>
          <label className="field">
            <span>{t("adLibrary.field.countries")}</span>
            <input
              value={draft.countries}
              placeholder="PT, ES, GB"
              spellCheck={false}
              onChange={(event) => set({ countries: event.target.value })}
              aria-invalid={fieldErrors.has("countries") || undefined}
            />
            <small className="muted">{t("adLibrary.field.countriesHint")}</small>
            {fieldErrors.get("countries") && (
              <span className="error-text">{fieldErrors.get("countries")}</span>
            )}
          </label>
          <fieldset className="field">
            <legend>{t("adLibrary.field.platforms")}</legend>
            {PLATFORMS.map((platform) => (
              <label key={platform} className="field field-inline">
                <input
                  type="checkbox"
                  checked={draft.platforms.includes(platform)}
                  onChange={(event) => togglePlatform(platform, event.target.checked)}
                />
                <span>{t(`adLibrary.platform.${platform}`)}</span>
              </label>
            ))}
          </fieldset>
          <label className="field field-inline">
            <input
              type="checkbox"
              checked={draft.enabled}
              onChange={(event) => set({ enabled: event.target.checked })}
            />
            <span>{t("adLibrary.field.enabled")}</span>
          </label>
        </div>
        {error !== null && !(error instanceof ApiError && error.fieldErrors.length > 0) && (
          <ProblemAlert error={error} />
        )}
        {saved && (
          <p className="alert alert-success" role="status">
            {t("adLibrary.saved")}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t("common.saving") : t("common.save")}
          </button>
        </div>
      </form>
    </section>
  );
}
