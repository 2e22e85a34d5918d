import { describe, expect, it } from "vitest";
import type { RuleView } from "../../../automation/manage-rules.ts";
import {
  ActionSchema,
  AUTOMATION_EVENTS,
  ConditionSchema,
  SCHEDULE_QUERIES,
} from "../../../automation/schemas.ts";
import { BUILTIN_RULES } from "../../../automation/seed-builtin-rules.ts";
import { isMessageKey, t } from "../../i18n.ts";
import {
  ACTION_TYPES,
  actionDraftOf,
  actionOf,
  CONDITION_OPS,
  conditionOf,
  cronOfSchedule,
  draftOfRule,
  draftProblems,
  fieldSpecOf,
  fieldsForTrigger,
  isFormPath,
  moved,
  newAction,
  newCondition,
  newRuleDraft,
  purposesByChannel,
  RULE_EVENTS,
  RULE_QUERIES,
  type RuleDraft,
  ruleChange,
  ruleCreation,
  ruleErrorsByPath,
  ruleSummary,
  scheduleOfCron,
  splitMinutes,
  type TriggerDraft,
  toMinutes,
  withActionType,
  withField,
  withOp,
} from "./rule-form-format.ts";

const PURPOSES = purposesByChannel([
  { purpose: "welcome", channel: "whatsapp" },
  { purpose: "welcome", channel: "whatsapp" },
  { purpose: "access_rescue", channel: "whatsapp" },
  { purpose: "nurture", channel: "email" },
  { purpose: "hot_lead", channel: "slack" },
]);

const event = (name: TriggerDraft["event"]): TriggerDraft => ({
  kind: "event",
  event: name,
  query: "access_rescue",
});

function ruleView(overrides: Partial<RuleView>): RuleView {
  return {
    id: "3f6c2a9e-8b1d-4c7e-9a52-71d0e4b6c913",
    name: "VIP",
    trigger: "tag.added",
    schedule: null,
    builtin: null,
    mode: "suggest",
    enabled: true,
    conditions: [],
    actions: [{ type: "create_task", title: "Ligar", dueInMinutes: 30 }],
    lastRunAt: null,
    nextRunAt: null,
    pending: 0,
    ...overrides,
  };
}

describe("the lists copied from the server", () => {
  it("name every event, query, operator and action type", () => {
    expect([...RULE_EVENTS]).toEqual([...AUTOMATION_EVENTS]);
    expect([...RULE_QUERIES]).toEqual([...SCHEDULE_QUERIES]);
    expect([...CONDITION_OPS].sort()).toEqual([...ConditionSchema.shape.op.options].sort());
    expect([...ACTION_TYPES].sort()).toEqual(
      ActionSchema.options.map((option) => option.shape.type.value).sort(),
    );
  });
});

describe("cron ↔ the friendly schedule", () => {
  it("reads daily and weekly crons, and keeps the rest as advanced", () => {
    expect(scheduleOfCron("0 9 * * *")).toMatchObject({ kind: "daily", time: "09:00" });
    expect(scheduleOfCron("30 18 * * 1")).toMatchObject({ kind: "weekly", time: "18:30", weekday: 1 });
    expect(scheduleOfCron("0 8 * * 7")).toMatchObject({ kind: "weekly", weekday: 0 });
    expect(scheduleOfCron(" 5 7  * * 0 ")).toMatchObject({ kind: "weekly", time: "07:05", weekday: 0 });
    for (const cron of [
      "*/15 * * * *",
      "0 9 * * 1-5",
      "0 9 1 * *",
      "0 9 * * 1,3",
      "61 9 * * *",
      "every day",
    ]) {
      expect(scheduleOfCron(cron)).toMatchObject({ kind: "advanced", cron: cron.trim() });
    }
  });

  it("writes the cron of the picker, and none while the time is not HH:MM", () => {
    expect(cronOfSchedule({ kind: "daily", time: "09:00", weekday: 1, cron: "" })).toBe("0 9 * * *");
    expect(cronOfSchedule({ kind: "weekly", time: "18:30", weekday: 5, cron: "" })).toBe("30 18 * * 5");
    expect(cronOfSchedule({ kind: "weekly", time: "07:05", weekday: 0, cron: "" })).toBe("5 7 * * 0");
    expect(cronOfSchedule({ kind: "advanced", time: "09:00", weekday: 1, cron: " 0 9 * * 1-5 " })).toBe(
      "0 9 * * 1-5",
    );
    expect(cronOfSchedule({ kind: "daily", time: "25:00", weekday: 1, cron: "" })).toBeNull();
    expect(cronOfSchedule({ kind: "daily", time: "", weekday: 1, cron: "" })).toBeNull();
  });

  it("round-trips the built-in schedules", () => {
    for (const rule of BUILTIN_RULES) {
      if (!rule.schedule) continue;
      expect(cronOfSchedule(scheduleOfCron(rule.schedule.cron))).toBe(rule.schedule.cron);
    }
  });
});

