import { z } from "zod";

const GraphErrorSchema = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
  }),
});

/** Meta's `error` object of a failed Graph call. */
export type GraphError = z.output<typeof GraphErrorSchema>["error"];

/** Usage reported by Meta's headers, as the highest percentage seen, and when access comes back. */
export interface GraphUsage {
  /** 0–100 (can exceed 100 when throttled). */
  percent: number;
  /** Seconds until access is regained, when Meta says so. */
  regainSeconds: number;
}

function percentages(value: unknown): number[] {
  if (!value || typeof value !== "object") return [];
  const out: number[] = [];
  for (const key of ["call_count", "total_time", "total_cputime"]) {
    const n = (value as Record<string, unknown>)[key];
    if (typeof n === "number" && Number.isFinite(n)) out.push(n);
  }
  return out;
}

/** Reads `X-App-Usage` and `X-Business-Use-Case-Usage`; null when neither is present or readable. */
export function parseGraphUsage(headers: Headers): GraphUsage | null {
  const all: number[] = [];
  let regainMinutes = 0;
  let seen = false;
  const app = headers.get("x-app-usage");
  if (app) {
    try {
      all.push(...percentages(JSON.parse(app)));
      seen = true;
    } catch {
      // unreadable header: ignored
    }
  }
  const buc = headers.get("x-business-use-case-usage");
  if (buc) {
    try {
      const parsed = JSON.parse(buc) as unknown;
      if (parsed && typeof parsed === "object") {
        for (const entries of Object.values(parsed as Record<string, unknown>)) {
          if (!Array.isArray(entries)) continue;
          for (const entry of entries) {
            all.push(...percentages(entry));
            const regain = (entry as Record<string, unknown>).estimated_time_to_regain_access;
            if (typeof regain === "number" && regain > regainMinutes) regainMinutes = regain;
          }
        }
        seen = true;
      }
    } catch {
      // unreadable header: ignored
    }
  }
  if (!seen) return null;
  return { percent: all.length > 0 ? Math.max(...all) : 0, regainSeconds: regainMinutes * 60 };
}

/** A Graph answer read once: the usage headers, the JSON body (null when not JSON) and whether it failed. */
export interface GraphAnswer {
  usage: GraphUsage | null;
  body: unknown;
  /** A non-2xx status or an `{ error }` body (Graph can fail with 200). */
  failed: boolean;
  /** Meta's error object, when the body carried one. */
  error: GraphError | undefined;
}

/** Reads a Graph response's body and usage, and Meta's error if the call failed. */
export async function readGraphAnswer(response: Response): Promise<GraphAnswer> {
  const usage = parseGraphUsage(response.headers);
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const failure = GraphErrorSchema.safeParse(body);
  return {
    usage,
    body,
    failed: !response.ok || failure.success,
    error: failure.success ? failure.data.error : undefined,
  };
}
