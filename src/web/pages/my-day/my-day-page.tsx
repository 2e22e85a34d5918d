import { type FormEvent, useState } from "react";
import type { getMyDay } from "../../../crm/list-tasks.ts";
import type { TaskKind, TaskView } from "../../../crm/schemas.ts";
import { api } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState } from "../../components/status-states.tsx";
import { formatDateTime, formatRelative } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { useT } from "../../i18n.ts";
import { href } from "../../router.ts";

type MyDay = Awaited<ReturnType<typeof getMyDay>>;

const TASK_KINDS = [
  "follow_up",
  "call",
  "whatsapp",
  "email",
  "meeting",
  "visit",
  "other",
] as const satisfies readonly TaskKind[];

const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "America/Sao_Paulo";

/** Meu dia: the rep's open tasks by when they are due, reminders, and deals with nothing planned. */
export function MyDayPage() {
  const t = useT();
  const day = useApi<MyDay>("/api/v1/my-day", { timeZone });
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<TaskView | null>(null);

  const setStatus = async (task: TaskView, status: "done" | "open") => {
    setError(null);
    try {
      await api<TaskView>(`/api/v1/tasks/${task.id}`, { method: "PATCH", body: { status } });
      setDone(status === "done" ? task : null);
      day.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  if (day.loading && !day.data) return <LoadingState />;
  const data = day.data;
  const sections: { key: "reminders" | "overdue" | "dueToday" | "upcoming"; items: TaskView[] }[] = data
    ? [
        { key: "reminders", items: data.reminders },
        { key: "overdue", items: data.overdue },
        { key: "dueToday", items: data.dueToday },
        { key: "upcoming", items: data.upcoming },
      ]
    : [];
  const isClear = data !== null && data.overdue.length + data.dueToday.length + data.upcoming.length === 0;

  return (
    <main className="page my-day-page">
      <div className="page-header">
        <h1>{t("myDay.title")}</h1>
        <button type="button" className="button button-primary" onClick={() => setAdding(!adding)}>
          {t("myDay.new")}
        </button>
      </div>
      <p className="muted">{t("myDay.intro")}</p>
      <ProblemAlert error={day.error ?? error} onRetry={day.reload} />
      {done && (
        <div className="alert alert-success" role="status">
          {t("myDay.completed", { title: done.title })}{" "}
          <button type="button" className="button button-small" onClick={() => setStatus(done, "open")}>
            {t("myDay.undo")}
          </button>
        </div>
      )}
      {adding && (
        <NewTaskForm
          onClose={() => setAdding(false)}
          onCreated={() => {
            setAdding(false);
            day.reload();
          }}
        />
      )}
      {isClear && <EmptyState title={t("myDay.allClear")} hint={t("myDay.allClearHint")} />}
      {sections
        .filter((section) => section.items.length > 0)
        .map((section) => (
          <section key={section.key} className="card my-day-section" aria-label={t(`myDay.${section.key}`)}>
            <h2>
              {t(`myDay.${section.key}`)} <span className="badge">{section.items.length}</span>
            </h2>
            <ul className="task-list">
              {section.items.map((task) => (
                <li key={task.id} className={task.isOverdue ? "task is-overdue" : "task"}>
                  <input
                    type="checkbox"
                    aria-label={t("myDay.complete", { title: task.title })}
                    onChange={() => setStatus(task, "done")}
                  />
                  <span className="badge">{t(`myDay.kind.${task.kind}`)}</span>
                  <span className="task-title">{task.title}</span>
                  <span
                    className={task.isOverdue ? "error-text" : "muted"}
                    title={formatDateTime(task.dueAt)}
                  >
                    {formatRelative(task.dueAt)}
                  </span>
                  {task.contact && (
                    <a href={href(`/leads/${task.contact.id}`)} className="muted">
                      {task.contact.name ?? t("myDay.openLead")}
                    </a>
                  )}
                  {task.deal && <span className="muted">· {task.deal.title}</span>}
                </li>
              ))}
            </ul>
          </section>
        ))}
      {data && data.idleDeals.length > 0 && (
        <section className="card my-day-section" aria-label={t("myDay.idleDeals")}>
          <h2>
            {t("myDay.idleDeals")} <span className="badge">{data.idleDeals.length}</span>
          </h2>
          <p className="muted">{t("myDay.idleHint")}</p>
          <ul className="task-list">
            {data.idleDeals.map((deal) => (
              <li key={deal.id} className="task">
                <a href={href("/deals")}>{deal.title}</a>
                <span className="muted">
                  {t("myDay.sinceStage", { when: formatRelative(deal.stageEnteredAt) })}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

/** `datetime-local` text for an instant, in the browser's zone. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function NewTaskForm({ onCreated, onClose }: { onCreated: () => void; onClose: () => void }) {
  const t = useT();
  const [title, setTitle] = useState("");
  const [kind, setKind] = useState<TaskKind>("follow_up");
  const [due, setDue] = useState(() => localInput(new Date(Date.now() + 3_600_000)));
  const [remind, setRemind] = useState("");
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api("/api/v1/tasks", {
        method: "POST",
        body: {
          title,
          kind,
          dueAt: new Date(due).toISOString(),
          ...(remind ? { remindAt: new Date(remind).toISOString() } : {}),
        },
      });
      onCreated();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <form className="card new-task" onSubmit={submit} aria-label={t("myDay.new")}>
      <ProblemAlert error={error} />
      <label>
        {t("myDay.taskTitle")}
        <input value={title} onChange={(event) => setTitle(event.target.value)} required maxLength={200} />
      </label>
      <label>
        {t("myDay.kind")}
        <select value={kind} onChange={(event) => setKind(event.target.value as TaskKind)}>
          {TASK_KINDS.map((item) => (
            <option key={item} value={item}>
              {t(`myDay.kind.${item}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("myDay.due")}
        <input type="datetime-local" value={due} onChange={(event) => setDue(event.target.value)} required />
      </label>
      <label>
        {t("myDay.remind")}
        <input type="datetime-local" value={remind} onChange={(event) => setRemind(event.target.value)} />
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary">
          {t("myDay.add")}
        </button>
        <button type="button" className="button" onClick={onClose}>
          {t("myDay.cancel")}
        </button>
      </div>
    </form>
  );
}
