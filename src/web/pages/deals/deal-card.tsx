import type { DealView, StageView } from "../../../crm/schemas.ts";
import { formatDate, formatMoney } from "../../format.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";
import { CatalogSummary } from "./property-picker.tsx";
import { useLinkedCatalog } from "./use-linked-catalog.ts";

/** One deal on the board: draggable, and movable with its own stage picker (keyboard, touch). */
export function DealCard({
  deal,
  stages,
  canWrite,
  onMove,
  onOpen,
}: {
  deal: DealView;
  stages: StageView[];
  canWrite: boolean;
  onMove: (deal: DealView, stage: StageView) => void;
  onOpen: (deal: DealView) => void;
}) {
  const t = useT();
  return (
    <article
      className={`card deal-card deal-${deal.status}`}
      data-deal-id={deal.id}
      draggable={canWrite}
      onDragStart={(event) => {
        event.dataTransfer.setData("text/x-funil-deal", deal.id);
        event.dataTransfer.effectAllowed = "move";
      }}
    >
      <button type="button" className="deal-title link-button" onClick={() => onOpen(deal)}>
        {deal.title}
      </button>
      <div className="deal-meta">
        <span className="deal-value">{formatMoney(deal.value)}</span>
        <span className="muted">
          {deal.owner ? (deal.owner.name ?? deal.owner.email) : t("deals.noOwner")}
        </span>
      </div>
      <LinkedProperty deal={deal} />
      {deal.propertyRef && <div className="muted deal-property">{deal.propertyRef}</div>}
      {deal.expectedClose && <div className="muted">{formatDate(deal.expectedClose)}</div>}
      {deal.closeReason && (
        <div className="muted deal-reason">{t("deals.reason", { reason: deal.closeReason })}</div>
      )}
      <div className="deal-actions">
        <a href={href(`/leads/${deal.contact.id}`)} className="muted">
          {t("deals.openLead")}
        </a>
        {canWrite && (
          <select
            className="deal-move"
            aria-label={t("deals.moveCard", { title: deal.title })}
            value=""
            onChange={(event) => {
              const stage = stages.find((item) => item.id === event.target.value);
              if (stage) onMove(deal, stage);
            }}
          >
            <option value="">{t("deals.moveTo")}…</option>
            {stages
              .filter((stage) => stage.id !== deal.stageId)
              .map((stage) => (
                <option key={stage.id} value={stage.id}>
                  {stage.name}
                </option>
              ))}
          </select>
        )}
      </div>
    </article>
  );
}

/** The catalog property or development the deal links, by name (its details are in the deal's form). */
function LinkedProperty({ deal }: { deal: DealView }) {
  const t = useT();
  const linked = useLinkedCatalog({ propertyId: deal.propertyId, developmentId: deal.developmentId });
  if (!deal.propertyId && !deal.developmentId) return null;
  return (
    <div className="deal-linked-property" data-testid="deal-linked-property">
      {linked.pick ? (
        <CatalogSummary pick={linked.pick} compact />
      ) : (
        <span className="muted">{linked.loading ? "…" : t("deals.linkedUnknown")}</span>
      )}
    </div>
  );
}