describe("the fields each trigger offers", () => {
  const paths = (trigger: TriggerDraft) => fieldsForTrigger(trigger).map((field) => field.path);

  it("puts the event's own data first, then the contact's", () => {
    expect(paths(event("tag.added")).slice(0, 2)).toEqual(["event.tag", "contact.name"]);
    expect(paths(event("lead.temperature_changed")).slice(0, 3)).toEqual([
      "event.temperature",
      "event.previous",
      "event.score",
    ]);
    expect(paths(event("deal.stage_changed"))).toEqual(expect.arrayContaining(["event.stage", "event.kind"]));
    expect(paths(event("module.completed"))).toEqual(
      expect.arrayContaining(["event.module", "enrollment.modulesCompleted", "product.name"]),
    );
  });

  it("offers the product and enrollment only where the event names a product, and on schedules", () => {
    expect(paths(event("tag.added"))).not.toContain("product.monitoring");
    expect(paths(event("lead.created"))).not.toContain("enrollment.cohort");
    expect(paths(event("deal.stage_changed"))).not.toContain("product.name");
    expect(paths(event("purchase.approved"))).toContain("product.monitoring");
    expect(paths(event("purchase.approved")).some((path) => path.startsWith("event."))).toBe(false);
    expect(paths({ kind: "schedule", event: "tag.added", query: "stalled_students" })).toEqual(
      expect.arrayContaining(["event.module", "enrollment.lastModule", "contact.tags"]),
    );
    expect(paths({ kind: "schedule", event: "tag.added", query: "access_rescue" })).not.toContain(
      "event.module",
    );
    expect(paths({ kind: "schedule", event: "tag.added", query: "access_rescue" })).not.toContain(
      "event.tag",
    );
  });

  it("has words for every field it offers", () => {
    const triggers: TriggerDraft[] = [
      ...RULE_EVENTS.map(event),
      ...RULE_QUERIES.map((query): TriggerDraft => ({ kind: "schedule", event: "tag.added", query })),
    ];
    const missing = triggers
      .flatMap((trigger) => fieldsForTrigger(trigger))
      .filter((field) => !isMessageKey(`automation.field.${field.path}`));
    expect(missing).toEqual([]);
  });

  it("types a field it does not offer by its value", () => {
    const fields = fieldsForTrigger(event("tag.added"));
    expect(fieldSpecOf("contact.custom.plan", fields, 3)).toMatchObject({ kind: "number", group: "other" });
    expect(fieldSpecOf("contact.custom.vip", fields, true)).toMatchObject({ kind: "boolean" });
    expect(fieldSpecOf("contact.custom.plan", fields, "gold")).toMatchObject({ kind: "text" });
  });
});

