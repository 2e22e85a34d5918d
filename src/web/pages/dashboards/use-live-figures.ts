import { useCallback, useEffect, useState } from "react";
import type { LiveFigures } from "../../../analytics/dashboard-schemas.ts";
import { api, toQueryString } from "../../api/client.ts";

export type LiveStatus = "connecting" | "live" | "offline";

const RETRY_MS = 3_000;

/**
 * The overview's live figures from its server-sent event stream. EventSource sends no headers, so a
 * short-lived ticket is asked for first (POST …/stream-ticket, with the session's Bearer token) and put
 * in the stream's URL; when the stream closes for good (a refused ticket, the server gone) a new
 * ticket is asked for after a pause. `refresh()` asks the server to push now, and reconnects when the
 * stream lives in another process.
 */
export function useLiveFigures(options: { source: string | undefined; enabled: boolean }) {
  const [figures, setFigures] = useState<LiveFigures | null>(null);
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is how a reconnect is asked for
  useEffect(() => {
    if (!options.enabled) return;
    let stream: EventSource | null = null;
    let retry: number | undefined;
    let stopped = false;
    setStatus("connecting");

    const again = () => {
      if (stopped) return;
      setStatus("offline");
      retry = window.setTimeout(() => void connect(), RETRY_MS);
    };
    const connect = async () => {
      try {
        const { ticket } = await api<{ ticket: string }>("/api/v1/analytics/overview/stream-ticket", {
          method: "POST",
        });
        if (stopped) return;
        stream = new EventSource(
          `/api/v1/analytics/overview/stream${toQueryString({ ticket, source: options.source })}`,
        );
        stream.onopen = () => setStatus("live");
        stream.addEventListener("figures", (event) => {
          setFigures(JSON.parse((event as MessageEvent<string>).data) as LiveFigures);
          setStatus("live");
        });
        stream.onerror = () => {
          if (!stream || stream.readyState === EventSource.CLOSED) {
            stream?.close();
            again();
          } else {
            // EventSource reconnects by itself (with the same ticket, while it lasts).
            setStatus("connecting");
          }
        };
      } catch {
        again();
      }
    };
    void connect();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      stream?.close();
    };
  }, [options.enabled, options.source, attempt]);

  // Figures of another source filter are not this one's.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the filter changes
  useEffect(() => setFigures(null), [options.source]);

  const refresh = useCallback(async () => {
    try {
      const { streams } = await api<{ streams: number }>("/api/v1/analytics/overview/stream/refresh", {
        method: "POST",
      });
      if (streams === 0) setAttempt((value) => value + 1);
    } catch {
      setAttempt((value) => value + 1);
    }
  }, []);

  return { figures, status, refresh };
}
