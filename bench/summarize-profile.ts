/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --profile DIR`):
 *   tsx bench/summarize-profile.ts DIR/<process> [--from S] [--to S] [--top N]
 * Given a directory, takes the profile with the most busy time (the main thread; the tsx loader
 * thread writes one too). --from/--to keep samples between S seconds after the profile started (the
 * bench prints each window's offsets). Prints self time by function and by package, and inclusive
 * time of our own code.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/<pkg>`, `src/<dir>`, `node:<builtin>` or a V8 pseudo-frame. */
function packageOf(url: string, name: string): string {
  if (!url) return `(${name || "native"})`;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  if (url.startsWith("node:")) return url;
  const source = /\/(src|bench)\/(.*?)(\/[^/]+)?$/.exec(url);
  if (source) return `${source[1]}/${source[3] ? source[2] : ""}`.replace(/\/$/, "");
  return url;
}

function label(frame: CallFrame): string {
  const file = frame.url.replace(/^.*\/(node_modules|src|bench)\//, "$1/").replace(/^file:\/\//, "");
  return `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
}

export function summarizeProfile(
  profile: CpuProfile,
  options: { fromSeconds: number; toSeconds: number; top: number },
): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<string, number>();
  const packages = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const seconds = at / 1e6;
    if (seconds < options.fromSeconds || seconds > options.toSeconds) continue;
    const node = byId.get(profile.samples[i] ?? -1);
    if (!node) continue;
    const ms = delta / 1000;
    total += ms;
    if (node.callFrame.functionName === "(idle)") {
      idle += ms;
      continue;
    }
    const key = label(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + ms);
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
    // Inclusive time of our own functions: once per sample even when recursive.
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || !/\/(src)\//.test(frame.url)) continue;
      const name = label(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  }
  const busy = total - idle;
  const table = (title: string, entries: Map<string, number>, base: number) => {
    const rows = [...entries.entries()].sort((a, b) => b[1] - a[1]).slice(0, options.top);
    return [
      title,
      ...rows.map(
        ([name, ms]) =>
          `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / base).toFixed(1).padStart(5)}%  ${name}`,
      ),
    ].join("\n");
  };
  return [
    `window ${options.fromSeconds}–${Math.min(options.toSeconds, at / 1e6).toFixed(1)} s: ${total.toFixed(0)} ms sampled, ` +
      `${busy.toFixed(0)} ms busy (${((100 * busy) / Math.max(total, 1)).toFixed(0)}%), ${idle.toFixed(0)} ms idle`,
    "",
    table("self time by package (% of busy)", packages, busy),
    "",
    table("self time by function (% of busy)", self, busy),
    "",
    table("inclusive time of src/ functions (% of busy)", inclusive, busy),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { from: { type: "string" }, to: { type: "string" }, top: { type: "string" } },
  });
  const file = positionals[0];
  if (!file) {
    console.error("usage: tsx bench/summarize-profile.ts FILE.cpuprofile [--from S] [--to S] [--top N]");
    process.exit(2);
  }
  const files = statSync(file).isDirectory()
    ? readdirSync(file)
        .filter((name) => name.endsWith(".cpuprofile"))
        .map((name) => join(file, name))
    : [file];
  const busyMs = (candidate: CpuProfile) => {
    const idle = new Set(
      candidate.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id),
    );
    return candidate.samples.reduce(
      (sum, id, i) => sum + (idle.has(id) ? 0 : (candidate.timeDeltas[i] ?? 0)),
      0,
    );
  };
  const profiles = files.map((path) => ({
    path,
    profile: JSON.parse(readFileSync(path, "utf8")) as CpuProfile,
  }));
  const chosen = profiles.sort((a, b) => busyMs(b.profile) - busyMs(a.profile))[0];
  if (!chosen) {
    console.error(`no .cpuprofile in ${file}`);
    process.exit(2);
  }
  console.log(chosen.path);
  const profile = chosen.profile;
  console.log(
    summarizeProfile(profile, {
      fromSeconds: Number(values.from ?? 0),
      toSeconds: Number(values.to ?? Number.POSITIVE_INFINITY),
      top: Number(values.top ?? 25),
    }),
  );
}
