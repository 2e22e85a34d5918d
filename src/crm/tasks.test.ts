import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import { dayBounds } from "./list-tasks.ts";
import type { DealView, PipelineView, TaskView } from "./schemas.ts";

let t: TestApp;
let rep: { userId: string; token: string };
let deal: DealView;
const at = (hoursFromNow: number) => new Date(Date.parse(FIXED_NOW) + hoursFromNow * 3_600_000).toISOString();

beforeAll(async () => {
  t = await createTestApp();
  const response = await t.request("POST", `/api/v1/workspaces/${t.app.bootstrap.workspaceId}/members`, {
    body: { email: "rep@funil.test", password: "long-enough-password", role: "sales" },
  });
  rep = {
    userId: (response.json() as { userId: string }).userId,
    token: await t.login("rep@funil.test", "long-enough-password"),
  };
  const pipeline = (
    await t.request("POST", "/api/v1/pipelines", { body: { name: "Vendas" } })
  ).json() as PipelineView;
  const lead = (
    await t.request("POST", "/api/v1/leads", { body: { name: "Duda", email: "duda@example.com" } })
  ).json() as {
    id: string;
  };
  deal = (
    await t.request("POST", "/api/v1/deals", {
      token: rep.token,
      body: { contactId: lead.id, pipelineId: pipeline.id },
    })
  ).json() as DealView;
});
afterAll(async () => {
  await t.close();
});

async function task(body: Record<string, unknown>, token = rep.token): Promise<TaskView> {
  const response = await t.request("POST", "/api/v1/tasks", { token, body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as TaskView;
}

describe("tasks and my day", () => {
  it("knows where a day starts in a time zone", () => {
    // 2026-11-23T12:00Z is 09:00 in São Paulo (UTC−3): the day began at 03:00Z.
    expect(dayBounds(new Date(FIXED_NOW), "America/Sao_Paulo")).toEqual({
      start: new Date("2026-11-23T03:00:00.000Z"),
      end: new Date("2026-11-24T03:00:00.000Z"),
    });
    expect(dayBounds(new Date("2026-11-24T02:30:00Z"), "America/Sao_Paulo").start).toEqual(
      new Date("2026-11-23T03:00:00.000Z"),
    );
  });

  it("belong to their creator by default, about the deal's lead", async () => {
    const call = await task({ title: "Ligar para a Duda", kind: "call", dueAt: at(2), dealId: deal.id });
    expect(call).toMatchObject({
      owner: { id: rep.userId },
      contact: { id: deal.contact.id, name: "Duda" },
      deal: { id: deal.id },
      status: "open",
      isOverdue: false,
    });
  });

  it("refuse a reminder after the due time, and sales giving tasks away", async () => {
    const late = await t.request("POST", "/api/v1/tasks", {
      token: rep.token,
      body: { title: "x", dueAt: at(1), remindAt: at(2) },
    });
    expect(late.statusCode).toBe(400);
    expect((late.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("remindAt");
    const admin = (await t.request("GET", "/api/v1/deal-owners")).json() as {
      items: { id: string; email: string }[];
    };
    const adminId = admin.items.find((item) => item.email === "admin@funil.test")?.id;
    const away = await t.request("POST", "/api/v1/tasks", {
      token: rep.token,
      body: { title: "x", dueAt: at(1), ownerId: adminId },
    });
    expect(away.statusCode).toBe(403);
  });

  it("lays out the rep's day: overdue, today, upcoming, due reminders, deals with nothing planned", async () => {
    const overdue = await task({ title: "Mandar proposta", dueAt: at(-20) });
    const tonight = await task({ title: "WhatsApp", kind: "whatsapp", dueAt: at(10), remindAt: at(-1) });
    const nextWeek = await task({ title: "Visita", kind: "visit", dueAt: at(24 * 5) });
    await task({ title: "Longe", dueAt: at(24 * 30) });
    const day = (
      await t.request("GET", "/api/v1/my-day?timeZone=America/Sao_Paulo", { token: rep.token })
    ).json() as {
      today: string;
      overdue: TaskView[];
      dueToday: TaskView[];
      upcoming: TaskView[];
      reminders: TaskView[];
      idleDeals: { id: string }[];
    };
    expect(day.today).toBe("2026-11-23T03:00:00.000Z");
    expect(day.overdue.map((item) => item.id)).toEqual([overdue.id]);
    expect(day.overdue[0]?.isOverdue).toBe(true);
    expect(day.dueToday.map((item) => item.title)).toEqual(["Ligar para a Duda", "WhatsApp"]);
    expect(day.upcoming.map((item) => item.id)).toEqual([nextWeek.id]);
    expect(day.reminders.map((item) => item.id)).toEqual([tonight.id]);
    // Duda's deal has an open task: not idle.
    expect(day.idleDeals).toEqual([]);
  });

  it("complete and reopen, audited; a completed deal task leaves the deal idle", async () => {
    const { items } = (
      await t.request("GET", `/api/v1/tasks?dealId=${deal.id}`, { token: rep.token })
    ).json() as {
      items: TaskView[];
    };
    const call = items[0] as TaskView;
    const done = await t.request("PATCH", `/api/v1/tasks/${call.id}`, {
      token: rep.token,
      body: { status: "done" },
    });
    expect(done.json()).toMatchObject({ status: "done", doneAt: FIXED_NOW });
    const day = (
      await t.request("GET", "/api/v1/my-day?timeZone=America/Sao_Paulo", { token: rep.token })
    ).json() as {
      idleDeals: { id: string }[];
    };
    expect(day.idleDeals.map((item) => item.id)).toEqual([deal.id]);
    const reopened = await t.request("PATCH", `/api/v1/tasks/${call.id}`, {
      token: rep.token,
      body: { status: "open" },
    });
    expect(reopened.json()).toMatchObject({ status: "open", doneAt: null });
  });

  it("list by due time with pages, and stay private to their rep", async () => {
    const first = (
      await t.request("GET", "/api/v1/tasks?ownerId=me&limit=2", { token: rep.token })
    ).json() as {
      items: TaskView[];
      nextCursor: string;
    };
    const rest = (
      await t.request(
        "GET",
        `/api/v1/tasks?ownerId=me&limit=50&cursor=${encodeURIComponent(first.nextCursor)}`,
        {
          token: rep.token,
        },
      )
    ).json() as { items: TaskView[] };
    const dues = [...first.items, ...rest.items].map((item) => item.dueAt);
    expect(dues).toHaveLength(5);
    expect([...dues].sort()).toEqual(dues);
    await task({ title: "Do admin", dueAt: at(3) }, t.adminToken);
    const mine = (await t.request("GET", "/api/v1/tasks", { token: rep.token })).json() as {
      items: TaskView[];
    };
    expect(mine.items.map((item) => item.title)).not.toContain("Do admin");
    const adminTask = (await t.request("GET", "/api/v1/tasks?ownerId=me")).json() as { items: TaskView[] };
    expect(
      (await t.request("DELETE", `/api/v1/tasks/${adminTask.items[0]?.id}`, { token: rep.token })).statusCode,
    ).toBe(404);
    expect((await t.request("DELETE", `/api/v1/tasks/${adminTask.items[0]?.id}`)).statusCode).toBe(204);
  });
});
