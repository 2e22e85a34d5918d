import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { AlertView } from "../alerts/schemas.ts";
import type { TaskView } from "./schemas.ts";
import { sendTaskReminders, TASK_REMINDER_ALERT } from "./send-task-reminders.ts";

const HOOK_PATH = "/services/T000/B000/REMIND";
const HOUR = 3_600_000;

let slack: Server;
const received: string[] = [];
let t: TestApp;
let rep: { userId: string; token: string };
let leadId: string;
const at = (hoursFromNow: number) => new Date(t.clock.now().getTime() + hoursFromNow * HOUR).toISOString();

beforeAll(async () => {
  slack = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    request.on("end", () => {
      received.push((JSON.parse(body) as { text: string }).text);
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
  const { port } = slack.address() as AddressInfo;
  t = await createTestApp({ FUNIL_FETCH_ALLOW_HOSTS: `127.0.0.1:${port}` });
  const connection = await t.request("POST", "/api/v1/connections", {
    body: { type: "slack", name: "#vendas", config: { webhookUrl: `http://127.0.0.1:${port}${HOOK_PATH}` } },
  });
  expect(connection.statusCode, connection.body).toBe(201);
  const member = await t.request("POST", `/api/v1/workspaces/${t.app.bootstrap.workspaceId}/members`, {
    body: { email: "rep@funil.test", password: "long-enough-password", role: "sales" },
  });
  rep = {
    userId: (member.json() as { userId: string }).userId,
    token: await t.login("rep@funil.test", "long-enough-password"),
  };
  leadId = (
    (
      await t.request("POST", "/api/v1/leads", { body: { name: "Duda Reminder", email: "duda@example.com" } })
    ).json() as { id: string }
  ).id;
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => slack.close(() => resolve()));
});

async function task(body: Record<string, unknown>): Promise<TaskView> {
  const response = await t.request("POST", "/api/v1/tasks", { token: rep.token, body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as TaskView;
}

async function reminderAlerts(): Promise<AlertView[]> {
  const response = await t.request("GET", `/api/v1/alerts?kind=${TASK_REMINDER_ALERT}&limit=200`);
  return (response.json() as { items: AlertView[] }).items;
}

const alertsOf = (alerts: AlertView[], taskId: string) =>
  alerts.filter((alert) => alert.details.taskId === taskId);

describe("task reminders pushed to the owner", () => {
  let due: TaskView;
  let later: TaskView;

  it("raise one alert for a due reminder, none for one not due, done, canceled or deleted", async () => {
    expect(t.clock.now().toISOString()).toBe(FIXED_NOW);
    due = await task({
      title: "Ligar para a Duda Reminder",
      kind: "call",
      dueAt: at(2),
      remindAt: at(-0.5),
      contactId: leadId,
    });
    later = await task({ title: "Mandar proposta", dueAt: at(5), remindAt: at(1) });
    const done = await task({ title: "Já feito", dueAt: at(3), remindAt: at(-1) });
    expect(
      (await t.request("PATCH", `/api/v1/tasks/${done.id}`, { token: rep.token, body: { status: "done" } }))
        .statusCode,
    ).toBe(200);
    const canceled = await task({ title: "Cancelado", dueAt: at(3), remindAt: at(-1) });
    await t.request("PATCH", `/api/v1/tasks/${canceled.id}`, {
      token: rep.token,
      body: { status: "canceled" },
    });
    const deleted = await task({ title: "Apagado", dueAt: at(3), remindAt: at(-1) });
    expect((await t.request("DELETE", `/api/v1/tasks/${deleted.id}`, { token: rep.token })).statusCode).toBe(
      204,
    );
    await task({ title: "Sem lembrete", dueAt: at(-1) });

    expect(await sendTaskReminders(t.app.deps)).toBe(1);
    const alerts = await reminderAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: TASK_REMINDER_ALERT,
      // 14:00Z is 11:00 in São Paulo, the default business calendar's time zone.
      text: "Lembrete de ligação: vence 23/11 às 11:00. Veja em Meu dia.",
      details: {
        taskId: due.id,
        ownerId: rep.userId,
        contactId: leadId,
        dealId: null,
        dueAt: due.dueAt,
        remindAt: due.remindAt,
      },
    });
    // No person and no task title in what is pushed.
    expect(alerts[0]?.text).not.toMatch(/Duda|Ligar/);

    await t.drain();
    expect(received).toEqual(["Lembrete de ligação: vence 23/11 às 11:00. Veja em Meu dia."]);
    expect((await reminderAlerts())[0]).toMatchObject({ status: "sent" });
  });

  it("is safe to run twice, also at the same time", async () => {
    expect(await sendTaskReminders(t.app.deps)).toBe(0);
    const [a, b] = await Promise.all([sendTaskReminders(t.app.deps), sendTaskReminders(t.app.deps)]);
    expect((a ?? 0) + (b ?? 0)).toBe(0);
    await t.drain();
    expect(await reminderAlerts()).toHaveLength(1);
    expect(received).toHaveLength(1);
  });

  it("reminds again once the reminder is moved, not when something else changes", async () => {
    const renamed = await t.request("PATCH", `/api/v1/tasks/${due.id}`, {
      token: rep.token,
      body: { title: "Ligar de novo", remindAt: due.remindAt },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await sendTaskReminders(t.app.deps)).toBe(0);

    const moved = await t.request("PATCH", `/api/v1/tasks/${due.id}`, {
      token: rep.token,
      body: { remindAt: at(1.5) },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(await sendTaskReminders(t.app.deps)).toBe(0); // not due yet

    t.clock.advance(1.75 * HOUR); // both the moved reminder and the later task's are due now
    t.adminToken = await t.login();
    expect(await sendTaskReminders(t.app.deps)).toBe(2);
    expect(await sendTaskReminders(t.app.deps)).toBe(0);
    const alerts = await reminderAlerts();
    expect(alertsOf(alerts, due.id)).toHaveLength(2);
    expect(alertsOf(alerts, later.id)).toHaveLength(1);
    await t.drain();
    expect(received).toHaveLength(3);
  });
});
