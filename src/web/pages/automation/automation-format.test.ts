import { describe, expect, it } from "vitest";
import { BUILTIN_RULES } from "../../../automation/seed-builtin-rules.ts";
import { t } from "../../i18n.ts";
import {
  actionInWords,
  addFacets,
  batchBody,
  batchOutcome,
  batchQuestion,
  canManageRules,
  canReadAutomation,
  canReviewDispatches,
  conditionInWords,
  cronInWords,
  deliveryLabel,
  durationInWords,
  facetKeys,
  facetValues,
  parseFacet,
  queueQuery,
  readQueueFilters,
  reasonWithoutRule,
  refusalLabel,
  runResultInWords,
  tabStatuses,
  triggerInWords,
  withoutDecided,
} from "./automation-format.ts";

const RULE = "3f6c2a9e-8b1d-4c7e-9a52-71d0e4b6c913";

describe("who may do what", () => {
  it("follows the server's permissions", () => {
    expect(["admin", "manager", "sales", "cs", "viewer"].map(canReadAutomation)).toEqual([
      true,
      true,
      false,
      true,
      true,
    ]);
    expect(["admin", "manager", "sales", "cs", "viewer"].map(canManageRules)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(["admin", "manager", "sales", "cs", "viewer"].map(canReviewDispatches)).toEqual([
      true,
      true,
      false,
      true,
      false,
    ]);
    expect(canReadAutomation(undefined)).toBe(false);
  });
});

describe("schedules in words", () => {
  it("says the common crons in pt-BR", () => {
    expect(cronInWords("0 9 * * *", t)).toBe("Todo dia às 09:00");
    expect(cronInWords("0 9 * * 1", t)).toBe("Toda segunda-feira às 09:00");
    expect(cronInWords("30 8 * * 0", t)).toBe("Todo domingo às 08:30");
    expect(cronInWords("30 8 * * 7", t)).toBe("Todo domingo às 08:30");
    expect(cronInWords("0 18 * * 1-5", t)).toBe("De segunda a sexta às 18:00");
    expect(cronInWords("0 9 * * 5,1,3", t)).toBe("Toda semana (seg, qua, sex) às 09:00");
    expect(cronInWords("0 9 * * 0,6", t)).toBe("Toda semana (sáb, dom) às 09:00");
    expect(cronInWords("15 7 5 * *", t)).toBe("Todo dia 5 do mês às 07:15");
    expect(cronInWords("*/15 * * * *", t)).toBe("A cada 15 minutos");
    expect(cronInWords("5 * * * *", t)).toBe("De hora em hora, aos 05 minutos");
    expect(cronInWords("0 */2 * * *", t)).toBe("A cada 2 horas");
  });

  it("shows what it cannot say as the expression", () => {
    expect(cronInWords("0 9 1 1 *", t)).toBe("Agenda 0 9 1 1 *");
    expect(cronInWords("0 9-17 * * *", t)).toBe("Agenda 0 9-17 * * *");
    expect(cronInWords("0 9 * * MON", t)).toBe("Agenda 0 9 * * MON");
    expect(cronInWords("bad", t)).toBe("Agenda bad");
    expect(cronInWords("61 9 * * *", t)).toBe("Agenda 61 9 * * *");
  });
});

describe("rules in words", () => {
  it("names every built-in rule's trigger", () => {
    const words = BUILTIN_RULES.map((rule) =>
      triggerInWords({ trigger: rule.event ?? "schedule", schedule: rule.schedule ?? null }, t),
    );
    expect(words).toEqual([
      "Compra aprovada",
      "Todo dia às 09:00 — resgate de acesso",
      "Toda segunda-feira às 09:00 — alunos parados",
      "Módulo concluído",
      "Temperatura do lead mudou",
      "Temperatura do lead mudou",
      "Temperatura do lead mudou",
    ]);
    expect(triggerInWords({ trigger: "lead.somewhere_new", schedule: null }, t)).toBe("lead.somewhere_new");
  });

  it("says every built-in action and condition", () => {
    const actions = BUILTIN_RULES.flatMap((rule) => rule.actions.map((action) => actionInWords(action, t)));
    expect(actions).toContain("Enviar WhatsApp: resgate de acesso");
    expect(actions).toContain("Pôr a etiqueta “Conquista” no Chatwoot");
    expect(actions).toContain("Criar a tarefa “Follow-up: lead quente” para daqui a 1 h");
    expect(actions).toContain("Enviar e-mail: lembrete da nutrição, 3 dias depois");
    expect(actions).toContain("Criar um negócio no funil de vendas");
    expect(actions).toContain("Adicionar a tag “remarketing”");
    expect(actions).toContain("Avisar parceiros por webhook (lead.hot)");
    expect(actions).toContain("Avisar no Slack: lead quente");
    expect(actions.some((text) => text.includes("undefined"))).toBe(false);

    const conditions = BUILTIN_RULES.flatMap((rule) =>
      rule.conditions.map((item) => conditionInWords(item, t)),
    );
    expect(conditions).toEqual([
      "Produto acompanhado: Sim",
      "Temperatura é quente",
      "Temperatura é morno",
      "Temperatura é frio",
    ]);
    expect(conditionInWords({ field: "contact.city", op: "exists" }, t)).toBe("Cidade preenchido");
    expect(conditionInWords({ field: "contact.tags", op: "in", value: ["vip", "aluno"] }, t)).toBe(
      "Tags é um de: vip, aluno",
    );
    expect(conditionInWords({ field: "product.monitoring", op: "neq", value: true }, t)).toBe(
      "Produto acompanhado: Não",
    );
    expect(conditionInWords({ field: "custom.plan", op: "eq", value: "anual" }, t)).toBe(
      "custom.plan é anual",
    );
  });

  it("says durations in minutes, hours and days", () => {
    expect(durationInWords(45, t)).toBe("45 min");
    expect(durationInWords(60, t)).toBe("1 h");
    expect(durationInWords(90, t)).toBe("1 h 30 min");
    expect(durationInWords(1440, t)).toBe("1 dia");
    expect(durationInWords(7 * 1440, t)).toBe("7 dias");
  });

  it("says a run's result", () => {
    expect(runResultInWords({ matched: 3, created: 3, skipped: 0 }, "suggest", t)).toBe(
      "3 encontrados, 3 sugestões",
    );
    expect(runResultInWords({ matched: 1, created: 1, skipped: 1 }, "suggest", t)).toBe(
      "1 encontrado, 1 sugestão, 1 ignorado",
    );
    expect(runResultInWords({ matched: 0, created: 0, skipped: 0 }, "auto", t)).toBe(
      "0 encontrados, 0 disparos",
    );
  });
});

describe("codes in words", () => {
  it("says refusals and deliveries in pt-BR, unknown codes as sent", () => {
    expect(refusalLabel("window_closed", t)).toContain("janela de 24 h");
    expect(refusalLabel("opt_out", t)).toBe("o contato pediu para não receber mensagens");
    for (const code of [
      "opt_out",
      "no_consent",
      "no_legal_basis",
      "window_closed",
      "frequency_cap",
      "quiet_hours",
      "no_address",
      "contact_gone",
      "no_chatwoot_conversation",
    ]) {
      expect(refusalLabel(code, t)).not.toBe(code);
    }
    expect(refusalLabel("something_new", t)).toBe("something_new");
    expect(["sent", "delivered", "read", "failed"].map((item) => deliveryLabel(item, t))).toEqual([
      "enviado",
      "entregue",
      "lido",
      "falhou",
    ]);
  });
});

describe("a dispatch's reason", () => {
  it("drops the rule's name it starts with (the row shows the rule beside it)", () => {
    expect(reasonWithoutRule("Resgate de acesso: comprou há mais de 24 h", "Resgate de acesso")).toBe(
      "comprou há mais de 24 h",
    );
    expect(reasonWithoutRule("Compra aprovada → boas-vindas", "Compra aprovada → boas-vindas")).toBe("");
    expect(reasonWithoutRule("Pedido manual", "Resgate de acesso")).toBe("Pedido manual");
    expect(reasonWithoutRule("Pedido manual", null)).toBe("Pedido manual");
  });
});

describe("the queue's filters", () => {
  it("reads the route's query, dropping what the server would refuse", () => {
    expect(readQueueFilters(new URLSearchParams(""))).toEqual({
      tab: "pending",
      ruleId: "",
      channel: "",
      facet: "",
    });
    expect(
      readQueueFilters(new URLSearchParams(`tab=sent&ruleId=${RULE}&channel=whatsapp&facet=module:Módulo 2`)),
    ).toEqual({ tab: "sent", ruleId: RULE, channel: "whatsapp", facet: "module:Módulo 2" });
    expect(readQueueFilters(new URLSearchParams("tab=nope&ruleId=12&channel=fax&facet=Módulo"))).toEqual({
      tab: "pending",
      ruleId: "",
      channel: "",
      facet: "",
    });
  });

  it("writes only what differs from the defaults", () => {
    expect(queueQuery({ tab: "pending", ruleId: "", channel: "", facet: "" }).toString()).toBe("");
    expect(queueQuery({ ruleId: RULE }).toString()).toBe(`ruleId=${RULE}`);
    expect(queueQuery({ tab: "refused", facet: "product:Clube" }).toString()).toBe(
      "tab=refused&facet=product%3AClube",
    );
  });

  it("maps each tab to the server's statuses", () => {
    expect(tabStatuses("pending")).toEqual(["pending"]);
    expect(tabStatuses("approved")).toEqual(["approved", "sending"]);
    expect(tabStatuses("failed")).toEqual(["failed", "unknown"]);
  });
});

describe("facets", () => {
  it("parses key:value (the value may hold a colon)", () => {
    expect(parseFacet("module:Módulo 3 - Luz: natural")).toEqual({
      key: "module",
      value: "Módulo 3 - Luz: natural",
    });
    expect(parseFacet("module:")).toBeNull();
    expect(parseFacet(":x")).toBeNull();
  });

  it("adds up lists, orders keys and values, and takes decided ones out", () => {
    const total = addFacets([
      { module: { "Módulo 2": 30, "Módulo 10": 1 }, product: { Clube: 31 } },
      { module: { "Módulo 2": 4 } },
    ]);
    expect(total).toEqual({ module: { "Módulo 2": 34, "Módulo 10": 1 }, product: { Clube: 31 } });
    expect(facetKeys({ product: {}, zeta: {}, module: {} })).toEqual(["module", "product", "zeta"]);
    expect(facetValues({ "Módulo 10": 2, "Módulo 2": 2, "Módulo 1": 5 })).toEqual([
      { value: "Módulo 1", count: 5 },
      { value: "Módulo 2", count: 2 },
      { value: "Módulo 10", count: 2 },
    ]);
    expect(withoutDecided(total, [{ facets: { module: "Módulo 10", product: "Clube" } }])).toEqual({
      module: { "Módulo 2": 34 },
      product: { Clube: 30 },
    });
    expect(total.module?.["Módulo 10"]).toBe(1);
  });
});

describe("batches", () => {
  it("asks with the count and what the filter selects", () => {
    expect(
      batchQuestion(
        "approve",
        { count: 34, picked: false, ruleName: "Aluno parado", facetValue: "Módulo 2", channel: "whatsapp" },
        t,
      ),
    ).toBe("Aprovar 34 disparos da regra “Aluno parado” em Módulo 2 por WhatsApp?");
    expect(batchQuestion("approve", { count: 1, picked: false, facetValue: "Módulo 2" }, t)).toBe(
      "Aprovar 1 disparo em Módulo 2?",
    );
    expect(batchQuestion("reject", { count: 3, picked: true }, t)).toBe("Rejeitar 3 disparos selecionados?");
    expect(batchQuestion("approve", { count: 12, picked: false }, t)).toBe("Aprovar 12 disparos?");
  });

  it("tells the result, and when fewer were decided than asked", () => {
    expect(batchOutcome("approve", { decided: 34, asked: 34 }, t)).toBe("34 disparos aprovados.");
    expect(batchOutcome("reject", { decided: 1, asked: 1 }, t)).toBe("1 disparo rejeitado.");
    expect(batchOutcome("approve", { decided: 30, asked: 34 }, t)).toBe(
      "30 de 34 disparos aprovados; os outros já tinham sido decididos ou expiraram.",
    );
  });

  it("sends the ids picked, or the filter itself", () => {
    expect(
      batchBody({ ids: ["a", "b"], allOfFilter: false }, { ruleId: RULE, channel: "", facet: "" }),
    ).toEqual({
      ids: ["a", "b"],
    });
    expect(
      batchBody({ ids: ["a"], allOfFilter: true }, { ruleId: RULE, channel: "", facet: "module:Módulo 2" }),
    ).toEqual({ filter: { ruleId: RULE, facet: "module:Módulo 2" } });
  });
});
