import { describe, expect, it } from "vitest";
import { donutArcs, funnelGeometry } from "./funnel-geometry.ts";

describe("funnel geometry", () => {
  const stages = [
    { key: "novo", label: "Novo", value: 4, rate: 0.5 },
    { key: "qualificacao", label: "Qualificação", value: 2, rate: 0.5 },
    { key: "reuniao", label: "Reunião", value: 0, rate: null },
    { key: "ganho", label: "Ganho", value: 1, rate: null },
  ];

  it("narrows centred bars by each stage's share of the widest", () => {
    const layout = funnelGeometry(stages, { width: 400, barHeight: 30, gap: 20, minWidth: 24 });
    expect(layout.bars.map((bar) => [bar.width, bar.x, bar.y, bar.share])).toEqual([
      [400, 0, 0, 1],
      [200, 100, 50, 0.5],
      [2, 199, 100, 0],
      [100, 150, 150, 0.25],
    ]);
    expect(layout.height).toBe(4 * 30 + 3 * 20);
  });

  it("keeps a small stage visible and links each pair with its conversion", () => {
    const layout = funnelGeometry(
      [
        { key: "a", label: "A", value: 1000, rate: 0.001 },
        { key: "b", label: "B", value: 1, rate: null },
      ],
      { width: 300, barHeight: 20, gap: 10, minWidth: 24, top: 5 },
    );
    expect(layout.bars[1]).toMatchObject({ width: 24, x: 138, y: 35 });
    expect(layout.steps).toEqual([
      { from: "a", to: "b", rate: 0.001, points: "0,25 300,25 162,35 138,35", labelY: 30 },
    ]);
    expect(funnelGeometry([], { width: 300, barHeight: 20, gap: 10 })).toMatchObject({
      bars: [],
      steps: [],
      height: 0,
    });
  });
});

describe("donut arcs", () => {
  const options = { cx: 50, cy: 50, radius: 40, innerRadius: 25 };

  it("splits the ring clockwise from the top by share, leaving empty values out", () => {
    const arcs = donutArcs(
      [
        { key: "hot", value: 1 },
        { key: "warm", value: 0 },
        { key: "cold", value: 3 },
      ],
      options,
    );
    expect(arcs.map((arc) => [arc.key, arc.share])).toEqual([
      ["hot", 0.25],
      ["cold", 0.75],
    ]);
    // A quarter: from 12 o'clock to 3 o'clock, small arc; three quarters: back to the top, large arc.
    expect(arcs[0]?.path).toBe("M50,10 A40,40 0 0 1 90,50 L75,50 A25,25 0 0 0 50,25 Z");
    expect(arcs[1]?.path).toBe("M90,50 A40,40 0 1 1 50,10 L50,25 A25,25 0 1 0 75,50 Z");
  });

  it("draws a whole ring as two halves, and nothing for nothing", () => {
    const [whole] = donutArcs([{ key: "cold", value: 5 }], options);
    expect(whole?.share).toBe(1);
    expect(whole?.path.match(/M/g)).toHaveLength(2);
    expect(donutArcs([{ key: "cold", value: 0 }], options)).toEqual([]);
  });
});
