import { type FormEvent, useState } from "react";
import type { DealView, PipelineView, StageView } from "../../../crm/schemas.ts";
import { ApiError, api } from "../../api/client.ts";
import { useSession } from "../../api/session.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState, Notice } from "../../components/status-states.tsx";
import { formatMoney, formatNumber } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { isMessageKey, useT } from "../../i18n.ts";
import { navigate, useRoute } from "../../router.ts";
import { DealCard } from "./deal-card.tsx";
import { DealDetailsForm, type Owner } from "./deal-details-form.tsx";
import { DealsList } from "./deals-list.tsx";
import { NewDealForm } from "./new-deal-form.tsx";

/** The board shows a pipeline's most recently changed deals, up to this many. */
const BOARD_LIMIT = 500;

interface Blocked {
  deal: DealView;
  stage: string;
  rules: string[];
  /** The stage asks for a property the deal has not got: the way out is the catalog picker. */
  needsProperty: boolean;
}

/** Negócios: a pipeline as a kanban board; drag (or pick) a card into another stage. */
export function DealsPage() {
  const t = useT();
  const session = useSession();
  const route = useRoute();
  const role = session?.role ?? "viewer";
  const canWrite = role !== "viewer";
  const canManage = role === "admin" || role === "manager";
  const pipelines = useApiList<PipelineView>("/api/v1/pipelines");
  const owners = useApiList<Owner>("/api/v1/deal-owners");
  const pipeline =
    pipelines.items.find((item) => item.id === route.query.get("pipeline")) ?? pipelines.items[0] ?? null;
  const deals = useApiList<DealView>(
    pipeline ? "/api/v1/deals" : null,
    pipeline ? { pipelineId: pipeline.id, limit: BOARD_LIMIT } : undefined,
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [blocked, setBlocked] = useState<Blocked | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<DealView | null>(null);
  const [focusProperty, setFocusProperty] = useState(false);
  const openDeal = (deal: DealView, toChooseProperty = false) => {
    setFocusProperty(toChooseProperty);
    setEditing(deal);
  };
  const [creating, setCreating] = useState(false);
  const [asking, setAsking] = useState<{ deal: DealView; stage: StageView } | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const view = route.query.get("view") === "list" ? "list" : "board";
  const showView = (next: "board" | "list") => {
    const query = new URLSearchParams(route.query);
    if (next === "list") query.set("view", "list");
    else query.delete("view");
    navigate("/deals", { query, replace: true });
  };

  const createFromTemplate = async (template: "sales" | "real-estate") => {
    setError(null);
    try {
      const name = t(template === "sales" ? "deals.templateSales" : "deals.templateRealEstate");
      const created = await api<PipelineView>("/api/v1/pipelines", {
        method: "POST",
        body: { name, template },
      });
      pipelines.reload();
      navigate("/deals", { query: new URLSearchParams({ pipeline: created.id }), replace: true });
    } catch (caught) {
      setError(caught);
    }
  };

  const move = async (deal: DealView, stage: StageView, reason?: string) => {
    if (stage.kind !== "open" && reason === undefined) {
      setAsking({ deal, stage });
      return;
    }
    setNotice(null);
    setBlocked(null);
    setError(null);
    try {
      const moved = await api<DealView>(`/api/v1/deals/${deal.id}/move`, {
        method: "POST",
        body: { stageId: stage.id, ...(reason ? { reason } : {}) },
      });
      deals.replace(moved);
      pipelines.reload();
      setNotice(t("deals.moved", { title: moved.title, stage: stage.name }));
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 422) {
        setBlocked({
          deal,
          stage: stage.name,
          rules: caught.fieldErrors.map((item) => {
            const key = `deals.rule.${item.field}`;
            return isMessageKey(key) ? t(key) : item.message;
          }),
          needsProperty: caught.fieldErrors.some((item) => item.field === "propertyRef"),
        });
      } else setError(caught);
    }
  };

  if (pipelines.loading && pipelines.items.length === 0) return <LoadingState />;

  return (
    <main className="page deals-page">
      <div className="page-header">
        <h1>{t("deals.title")}</h1>
        {pipeline && canWrite && (
          <button type="button" className="button button-primary" onClick={() => setCreating(!creating)}>
            {t("deals.new")}
          </button>
        )}
      </div>
      <ProblemAlert error={pipelines.error ?? deals.error ?? error} />
      {!pipeline ? (
        <EmptyState
          title={t("deals.noPipeline")}
          hint={canManage ? t("deals.noPipelineHint") : t("deals.noPipelineViewer")}
        >
          {canManage && (
            <div className="form-actions">
              <button
                type="button"
                className="button button-primary"
                onClick={() => createFromTemplate("sales")}
              >
                {t("deals.createSales")}
              </button>
              <button type="button" className="button" onClick={() => createFromTemplate("real-estate")}>
                {t("deals.createRealEstate")}
              </button>
            </div>
          )}
        </EmptyState>
      ) : (
        <>
          <p className="muted">{canWrite ? t("deals.intro") : t("deals.readOnly")}</p>
          <fieldset className="view-toggle" aria-label={t("deals.view")}>
            {(["board", "list"] as const).map((item) => (
              <button
                key={item}
                type="button"
                className={view === item ? "button button-small active" : "button button-small"}
                aria-pressed={view === item}
                onClick={() => showView(item)}
              >
                {t(item === "board" ? "deals.boardView" : "deals.listView")}
              </button>
            ))}
          </fieldset>
          {pipelines.items.length > 1 && (
            <label className="pipeline-picker">
              {t("deals.pipeline")}
              <select
                value={pipeline.id}
                onChange={(event) =>
                  navigate("/deals", { query: new URLSearchParams({ pipeline: event.target.value }) })
                }
              >
                {pipelines.items.map((item) => (
                  <option key={item.id} value={item.id}>
                    {item.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {notice && <Notice>{notice}</Notice>}
          {blocked && (
            <div className="alert alert-error deal-blocked" role="alert">
              <p>
                <strong>{t("deals.blocked", { title: blocked.deal.title, stage: blocked.stage })}</strong>
              </p>
              <ul>
                {blocked.rules.map((rule) => (
                  <li key={rule}>{rule}</li>
                ))}
              </ul>
              <p className="muted">
                {t(blocked.needsProperty ? "deals.fixPropertyAndRetry" : "deals.fixAndRetry")}
              </p>
              {canWrite && (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => {
                    const current = deals.items.find((item) => item.id === blocked.deal.id) ?? blocked.deal;
                    openDeal(current, blocked.needsProperty);
                  }}
                >
                  {blocked.needsProperty
                    ? t("deals.chooseProperty", { title: blocked.deal.title })
                    : t("deals.edit", { title: blocked.deal.title })}
                </button>
              )}
            </div>
          )}
          {creating && (
            <NewDealForm
              pipelineId={pipeline.id}
              onClose={() => setCreating(false)}
              onCreated={(deal) => {
                setCreating(false);
                deals.replace(deal);
                pipelines.reload();
              }}
            />
          )}
          {asking && (
            <ReasonForm
              deal={asking.deal}
              stage={asking.stage}
              onCancel={() => setAsking(null)}
              onSubmit={(reason) => {
                const { deal, stage } = asking;
                setAsking(null);
                void move(deal, stage, reason);
              }}
            />
          )}
          {editing && (
            <DealDetailsForm
              key={editing.id}
              deal={editing}
              owners={owners.items}
              canWrite={canWrite}
              focusProperty={focusProperty}
              onClose={() => setEditing(null)}
              onSaved={(saved) => {
                setEditing(null);
                // What blocked the move may be fixed now: the next move says what is still missing.
                setBlocked((current) => (current?.deal.id === saved.id ? null : current));
                deals.replace(saved);
                pipelines.reload();
              }}
            />
          )}
          {view === "list" ? (
            <DealsList
              pipeline={pipeline}
              owners={owners.items}
              canWrite={canWrite}
              canManage={canManage}
              onChanged={() => {
                deals.reload();
                pipelines.reload();
              }}
            />
          ) : deals.loading && deals.items.length === 0 ? (
            <LoadingState />
          ) : (
            <section className="board" aria-label={pipeline.name}>
              {pipeline.stages.map((stage) => {
                const inStage = deals.items.filter((deal) => deal.stageId === stage.id);
                return (
                  <section
                    key={stage.id}
                    className={dropTarget === stage.id ? "board-column is-drop-target" : "board-column"}
                    data-stage-id={stage.id}
                    aria-label={stage.name}
                    onDragOver={(event) => {
                      if (!canWrite) return;
                      event.preventDefault();
                      setDropTarget(stage.id);
                    }}
                    onDragLeave={() => setDropTarget((current) => (current === stage.id ? null : current))}
                    onDrop={(event) => {
                      event.preventDefault();
                      setDropTarget(null);
                      const deal = deals.items.find(
                        (item) => item.id === event.dataTransfer.getData("text/x-funil-deal"),
                      );
                      if (deal && deal.stageId !== stage.id) void move(deal, stage);
                    }}
                  >
                    <header className="board-column-header">
                      <h2>
                        {stage.name}
                        {stage.kind !== "open" && (
                          <span className={`badge badge-${stage.kind}`}>
                            {t(`deals.status.${stage.kind}`)}
                          </span>
                        )}
                      </h2>
                      <p className="muted">
                        {t("deals.stageSummary", {
                          count: formatNumber(inStage.length),
                          value: formatMoney(inStage.reduce((sum, deal) => sum + (deal.value ?? 0), 0)),
                        })}
                        {" · "}
                        {t("deals.probability", { percent: Math.round(stage.probability * 100) })}
                      </p>
                      {stage.requires.length > 0 && (
                        <p className="muted stage-rules">
                          {t("deals.rulesOf", {
                            rules: stage.requires.map((rule) => t(`deals.require.${rule}`)).join(", "),
                          })}
                        </p>
                      )}
                    </header>
                    {inStage.length === 0 ? (
                      <p className="muted board-empty">{t("deals.emptyStage")}</p>
                    ) : (
                      inStage.map((deal) => (
                        <DealCard
                          key={deal.id}
                          deal={deal}
                          stages={pipeline.stages}
                          canWrite={canWrite}
                          onMove={(item, target) => void move(item, target)}
                          onOpen={(item) => openDeal(item)}
                        />
                      ))
                    )}
                  </section>
                );
              })}
            </section>
          )}
        </>
      )}
    </main>
  );
}

/** Asked when a deal enters a won or lost stage: why (required for lost). */
function ReasonForm({
  deal,
  stage,
  onSubmit,
  onCancel,
}: {
  deal: DealView;
  stage: StageView;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const [reason, setReason] = useState("");
  const isLost = stage.kind === "lost";
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (isLost && !reason.trim()) return;
    onSubmit(reason.trim());
  };
  return (
    <form className="card reason-form" onSubmit={submit}>
      <h2>{isLost ? t("deals.lostReasonTitle", { title: deal.title }) : `${deal.title} → ${stage.name}`}</h2>
      <label>
        {isLost ? t("deals.lostReason") : t("deals.wonReason")}
        <input
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          required={isLost}
          maxLength={500}
        />
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary">
          {t("deals.confirmMove")}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("deals.cancel")}
        </button>
      </div>
    </form>
  );
}

/** A `{items}` GET with reload and in-place replacement of one item. */
function useApiList<T extends { id: string }>(path: string | null, query?: Record<string, string | number>) {
  const { data, error, loading, reload, setData } = useApi<{ items: T[] }>(path, query);
  const items = data?.items ?? [];
  return {
    items,
    error,
    loading,
    reload,
    /** Puts `next` in place of the item with its id (or first, when new). */
    replace(next: T) {
      const known = items.some((item) => item.id === next.id);
      setData({ items: known ? items.map((item) => (item.id === next.id ? next : item)) : [next, ...items] });
    },
  };
}
