import { useCallback, useEffect, useRef, useState } from "react";
import { api, isAbort, type QueryValue, toQueryString } from "../api/client.ts";
import type { Page } from "../api/types.ts";

export interface PagedList<T> {
  items: T[];
  error: unknown;
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
  replaceItem: (match: (item: T) => boolean, next: T | null) => void;
}

/** A cursor-paged GET: the first page on every query change, then "load more" appends. */
export function usePagedList<T>(path: string, query: Record<string, QueryValue>): PagedList<T> {
  const key = `${path}${toQueryString(query)}`;
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const moreController = useRef<AbortController | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is how reload() asks for a new fetch
  useEffect(() => {
    const controller = new AbortController();
    moreController.current?.abort();
    setLoading(true);
    setLoadingMore(false);
    setError(null);
    api<Page<T>>(key, { signal: controller.signal })
      .then((page) => {
        setItems(page.items);
        setCursor(page.nextCursor);
        setLoading(false);
      })
      .catch((caught: unknown) => {
        if (isAbort(caught)) return;
        setItems([]);
        setCursor(null);
        setError(caught);
        setLoading(false);
      });
    return () => controller.abort();
  }, [key, attempt]);

  const loadMore = useCallback(() => {
    if (!cursor) return;
    const controller = new AbortController();
    moreController.current = controller;
    setLoadingMore(true);
    const separator = key.includes("?") ? "&" : "?";
    api<Page<T>>(`${key}${separator}cursor=${encodeURIComponent(cursor)}`, { signal: controller.signal })
      .then((page) => {
        setItems((previous) => [...previous, ...page.items]);
        setCursor(page.nextCursor);
        setLoadingMore(false);
      })
      .catch((caught: unknown) => {
        if (isAbort(caught)) return;
        setError(caught);
        setLoadingMore(false);
      });
  }, [key, cursor]);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);
  const replaceItem = useCallback((match: (item: T) => boolean, next: T | null) => {
    setItems((previous) =>
      next === null
        ? previous.filter((item) => !match(item))
        : previous.map((item) => (match(item) ? next : item)),
    );
  }, []);

  return { items, error, loading, loadingMore, hasMore: cursor !== null, loadMore, reload, replaceItem };
}
