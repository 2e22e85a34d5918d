import type { LeadDetail } from "../../api/types.ts";
import { formatDateTime } from "../../format.ts";
import { useT } from "../../i18n.ts";

/** Every time the person reached us: source, UTMs and the event that carried it. */
export function LeadTouches({ touches }: { touches: LeadDetail["touches"] }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="touches-title">
      <h2 id="touches-title">{t("lead.touches")}</h2>
      {touches.length === 0 ? (
        <p className="muted">{t("lead.noTouches")}</p>
      ) : (
        <ol className="timeline">
          {touches.map((touch) => (
            <li key={touch.id}>
              <time dateTime={touch.at}>{formatDateTime(touch.at)}</time>
              <div className="timeline-body">
                <span className="tag tag-source">{touch.source}</span>
                <Utm name="utm_source" value={touch.utmSource} />
                <Utm name="utm_medium" value={touch.utmMedium} />
                <Utm name="utm_campaign" value={touch.utmCampaign} />
                {touch.eventId && (
                  <span className="muted small">
                    {t("lead.event")}: <code>{touch.eventId.slice(0, 8)}</code>
                  </span>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Utm({ name, value }: { name: string; value: string | null }) {
  if (!value) return null;
  return (
    <span className="utm">
      <span className="utm-name">{name}</span>={value}
    </span>
  );
}
