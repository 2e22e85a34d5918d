import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { multipartBody } from "../../test/multipart.ts";
import { createTestApp, FIXED_NOW, type TestApp } from "../../test/test-app.ts";
import type { RuleView } from "./manage-rules.ts";
import type { DispatchView } from "./review-dispatches.ts";

let t: TestApp;
let leadId: string;

beforeAll(async () => {
  t = await createTestApp();
  const lead = await t.request("POST", "/api/v1/leads", {
    body: { name: "Bia Tag", email: "bia@example.com", phone: "+55 21 98888-7777", source: "api" },
  });
  leadId = (lead.json() as { id: string }).id;
  await t.drain();
});
afterAll(async () => {
  await t.close();
});

async function dispatchesOf(ruleId: string): Promise<DispatchView[]> {
  return ((await t.request("GET", `/api/v1/dispatches?ruleId=${ruleId}`)).json() as { items: DispatchView[] })
    .items;
}

describe("rules a person makes", () => {
  it("validates the rule: unknown events, bad actions and bad schedules are refused with their fields", async () => {
    const badEvent = await t.request("POST", "/api/v1/automation-rules", {
      body: {
        name: "x",
        trigger: { kind: "event", event: "lead.exploded" },
        actions: [{ type: "add_tag", tag: "a" }],
      },
    });
    expect(badEvent.statusCode).toBe(400);
    expect(badEvent.headers["content-type"]).toContain("application/problem+json");
    const noActions = await t.request("POST", "/api/v1/automation-rules", {
      body: { name: "x", trigger: { kind: "event", event: "tag.added" }, actions: [] },
    });
    expect(noActions.statusCode).toBe(400);
    const badCron = await t.request("POST", "/api/v1/automation-rules", {
      body: {
        name: "x",
        trigger: { kind: "schedule", query: "access_rescue", cron: "every monday" },
        actions: [{ type: "add_tag", tag: "a" }],
      },
    });
    expect(badCron.statusCode).toBe(400);
    expect((badCron.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("trigger.cron");
  });

  it("tag.added: a VIP tag creates a follow-up task, automatically", async () => {
    const created = await t.request("POST", "/api/v1/automation-rules", {
      body: {
        name: "VIP → ligar em 30 min",
        trigger: { kind: "event", event: "tag.added" },
        conditions: [{ field: "event.tag", op: "eq", value: "vip" }],
        actions: [{ type: "create_task", title: "Ligar para o VIP", dueInMinutes: 30 }],
        mode: "auto",
      },
    });
    expect(created.statusCode).toBe(201);
    const rule = created.json() as RuleView;
    expect(rule).toMatchObject({ trigger: "tag.added", mode: "auto", enabled: true, builtin: null });

    // Another tag: no job at all (the event condition is checked when the event is emitted).
    await t.request("PATCH", `/api/v1/leads/${leadId}`, { body: { tags: ["curioso"] } });
    const queued = await sql<{ n: number }>`
      select count(*)::int as n from outbox where queue = 'automation.evaluate-event'
    `.execute(t.app.deps.db);
    expect(queued.rows[0]?.n).toBe(0);
    await t.drain();
    expect(await dispatchesOf(rule.id)).toEqual([]);

    await t.request("PATCH", `/api/v1/leads/${leadId}`, { body: { tags: ["curioso", "vip"] } });
    await t.drain();
    const [task] = await dispatchesOf(rule.id);
    expect(task).toMatchObject({ channel: "task", status: "sent" });
    const { rows } = await sql<{ title: string; due_at: Date }>`
      select title, due_at from tasks where contact_id = ${leadId}
    `.execute(t.app.deps.db);
    expect(rows).toEqual([
      { title: "Ligar para o VIP", due_at: new Date(Date.parse(FIXED_NOW) + 30 * 60_000) },
    ]);
  });

  it("deal.stage_changed: a deal moved to Proposta suggests a tag, a person approves", async () => {
    const pipeline = (
      await t.request("POST", "/api/v1/pipelines", {
        body: {
          name: "Vendas",
          stages: [
            { name: "Novo" },
            { name: "Proposta" },
            { name: "Ganho", kind: "won" },
            { name: "Perdido", kind: "lost" },
          ],
        },
      })
    ).json() as { id: string; stages: { id: string; name: string }[] };
    const rule = (
      await t.request("POST", "/api/v1/automation-rules", {
        body: {
          name: "Proposta → etiqueta",
          trigger: { kind: "event", event: "deal.stage_changed" },
          conditions: [{ field: "event.kind", op: "eq", value: "open" }],
          actions: [{ type: "add_tag", tag: "em-proposta" }],
        },
      })
    ).json() as RuleView;
    const deal = (
      await t.request("POST", "/api/v1/deals", { body: { contactId: leadId, pipelineId: pipeline.id } })
    ).json() as { id: string };
    const target = pipeline.stages[1];
    const moved = await t.request("POST", `/api/v1/deals/${deal.id}/move`, { body: { stageId: target?.id } });
    expect(moved.statusCode).toBe(200);
    await t.drain();
    const [suggested] = await dispatchesOf(rule.id);
    expect(suggested).toMatchObject({
      channel: "tag",
      status: "pending",
      body: 'Adicionar a etiqueta "em-proposta"',
    });
    await t.request("POST", `/api/v1/dispatches/${suggested?.id}/approve`, { body: {} });
    await t.drain();
    const lead = (await t.request("GET", `/api/v1/leads/${leadId}`)).json() as { tags: string[] };
    expect(lead.tags).toContain("em-proposta");
  });

  it("a person's rule can be deleted (its pending suggestions expire); a built-in one cannot", async () => {
    const rules = ((await t.request("GET", "/api/v1/automation-rules")).json() as { items: RuleView[] })
      .items;
    const welcome = rules.find((rule) => rule.builtin === "welcome");
    const deleteBuiltin = await t.request("DELETE", `/api/v1/automation-rules/${welcome?.id}`);
    expect(deleteBuiltin.statusCode).toBe(409);
    const mine = rules.find((rule) => rule.name === "VIP → ligar em 30 min");
    expect((await t.request("DELETE", `/api/v1/automation-rules/${mine?.id}`)).statusCode).toBe(204);
    expect((await t.request("GET", `/api/v1/automation-rules/${mine?.id}`)).statusCode).toBe(404);
    const audit = (await t.request("GET", "/api/v1/audit?entityType=automation_rule")).json() as {
      items: { action: string }[];
    };
    expect(audit.items.map((item) => item.action)).toContain("automation_rule.deleted");
  });

  it("an import runs the rules for its rows unless it is quiet", async () => {
    const rule = (
      await t.request("POST", "/api/v1/automation-rules", {
        body: {
          name: "Novo lead importado → etiqueta",
          trigger: { kind: "event", event: "lead.created" },
          actions: [{ type: "add_tag", tag: "importado" }],
        },
      })
    ).json() as RuleView;
    const csv = (rows: string[]) => Buffer.from(`nome;email\n${rows.join("\n")}\n`);
    const upload = async (file: Buffer, quiet: boolean) => {
      const { body, contentType } = multipartBody(file, "leads.csv", { fields: { quiet: String(quiet) } });
      const response = await t.request("POST", "/api/v1/imports", {
        rawBody: body,
        headers: { "content-type": contentType },
      });
      expect(response.statusCode).toBe(202);
      await t.drain();
    };
    await upload(csv(["Quieta Um;quieta1@example.com", "Quieta Dois;quieta2@example.com"]), true);
    expect(await dispatchesOf(rule.id)).toEqual([]);
    await upload(csv(["Ruidosa;ruidosa@example.com"]), false);
    const suggested = await dispatchesOf(rule.id);
    expect(suggested.map((item) => [item.contactName, item.status])).toEqual([["Ruidosa", "pending"]]);
  });
});
