import autocannon from "autocannon";

export interface LoadRequest {
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  /** Responses with a 2xx status per second of the window. */
  rate: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** (non-2xx + errors) ÷ everything answered or failed. */
  errorRate: number;
  statusCounts: Record<string, number>;
  /** The first few connection error messages, by message. */
  errorKinds: Record<string, number>;
  seconds: number;
  p50: number;
  p99: number;
  mean: number;
}

export interface LoadOptions {
  url: string;
  path: string;
  connections: number;
  seconds: number;
  /** Called once per request, so every request can differ (unique leads, fresh signatures). */
  next: () => LoadRequest;
  signal?: AbortSignal;
}

/** One POST load window with autocannon (in this process; the server runs in another). */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  options.signal?.throwIfAborted();
  const errorKinds: Record<string, number> = {};
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${options.url}${options.path}`,
        connections: options.connections,
        duration: options.seconds,
        pipelining: 1,
        timeout: 10,
        method: "POST",
        requests: [
          {
            method: "POST",
            path: options.path,
            setupRequest: (request) => {
              const next = options.next();
              return { ...request, headers: next.headers, body: next.body };
            },
          },
        ],
      },
      (error: unknown, done: autocannon.Result) => (error ? reject(error) : resolve(done)),
    );
    instance.on("reqError", (error: Error) => {
      const kind = error.message.slice(0, 120);
      if (kind in errorKinds || Object.keys(errorKinds).length < 5)
        errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    });
    options.signal?.addEventListener("abort", () => instance.stop(), { once: true });
  });
  options.signal?.throwIfAborted();
  const ok = result["2xx"];
  const failed = result.non2xx + result.errors;
  const statusCounts: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCounts[status] = stats.count ?? 0;
  }
  return {
    rate: result.duration > 0 ? ok / result.duration : 0,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    errorRate: ok + failed > 0 ? failed / (ok + failed) : 1,
    statusCounts,
    errorKinds,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
  };
}
