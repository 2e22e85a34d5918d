import type { WebhookEndpointView } from "../../../partner-webhooks/schemas.ts";
import { LoadMore } from "../../components/load-more.tsx";
import { PagedListStates } from "../../components/paged-list-states.tsx";
import { EmptyState } from "../../components/status-states.tsx";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { EndpointCard } from "./endpoint-card.tsx";
import { NewEndpointForm } from "./new-endpoint-form.tsx";

const QUERY = { limit: 50 };

/** Webhooks de parceiros: endpoints that receive signed CRM events, and what was delivered to them. */
export function PartnerWebhooksPage() {
  const t = useT();
  const list = usePagedList<WebhookEndpointView>("/api/v1/webhook-endpoints", QUERY);
  return (
    <main className="page">
      <div className="page-header">
        <h1>{t("partnerWebhooks.title")}</h1>
      </div>
      <p className="muted">{t("partnerWebhooks.intro")}</p>
      <NewEndpointForm onCreated={list.reload} />
      {!list.loading && !list.error && list.items.length === 0 ? (
        <EmptyState title={t("partnerWebhooks.empty")} hint={t("partnerWebhooks.emptyHint")} />
      ) : (
        <PagedListStates list={list} emptyTitle={t("partnerWebhooks.empty")}>
          <section className="endpoint-list" aria-label={t("partnerWebhooks.title")} aria-busy={list.loading}>
            {list.items.map((endpoint) => (
              <EndpointCard
                key={endpoint.id}
                endpoint={endpoint}
                onChanged={(next) => list.replaceItem((item) => item.id === next.id, next)}
                onDeleted={() => list.replaceItem((item) => item.id === endpoint.id, null)}
              />
            ))}
          </section>
          <LoadMore list={list} />
        </PagedListStates>
      )}
    </main>
  );
}
