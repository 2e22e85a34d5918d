import { useId, useMemo, useState } from "react";
import type { TemplateView } from "../../../automation/manage-templates.ts";
import type { ProductView } from "../../../students/schemas.ts";
import { LoadMore } from "../../components/load-more.tsx";
import { PagedListStates } from "../../components/paged-list-states.tsx";
import { Notice } from "../../components/status-states.tsx";
import { useApi } from "../../hooks/use-api.ts";
import { usePagedList } from "../../hooks/use-paged-list.ts";
import { useT } from "../../i18n.ts";
import { navigate, useRoute } from "../../router.ts";
import { channelLabel } from "./automation-format.ts";
import { TemplateCard } from "./template-card.tsx";
import { TemplateForm } from "./template-form.tsx";
import { purposeLabel, TEMPLATE_CHANNEL_LIST } from "./template-format.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Modelos de mensagem: what the rules send, per purpose and channel; the workspace's default and each
 * product's own (which wins for that product). Filters by channel and product, kept in the route.
 */
export function TemplatesPage({ canManage }: { canManage: boolean }) {
  const t = useT();
  const route = useRoute();
  const channel = TEMPLATE_CHANNEL_LIST.find((item) => item === route.query.get("channel")) ?? "";
  const rawProduct = route.query.get("productId") ?? "";
  const productId = UUID.test(rawProduct) ? rawProduct : "";
  const query = useMemo(() => ({ channel, productId, limit: 100 }), [channel, productId]);
  const list = usePagedList<TemplateView>("/api/v1/message-templates", query);
  const products = useApi<{ items: ProductView[] }>("/api/v1/products");
  const productItems = products.data?.items ?? [];
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const channelFieldId = useId();
  const productFieldId = useId();

  const setFilter = (next: { channel?: string; productId?: string }) => {
    const params = new URLSearchParams();
    const nextChannel = next.channel ?? channel;
    const nextProduct = next.productId ?? productId;
    if (nextChannel) params.set("channel", nextChannel);
    if (nextProduct) params.set("productId", nextProduct);
    navigate("/automation/templates", { query: params, replace: true });
  };

  const said = (template: TemplateView, key: "automation.templates.saved" | "automation.templates.created") =>
    setNotice(
      t(key, {
        name: purposeLabel(template.purpose, t),
        product: template.productName ?? t("automation.templates.workspaceDefault"),
      }),
    );

  return (
    <>
      <p className="muted">{t("automation.templates.intro")}</p>
      <section className="card toolbar" aria-label={t("automation.templates.filters")}>
        <div className="toolbar-row">
          <label className="field field-compact" htmlFor={channelFieldId}>
            <span>{t("automation.channel")}</span>
            <select
              id={channelFieldId}
              value={channel}
              onChange={(event) => setFilter({ channel: event.target.value })}
            >
              <option value="">{t("automation.allChannels")}</option>
              {TEMPLATE_CHANNEL_LIST.map((item) => (
                <option key={item} value={item}>
                  {channelLabel(item, t)}
                </option>
              ))}
            </select>
          </label>
          <label className="field field-compact" htmlFor={productFieldId}>
            <span>{t("automation.templates.product")}</span>
            <select
              id={productFieldId}
              value={productId}
              onChange={(event) => setFilter({ productId: event.target.value })}
            >
              <option value="">{t("automation.templates.allProducts")}</option>
              {productItems.map((product) => (
                <option key={product.id} value={product.id}>
                  {product.name}
                </option>
              ))}
            </select>
          </label>
          {canManage && !creating && (
            <button type="button" className="button button-small" onClick={() => setCreating(true)}>
              {t("automation.templates.new")}
            </button>
          )}
        </div>
      </section>
      {!canManage && <p className="alert alert-info">{t("automation.templates.readOnly")}</p>}
      {notice && <Notice>{notice}</Notice>}
      {creating && (
        <section className="card" aria-labelledby="automation-new-template">
          <h2 id="automation-new-template">{t("automation.templates.new")}</h2>
          <TemplateForm
            editing={null}
            initial={{
              purpose: "",
              channel: "whatsapp",
              productId: productId,
              category: "transactional",
              whatsappName: "",
              language: "pt_BR",
              subject: "",
              body: "",
            }}
            products={productItems}
            onCancel={() => setCreating(false)}
            onSaved={(created) => {
              setCreating(false);
              said(created, "automation.templates.created");
              list.reload();
            }}
          />
        </section>
      )}
      <PagedListStates list={list} emptyTitle={t("automation.templates.empty")}>
        <section
          className="template-list"
          aria-label={t("automation.view.templates")}
          aria-busy={list.loading}
        >
          {list.items.map((template) => (
            <TemplateCard
              key={template.id}
              template={template}
              products={productItems}
              canManage={canManage}
              onChanged={(next) => {
                list.replaceItem((item) => item.id === next.id, next);
                said(next, "automation.templates.saved");
              }}
              onCreated={(created) => {
                said(created, "automation.templates.created");
                list.reload();
              }}
              onDeleted={(id) => {
                list.replaceItem((item) => item.id === id, null);
                setNotice(t("automation.templates.deleted"));
              }}
            />
          ))}
        </section>
        <LoadMore list={list} />
      </PagedListStates>
    </>
  );
}
