import { type ReactNode, useState } from "react";
import { api } from "../../api/client.ts";
import type { LeadEnrichment } from "../../api/types.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { TagList } from "../../components/tag-list.tsx";
import { formatDateTime, formatNumber } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { type MessageKey, useT } from "../../i18n.ts";
import { enrichmentLabel, formatPercent } from "../enrichment/enrichment-labels.ts";

type Field = LeadEnrichment["fields"][number];

/** Enrichment on the lead page: values with their source and date, freshness, status, "run again". */
export function LeadEnrichmentPanel({ leadId }: { leadId: string }) {
  const t = useT();
  const state = useApi<LeadEnrichment>(`/api/v1/leads/${encodeURIComponent(leadId)}/enrichment`);
  const [queued, setQueued] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const data = state.data;

  async function rerun() {
    setError(null);
    try {
      await api(`/api/v1/leads/${encodeURIComponent(leadId)}/enrich`, { method: "POST" });
      setQueued(true);
      window.setTimeout(state.reload, 3000);
    } catch (caught) {
      setError(caught);
    }
  }

  const provenance = (network: string, field: string) => {
    const found: Field | undefined = data?.fields.find(
      (item) => item.network === network && item.field === field,
    );
    return found
      ? t("enrichment.source", {
          provider: enrichmentLabel(t, "provider", found.provider),
          date: formatDateTime(found.fetchedAt),
        })
      : undefined;
  };

  const row = (network: string, field: string, label: MessageKey, value: ReactNode) => (
    <div className="profile-row" key={`${network}.${field}`} title={provenance(network, field)}>
      <dt>{t(label)}</dt>
      <dd>
        {value}
        {provenance(network, field) && <div className="muted small">{provenance(network, field)}</div>}
      </dd>
    </div>
  );

  return (
    <section className="card" aria-labelledby="enrichment-title" data-testid="lead-enrichment">
      <div className="page-header">
        <h2 id="enrichment-title">{t("enrichment.panel.title")}</h2>
        <button type="button" className="button" onClick={rerun} disabled={queued}>
          {t("enrichment.rerun")}
        </button>
      </div>
      {queued && <p className="muted">{t("enrichment.rerunQueued")}</p>}
      <ProblemAlert error={error ?? state.error} onRetry={state.reload} />
      {data && (
        <>
          <dl className="profile-list">
            <div className="profile-row">
              <dt>{t("enrichment.status")}</dt>
              <dd>
                <div>
                  <span className="badge badge-type">{enrichmentLabel(t, "status", data.status)}</span>
                  {data.errorCode && data.errorCode !== "not_business_account" && (
                    <span className="muted"> — {enrichmentLabel(t, "reason", data.errorCode)}</span>
                  )}
                  {data.stale && (
                    <>
                      {" "}
                      <span className="badge badge-warning">{t("enrichment.stale")}</span>
                    </>
                  )}
                </div>
              </dd>
            </div>
            <div className="profile-row">
              <dt>{t("enrichment.tier")}</dt>
              <dd>{data.tier ?? t("enrichment.tier.none")}</dd>
            </div>
          </dl>
          {(data.enrichedAt || data.nextDueAt) && (
            <p className="muted">
              {data.enrichedAt && t("enrichment.fetchedAt", { date: formatDateTime(data.enrichedAt) })}
              {data.enrichedAt && data.nextDueAt && " · "}
              {data.nextDueAt && t("enrichment.nextDue", { date: formatDateTime(data.nextDueAt) })}
            </p>
          )}
          {data.errorCode === "not_business_account" && (
            <p className="notice">{t("enrichment.notBusiness")}</p>
          )}
          {data.status === "pending" && !data.instagram && !data.youtube && !data.website && (
            <p className="muted">{t("enrichment.never")}</p>
          )}
          {data.instagram && (
            <>
              <h3>{t("enrichment.instagram")}</h3>
              <dl className="profile-list">
                {row(
                  "instagram",
                  "followers",
                  "enrichment.field.followers",
                  data.instagram.followers === null ? "—" : formatNumber(data.instagram.followers),
                )}
                {row(
                  "instagram",
                  "mediaCount",
                  "enrichment.field.mediaCount",
                  data.instagram.mediaCount === null ? "—" : formatNumber(data.instagram.mediaCount),
                )}
                {row(
                  "instagram",
                  "engagementRate",
                  "enrichment.field.engagementRate",
                  formatPercent(data.instagram.engagementRate, 2),
                )}
                {row(
                  "instagram",
                  "postsPerWeek",
                  "enrichment.field.postsPerWeek",
                  data.instagram.postsPerWeek === null ? "—" : formatNumber(data.instagram.postsPerWeek),
                )}
                {row(
                  "instagram",
                  "contentMix",
                  "enrichment.field.contentMix",
                  data.instagram.contentMix
                    ? (["image", "video", "carousel", "reels"] as const)
                        .map(
                          (kind) =>
                            `${t(`enrichment.mix.${kind}`)} ${formatPercent(data.instagram?.contentMix?.[kind], 0)}`,
                        )
                        .join(" · ")
                    : "—",
                )}
                {row("instagram", "bio", "enrichment.field.bio", data.instagram.bio ?? "—")}
                {row("instagram", "website", "enrichment.field.website", data.instagram.website ?? "—")}
                {row(
                  "instagram",
                  "emailsInBio",
                  "enrichment.field.emailsInBio",
                  <TagList values={data.instagram.emailsInBio} />,
                )}
                {row(
                  "instagram",
                  "phonesInBio",
                  "enrichment.field.phonesInBio",
                  <TagList values={data.instagram.phonesInBio} />,
                )}
                {row(
                  "instagram",
                  "linksInBio",
                  "enrichment.field.linksInBio",
                  <TagList values={data.instagram.linksInBio} />,
                )}
              </dl>
            </>
          )}
          {data.youtube && (
            <>
              <h3>{t("enrichment.youtube")}</h3>
              <dl className="profile-list">
                {row(
                  "youtube",
                  "subscribers",
                  "enrichment.field.subscribers",
                  data.youtube.subscribers === null ? "—" : formatNumber(data.youtube.subscribers),
                )}
                {row(
                  "youtube",
                  "videos",
                  "enrichment.field.videos",
                  data.youtube.videos === null ? "—" : formatNumber(data.youtube.videos),
                )}
                {row(
                  "youtube",
                  "views",
                  "enrichment.field.views",
                  data.youtube.views === null ? "—" : formatNumber(data.youtube.views),
                )}
              </dl>
            </>
          )}
          {data.website && (
            <>
              <h3>{t("enrichment.website")}</h3>
              <dl className="profile-list">
                {row(
                  "website",
                  "url",
                  "enrichment.field.url",
                  data.website.url ? (
                    <a href={data.website.url} target="_blank" rel="noopener noreferrer nofollow">
                      {data.website.url}
                    </a>
                  ) : (
                    "—"
                  ),
                )}
                {row("website", "title", "enrichment.field.title", data.website.title ?? "—")}
                {row(
                  "website",
                  "instagram",
                  "enrichment.field.instagram",
                  data.website.instagram ? `@${data.website.instagram}` : "—",
                )}
                {row("website", "youtube", "enrichment.field.youtube", data.website.youtube ?? "—")}
                {row(
                  "website",
                  "tiktok",
                  "enrichment.field.tiktok",
                  data.website.tiktok ? `@${data.website.tiktok}` : "—",
                )}
                {row(
                  "website",
                  "emails",
                  "enrichment.field.emails",
                  <TagList values={data.website.emails} />,
                )}
                {row(
                  "website",
                  "phones",
                  "enrichment.field.phones",
                  <TagList values={data.website.phones} />,
                )}
              </dl>
            </>
          )}
          {data.providers.length > 0 && (
            <>
              <h3>{t("enrichment.providers")}</h3>
              <ul className="reason-list">
                {data.providers.map((provider) => (
                  <li key={provider.provider}>
                    <span>{enrichmentLabel(t, "provider", provider.provider)}</span>
                    <span className="muted">
                      {enrichmentLabel(t, "status", provider.status)}
                      {provider.errorCode ? ` — ${enrichmentLabel(t, "reason", provider.errorCode)}` : ""}
                      {provider.fetchedAt ? ` · ${formatDateTime(provider.fetchedAt)}` : ""}
                      {provider.durationMs !== null && provider.status !== "skipped"
                        ? ` · ${t("enrichment.providerDuration", { ms: formatNumber(provider.durationMs) })}`
                        : ""}
                      {provider.failures > 1
                        ? ` · ${t("enrichment.providerFailures", { count: provider.failures })}`
                        : ""}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