describe("a condition row", () => {
  const fields = fieldsForTrigger(event("lead.temperature_changed"));

  it("starts on the first field, and resets the value and operator when the field's type changes", () => {
    const first = newCondition(fields);
    expect(first).toMatchObject({ field: "event.temperature", op: "eq", value: "hot" });
    const score = withField({ ...first, op: "in", value: "hot, warm" }, "event.score", fields);
    expect(score).toMatchObject({ field: "event.score", op: "eq", value: "" });
    const optedOut = withField(score, "contact.optedOut", fields);
    expect(optedOut).toMatchObject({ op: "eq", value: "true" });
    const city = withField({ ...first, op: "neq" }, "contact.city", fields);
    expect(city).toMatchObject({ op: "neq", value: "" });
    expect(withField({ ...city, value: "Recife" }, "contact.source", fields)).toMatchObject({
      field: "contact.source",
      op: "neq",
      value: "Recife",
    });
    expect(withField(first, "contact.tags", fields)).toMatchObject({ op: "contains", value: "" });
  });

  it("keeps the first value when a list becomes one value", () => {
    expect(withOp({ key: "k", field: "contact.city", op: "in", value: "Recife, Natal" }, "eq").value).toBe(
      "Recife",
    );
    expect(withOp({ key: "k", field: "contact.city", op: "eq", value: "Recife" }, "in").value).toBe("Recife");
  });

  it("types the value by its field for the API", () => {
    const row = (field: string, op: (typeof CONDITION_OPS)[number], value: string) =>
      conditionOf({ key: "k", field, op, value }, fields);
    expect(row("event.temperature", "eq", "hot")).toEqual({
      field: "event.temperature",
      op: "eq",
      value: "hot",
    });
    expect(row("event.score", "gte", "70")).toEqual({ field: "event.score", op: "gte", value: 70 });
    expect(row("event.score", "lte", "7,5")).toEqual({ field: "event.score", op: "lte", value: 7.5 });
    expect(row("contact.optedOut", "eq", "false")).toEqual({
      field: "contact.optedOut",
      op: "eq",
      value: false,
    });
    expect(row("contact.city", "in", "Recife, , Natal ")).toEqual({
      field: "contact.city",
      op: "in",
      value: ["Recife", "Natal"],
    });
    expect(row("contact.city", "exists", "ignored")).toEqual({ field: "contact.city", op: "exists" });
    expect(row("contact.city", "contains", " São ")).toEqual({
      field: "contact.city",
      op: "contains",
      value: "São",
    });
  });
});

