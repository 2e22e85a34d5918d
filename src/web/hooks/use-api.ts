import { useCallback, useEffect, useState } from "react";
import { api, isAbort, type QueryValue, toQueryString } from "../api/client.ts";

export interface ApiState<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (data: T) => void;
}

/** GETs `path` (null: nothing yet) and re-fetches when the path or query changes. */
export function useApi<T>(path: string | null, query?: Record<string, QueryValue>): ApiState<T> {
  const key = path === null ? null : `${path}${toQueryString(query)}`;
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(key !== null);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is how reload() asks for a new fetch
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    api<T>(key, { signal: controller.signal })
      .then((result) => {
        setData(result);
        setLoading(false);
      })
      .catch((caught: unknown) => {
        if (isAbort(caught)) return;
        setError(caught);
        setLoading(false);
      });
    return () => controller.abort();
  }, [key, attempt]);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);
  return { data, error, loading, reload, setData };
}
