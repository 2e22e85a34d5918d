import { describe, expect, it } from "vitest";
import type { FunnelReport, LiveFigures, OverviewReport } from "../../../analytics/dashboard-schemas.ts";
import { t } from "../../i18n.ts";
import {
  canOpenEvents,
  canSeeDashboards,
  canSeeFunnel,
  canSeeOverview,
  filtersQuery,
  funnelChart,
  intakeChart,
  lastDays,
  leadsChart,
  localDay,
  ownerRows,
  percentText,
  readFilters,
  reportQuery,
  slaRows,
  temperatureChart,
  timeRows,
  viewFor,
} from "./dashboards-format.ts";

const OWNER = "7b0c2a4e-1d3f-4a5b-8c6d-9e0f1a2b3c4d";
const PIPELINE = "0f1e2d3c-4b5a-4697-8877-665544332211";

const live: LiveFigures = {
  at: "2026-11-23T12:00:00.000Z",
  today: "2026-11-23",
  newLeadsToday: 3,
  intake: { lastHour: 5, lastMinute: 4, perMinute: 5 / 60, minutes: [...new Array<number>(59).fill(0), 4] },
  backlog: 1,
  backlogOldestAt: "2026-11-23T12:00:00.000Z",
  failed: 1,
};

const overview: OverviewReport = {
  period: {
    from: "2026-11-21",
    to: "2026-11-23",
    timeZone: "America/Sao_Paulo",
    start: "2026-11-21T03:00:00.000Z",
    end: "2026-11-24T03:00:00.000Z",
    days: ["2026-11-21", "2026-11-22", "2026-11-23"],
  },
  filters: { source: null },
  leads: {
    total: 7,
    perDay: [4, 1, 2],
    sources: [
      { source: "instagram", total: 4, perDay: [3, 0, 1] },
      { source: null, total: 3, perDay: [1, 1, 1] },
    ],
  },
  temperature: { hot: 3, warm: 1, cold: 3, unscored: 0 },
  live,
  failedEvents: [],
  silentSources: [],
};

describe("who sees the Painel", () => {
  it("follows the server's permissions", () => {
    expect(["admin", "manager", "sales", "cs", "viewer", "client"].map(canSeeOverview)).toEqual([
      true,
      true,
      false,
      true,
      true,
      false,
    ]);
    expect(canSeeFunnel("sales")).toBe(true);
    expect(canSeeDashboards("client")).toBe(false);
    expect(canOpenEvents("viewer")).toBe(false);
    expect(canOpenEvents("manager")).toBe(true);
  });

  it("sends sales to the funnel", () => {
    expect(viewFor(undefined, "admin")).toBe("overview");
    expect(viewFor("funnel", "admin")).toBe("funnel");
    expect(viewFor(undefined, "sales")).toBe("funnel");
    expect(viewFor("nonsense", "viewer")).toBe("overview");
  });
});

describe("filters in the URL", () => {
  it("keeps the well-formed ones, in one order", () => {
    const query = new URLSearchParams(
      `source=instagram&to=2026-11-23&from=2026-11-01&ownerId=${OWNER}&pipelineId=not-a-uuid&extra=1`,
    );
    const filters = readFilters(query);
    expect(filters).toEqual({ from: "2026-11-01", to: "2026-11-23", source: "instagram", ownerId: OWNER });
    expect(filtersQuery(filters).toString()).toBe(
      `from=2026-11-01&to=2026-11-23&ownerId=${OWNER}&source=instagram`,
    );
    expect(readFilters(new URLSearchParams("from=23/11/2026&source=%20"))).toEqual({});
  });

  it("sends each view its own filters", () => {
    const filters = { from: "2026-11-01", source: "api", pipelineId: PIPELINE, ownerId: OWNER };
    expect(reportQuery("overview", filters)).toEqual({ from: "2026-11-01", source: "api" });
    expect(reportQuery("funnel", filters)).toEqual({ ...filters });
  });

  it("counts the last days from the workspace's today", () => {
    expect(lastDays(7, "2026-11-23")).toEqual({ from: "2026-11-17", to: "2026-11-23" });
    expect(lastDays(30, "2026-03-01")).toEqual({ from: "2026-01-31", to: "2026-03-01" });
    // 02:00 UTC is still the previous day in São Paulo.
    expect(localDay(new Date("2026-11-23T02:00:00Z"), "America/Sao_Paulo")).toBe("2026-11-22");
  });
});