describe("an action row", () => {
  it("picks the channel's first template, and keeps what was typed when the type changes", () => {
    expect(newAction("send_whatsapp", PURPOSES).template).toBe("welcome");
    expect(newAction("notify_slack", PURPOSES).template).toBe("hot_lead");
    const task = { ...newAction("create_task", PURPOSES), title: "Ligar" };
    const email = withActionType(task, "send_email", PURPOSES);
    expect(email).toMatchObject({ type: "send_email", template: "nurture", title: "Ligar" });
    expect(withActionType({ ...email, template: "access_rescue" }, "send_whatsapp", PURPOSES).template).toBe(
      "access_rescue",
    );
  });

  it("says durations in the largest whole unit and back", () => {
    expect(splitMinutes(30)).toEqual({ amount: "30", unit: "minutes" });
    expect(splitMinutes(120)).toEqual({ amount: "2", unit: "hours" });
    expect(splitMinutes(3 * 1440)).toEqual({ amount: "3", unit: "days" });
    expect(splitMinutes(90)).toEqual({ amount: "90", unit: "minutes" });
    expect(splitMinutes(0)).toEqual({ amount: "0", unit: "minutes" });
    expect(toMinutes("2", "hours")).toBe(120);
    expect(toMinutes(" 3 ", "days")).toBe(4320);
    expect(toMinutes("1.5", "hours")).toBeNull();
    expect(toMinutes("", "minutes")).toBeNull();
  });

  it("round-trips every built-in action", () => {
    for (const rule of BUILTIN_RULES) {
      for (const action of rule.actions) expect(actionOf(actionDraftOf(action))).toEqual(action);
    }
  });

  it("maps each type to the API's shape", () => {
    const draft = newAction("create_task", PURPOSES);
    expect(actionOf({ ...draft, title: " Ligar para o VIP ", due: "30", dueUnit: "minutes" })).toEqual({
      type: "create_task",
      title: "Ligar para o VIP",
      dueInMinutes: 30,
    });
    expect(
      actionOf({ ...draft, type: "send_email", template: "nurture", delay: "3", delayUnit: "days" }),
    ).toEqual({
      type: "send_email",
      template: "nurture",
      delayMinutes: 4320,
    });
    expect(actionOf({ ...draft, type: "send_whatsapp", template: "welcome", delay: "" })).toEqual({
      type: "send_whatsapp",
      template: "welcome",
    });
    expect(actionOf({ ...draft, type: "push_to_pipeline", pipelineId: "" })).toEqual({
      type: "push_to_pipeline",
    });
    expect(actionOf({ ...draft, type: "add_tag", tag: " vip " })).toEqual({ type: "add_tag", tag: "vip" });
    expect(actionOf({ ...draft, type: "partner_webhook" })).toEqual({
      type: "partner_webhook",
      event: "lead.hot",
    });
  });

  it("moves an item up and down, clamped to the list", () => {
    expect(moved(["a", "b", "c"], 2, 1)).toEqual(["a", "c", "b"]);
    expect(moved(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(moved(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(moved(["a", "b", "c"], 2, 3)).toEqual(["a", "b", "c"]);
  });
});

describe("the form → the API", () => {
  function vipDraft(): RuleDraft {
    const draft = newRuleDraft();
    return {
      ...draft,
      name: " VIP → ligar em 30 min ",
      trigger: event("tag.added"),
      conditions: [{ key: "c1", field: "event.tag", op: "eq", value: "vip" }],
      actions: [{ ...newAction("create_task", PURPOSES), title: "Ligar para o VIP", due: "30" }],
    };
  }

  it("creates an event rule in suggest mode", () => {
    expect(ruleCreation(vipDraft())).toEqual({
      name: "VIP → ligar em 30 min",
      trigger: { kind: "event", event: "tag.added" },
      conditions: [{ field: "event.tag", op: "eq", value: "vip" }],
      actions: [{ type: "create_task", title: "Ligar para o VIP", dueInMinutes: 30 }],
      mode: "suggest",
    });
  });

  it("creates a scheduled rule with the cron the picker wrote", () => {
    const draft: RuleDraft = {
      ...vipDraft(),
      trigger: { kind: "schedule", event: "tag.added", query: "stalled_students" },
      schedule: { kind: "weekly", time: "10:15", weekday: 3, cron: "" },
      conditions: [],
    };
    expect(ruleCreation(draft).trigger).toEqual({
      kind: "schedule",
      query: "stalled_students",
      cron: "15 10 * * 3",
    });
  });

  it("patches only what changed", () => {
    const rule = ruleView({
      conditions: [{ field: "event.tag", op: "eq", value: "vip" }],
      actions: [{ type: "create_task", title: "Ligar para o VIP", dueInMinutes: 30 }],
    });
    const draft = draftOfRule(rule);
    expect(ruleChange(rule, draft)).toEqual({});
    const more = {
      ...draft,
      conditions: [
        ...draft.conditions,
        { key: "c2", field: "contact.city", op: "eq" as const, value: "Recife" },
      ],
    };
    expect(ruleChange(rule, more)).toEqual({
      conditions: [
        { field: "event.tag", op: "eq", value: "vip" },
        { field: "contact.city", op: "eq", value: "Recife" },
      ],
    });
    expect(ruleChange(rule, { ...draft, name: "VIP 2", mode: "auto" })).toEqual({
      name: "VIP 2",
      mode: "auto",
    });
  });

  it("reads the stored rule's keys in any order (jsonb sorts them)", () => {
    const rule = ruleView({
      conditions: [JSON.parse('{"op":"eq","value":"vip","field":"event.tag"}') as RuleView["conditions"][0]],
      actions: [
        JSON.parse('{"title":"Ligar","type":"create_task","dueInMinutes":60}') as RuleView["actions"][0],
      ],
    });
    expect(ruleChange(rule, draftOfRule(rule))).toEqual({});
  });

  it("changes a schedule through scheduleCron, not when it is only written differently", () => {
    const rule = ruleView({ trigger: "schedule", schedule: { query: "access_rescue", cron: "00 09 * * *" } });
    const draft = draftOfRule(rule);
    expect(draft.trigger).toMatchObject({ kind: "schedule", query: "access_rescue" });
    expect(draft.schedule).toMatchObject({ kind: "daily", time: "09:00" });
    expect(ruleChange(rule, draft)).toEqual({});
    expect(ruleChange(rule, { ...draft, schedule: { ...draft.schedule, time: "08:30" } })).toEqual({
      scheduleCron: "30 8 * * *",
    });
    expect(
      ruleChange(rule, { ...draft, schedule: { ...draft.schedule, kind: "advanced", cron: "0 9 * * 1-5" } }),
    ).toEqual({ scheduleCron: "0 9 * * 1-5" });
  });

  it("round-trips every built-in rule without a change", () => {
    for (const builtin of BUILTIN_RULES) {
      const rule = ruleView({
        builtin: builtin.builtin,
        name: builtin.name,
        trigger: builtin.event ?? "schedule",
        schedule: builtin.schedule ?? null,
        mode: builtin.mode,
        conditions: builtin.conditions,
        actions: builtin.actions,
      });
      expect(ruleChange(rule, draftOfRule(rule))).toEqual({});
    }
  });

  it("flags what it can before asking the server, by the server's paths", () => {
    const draft: RuleDraft = {
      ...vipDraft(),
      trigger: { kind: "schedule", event: "tag.added", query: "access_rescue" },
      schedule: { kind: "daily", time: "9h", weekday: 1, cron: "" },
      conditions: [
        { key: "a", field: "contact.score", op: "gte", value: "muito" },
        { key: "b", field: "contact.city", op: "eq", value: " " },
        { key: "c", field: "contact.city", op: "exists", value: "" },
        { key: "d", field: "contact.city", op: "in", value: " , " },
      ],
      actions: [
        { ...newAction("create_task", PURPOSES), title: "x", due: "1.5" },
        { ...newAction("send_email", PURPOSES), delay: "-1" },
        { ...newAction("send_email", PURPOSES), delay: "" },
      ],
    };
    expect(draftProblems(draft)).toEqual({
      cron: "automation.ruleForm.problem.time",
      "conditions.0.value": "automation.ruleForm.problem.number",
      "conditions.1.value": "automation.ruleForm.problem.value",
      "conditions.3.value": "automation.ruleForm.problem.value",
      "actions.0.dueInMinutes": "automation.ruleForm.problem.whole",
      "actions.1.delayMinutes": "automation.ruleForm.problem.whole",
    });
    expect(draftProblems(vipDraft())).toEqual({});
  });

  it("reads the server's field errors by the form's paths", () => {
    expect(
      ruleErrorsByPath([
        { field: "body.name", message: "too small" },
        { field: "trigger.cron", message: "five fields, e.g. 0 9 * * 1" },
        { field: "scheduleCron", message: "later" },
        { field: "body.actions.0.title", message: "required" },
        { field: "body.trigger.event", message: "invalid option" },
      ]),
    ).toEqual({
      name: "too small",
      cron: "five fields, e.g. 0 9 * * 1",
      "actions.0.title": "required",
      trigger: "invalid option",
    });
    expect(["name", "cron", "actions", "actions.0.title", "conditions.2.value"].every(isFormPath)).toBe(true);
    expect(["enabled", "actions.0.event", "conditions.x"].some(isFormPath)).toBe(false);
  });

  it("says what the rule will do in the rule cards' words", () => {
    expect(ruleSummary(vipDraft(), t)).toEqual({
      trigger: "Tag adicionada",
      conditions: ["Tag adicionada é vip"],
      actions: ["Criar a tarefa “Ligar para o VIP” para daqui a 30 min"],
      mode: "Cada disparo espera uma pessoa aprovar na fila.",
    });
    const scheduled: RuleDraft = {
      ...vipDraft(),
      trigger: { kind: "schedule", event: "tag.added", query: "access_rescue" },
      schedule: { kind: "weekly", time: "09:00", weekday: 1, cron: "" },
      conditions: [{ key: "a", field: "product.monitoring", op: "eq", value: "true" }],
    };
    const summary = ruleSummary(scheduled, t);
    expect(summary.trigger).toBe("Toda segunda-feira às 09:00 — resgate de acesso");
    expect(summary.conditions).toEqual(["Produto acompanhado: Sim"]);
    const deal: RuleDraft = {
      ...vipDraft(),
      trigger: event("deal.stage_changed"),
      conditions: [
        { key: "a", field: "event.kind", op: "eq", value: "won" },
        { key: "b", field: "event.stage", op: "in", value: "Proposta, Fechamento" },
      ],
    };
    expect(ruleSummary(deal, t).conditions).toEqual([
      "Situação da etapa é ganho",
      "Etapa nova é um de: Proposta, Fechamento",
    ]);
  });
});
