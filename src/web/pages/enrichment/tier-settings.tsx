import { useEffect, useState } from "react";
import { api } from "../../api/client.ts";
import type { TierSettingsView } from "../../api/types.ts";
import { NumberInput } from "../../components/number-input.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { Notice } from "../../components/status-states.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";

type Tier = TierSettingsView["tiers"][number];

/** The workspace's creator tiers: minimum followers and engagement per tier, editable. */
export function TierSettings() {
  const t = useT();
  const settings = useApi<TierSettingsView>("/api/v1/enrichment/tiers");
  const [tiers, setTiers] = useState<Tier[]>([]);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState("");
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (settings.data) setTiers(settings.data.tiers);
  }, [settings.data]);

  const update = (index: number, patch: Partial<Tier>) =>
    setTiers((current) => current.map((tier, i) => (i === index ? { ...tier, ...patch } : tier)));

  async function save() {
    setSaving(true);
    setError(null);
    setNotice("");
    try {
      await api("/api/v1/enrichment/tiers", { method: "PUT", body: { tiers } });
      setNotice(t("enrichment.tiers.saved"));
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="card" aria-labelledby="enrichment-tiers-title">
      <h2 id="enrichment-tiers-title">{t("enrichment.tiers.title")}</h2>
      <p className="muted">{t("enrichment.tiers.intro")}</p>
      {notice && <Notice>{notice}</Notice>}
      <ProblemAlert error={error ?? settings.error} onRetry={settings.reload} />
      <table className="data-table">
        <thead>
          <tr>
            <th>{t("enrichment.tiers.label")}</th>
            <th className="numeric">{t("enrichment.tiers.minFollowers")}</th>
            <th className="numeric">{t("enrichment.tiers.minEngagement")}</th>
          </tr>
        </thead>
        <tbody>
          {tiers.map((tier, index) => (
            <tr key={tier.id}>
              <td>{tier.label}</td>
              <td className="numeric">
                <NumberInput
                  aria-label={`${t("enrichment.tiers.minFollowers")} ${tier.label}`}
                  value={tier.minFollowers}
                  onValue={(minFollowers) => update(index, { minFollowers })}
                />
              </td>
              <td className="numeric">
                <NumberInput
                  integer={false}
                  aria-label={`${t("enrichment.tiers.minEngagement")} ${tier.label}`}
                  value={Math.round(tier.minEngagementRate * 10_000) / 100}
                  onValue={(percent) => update(index, { minEngagementRate: percent / 100 })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="page-actions">
        <button
          type="button"
          className="button button-primary"
          onClick={save}
          disabled={saving || tiers.length === 0}
        >
          {saving ? t("common.saving") : t("common.save")}
        </button>
      </div>
    </section>
  );
}