describe("the overview's chart data", () => {
  it("makes a series per source and a row per day, with the total", () => {
    const chart = leadsChart(overview, t);
    expect(chart.categories).toEqual(overview.period.days);
    expect(chart.series.map((item) => [item.key, item.label, item.values])).toEqual([
      ["instagram", "instagram", [3, 0, 1]],
      ["", "sem origem", [1, 1, 1]],
    ]);
    expect(chart.rows).toEqual([
      ["Dia", "instagram", "sem origem", "Total"],
      ["2026-11-21", 3, 1, 4],
      ["2026-11-22", 0, 1, 1],
      ["2026-11-23", 1, 1, 2],
    ]);
    expect(chart.empty).toBe(false);
  });

  it("gives the temperature mix with shares", () => {
    const chart = temperatureChart(overview, t, "pt-BR");
    expect(chart.total).toBe(7);
    expect(chart.segments.map((segment) => [segment.key, segment.value])).toEqual([
      ["hot", 3],
      ["warm", 1],
      ["cold", 3],
      ["unscored", 0],
    ]);
    expect(chart.rows[1]).toEqual(["Quentes", 3, "42,9%"]);
  });

  it("labels the last hour's minutes by their end", () => {
    const chart = intakeChart(live, t, "pt-BR");
    expect(chart.categories).toHaveLength(60);
    expect(chart.rows.at(-1)).toEqual([
      new Intl.DateTimeFormat("pt-BR", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
        new Date(live.at),
      ),
      4,
    ]);
    expect(chart.empty).toBe(false);
  });
});

describe("the funnel's data", () => {
  const funnel: FunnelReport = {
    period: overview.period,
    filters: { pipelineId: PIPELINE, ownerId: null, source: null },
    pipeline: { id: PIPELINE, name: "Vendas" },
    pipelines: [{ id: PIPELINE, name: "Vendas" }],
    deals: 4,
    stages: [
      {
        id: "s1",
        name: "Novo",
        kind: "open",
        entered: 4,
        converted: 2,
        rate: 0.5,
        hours: { average: 19.25, median: 2, p90: 50.3 },
      },
      { id: "s2", name: "Proposta", kind: "open", entered: 2, converted: 1, rate: 0.5, hours: null },
      { id: "s3", name: "Ganho", kind: "won", entered: 1, converted: null, rate: null, hours: null },
      { id: "s4", name: "Perdido", kind: "lost", entered: 2, converted: null, rate: null, hours: null },
    ],
    byOwner: [
      { ownerId: OWNER, owner: null, deals: 2, open: 1, won: 1, lost: 0, wonValue: 1000, winRate: 1 },
    ],
    bySource: [],
    reasons: { won: [], lost: [] },
    sla: {
      byOwner: [{ key: "none", label: null, met: 1, breached: 1, running: 0, compliance: 0.5 }],
      byStage: [],
    },
  };

  it("narrows through the open and won stages; lost ones are counted apart", () => {
    const chart = funnelChart(funnel, t, "pt-BR");
    expect(chart.stages.map((stage) => [stage.label, stage.value, stage.rate])).toEqual([
      ["Novo", 4, 0.5],
      ["Proposta", 2, 0.5],
      ["Ganho", 1, null],
    ]);
    expect(chart.lost).toBe(2);
    expect(chart.rows.at(-1)).toEqual(["Perdido", 2, "—", "—"]);
  });

  it("fills the tables in words", () => {
    expect(ownerRows(funnel, t, "pt-BR", (value) => `R$ ${value}`)[1]).toEqual([
      "Sem responsável",
      2,
      1,
      1,
      0,
      "100%",
      "R$ 1000",
    ]);
    expect(timeRows(funnel, t)).toEqual([
      ["Etapa", "Média (h)", "Mediana (h)", "P90 (h)"],
      ["Novo", 19.3, 2, 50.3],
      ["Proposta", "—", "—", "—"],
    ]);
    expect(slaRows(funnel, "byOwner", t, "pt-BR")[1]).toEqual(["Sem responsável", 1, 1, 0, "50%"]);
    expect(percentText(null, "pt-BR")).toBe("—");
    expect(percentText(1 / 3, "en")).toBe("33.3%");
  });
});
