import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { DispatchView } from "../../../automation/review-dispatches.ts";
import type { DispatchStatus } from "../../../automation/schemas.ts";
import { api, isAbort, toQueryString } from "../../api/client.ts";
import {
  addFacets,
  type FacetCounts,
  MAX_BATCH,
  type QueueFilters,
  withoutDecided,
} from "./automation-format.ts";
import { mergeStreams } from "./merge-streams.ts";

/** GET /api/v1/dispatches. */
export interface DispatchPage {
  items: DispatchView[];
  nextCursor: string | null;
  facets: FacetCounts;
}

interface StreamState {
  status: DispatchStatus;
  items: DispatchView[];
  cursor: string | null;
  facets: FacetCounts;
}

export interface DispatchQueue {
  items: DispatchView[];
  facets: FacetCounts;
  error: unknown;
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
  /** Puts the server's answer for one dispatch in place (its facets leave the counts once decided). */
  replace: (next: DispatchView) => void;
}

const PAGE_SIZE = 50;

function pagePath(
  status: DispatchStatus,
  filters: Omit<QueueFilters, "tab">,
  limit: number,
  cursor?: string,
) {
  return `/api/v1/dispatches${toQueryString({
    status,
    ruleId: filters.ruleId,
    channel: filters.channel,
    facet: filters.facet,
    limit,
    cursor,
  })}`;
}

/**
 * The dispatches of a tab: one cursor-paged list per status (a tab may hold two, e.g. approved and
 * sending), merged newest first; facets added up over the statuses.
 */
export function useDispatchQueue(
  statuses: readonly DispatchStatus[],
  filters: Omit<QueueFilters, "tab">,
): DispatchQueue {
  const key = JSON.stringify([statuses, filters.ruleId, filters.channel, filters.facet]);
  const [streams, setStreams] = useState<StreamState[]>([]);
  const [facets, setFacets] = useState<FacetCounts>({});
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const more = useRef<AbortController | null>(null);
  const current = useRef({ statuses, filters });
  current.current = { statuses, filters };

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names the statuses and filters; `attempt` is reload()
  useEffect(() => {
    const controller = new AbortController();
    more.current?.abort();
    const { statuses: wanted, filters: by } = current.current;
    setLoading(true);
    setLoadingMore(false);
    setError(null);
    Promise.all(
      wanted.map((status) =>
        api<DispatchPage>(pagePath(status, by, PAGE_SIZE), { signal: controller.signal }).then(
          (page): StreamState => ({
            status,
            items: page.items,
            cursor: page.nextCursor,
            facets: page.facets,
          }),
        ),
      ),
    )
      .then((loaded) => {
        setStreams(loaded);
        setFacets(addFacets(loaded.map((stream) => stream.facets)));
        setLoading(false);
      })
      .catch((caught: unknown) => {
        if (isAbort(caught)) return;
        setStreams([]);
        setFacets({});
        setError(caught);
        setLoading(false);
      });
    return () => controller.abort();
  }, [key, attempt]);

  const loadMore = useCallback(() => {
    const pending = streams.filter((stream) => stream.cursor !== null);
    if (pending.length === 0) return;
    const controller = new AbortController();
    more.current = controller;
    setLoadingMore(true);
    const by = current.current.filters;
    Promise.all(
      pending.map((stream) =>
        api<DispatchPage>(pagePath(stream.status, by, PAGE_SIZE, stream.cursor ?? undefined), {
          signal: controller.signal,
        }).then((page) => ({ status: stream.status, page })),
      ),
    )
      .then((pages) => {
        setStreams((previous) =>
          previous.map((stream) => {
            const loaded = pages.find((item) => item.status === stream.status);
            if (!loaded) return stream;
            const seen = new Set(stream.items.map((item) => item.id));
            return {
              ...stream,
              items: [...stream.items, ...loaded.page.items.filter((item) => !seen.has(item.id))],
              cursor: loaded.page.nextCursor,
            };
          }),
        );
        setLoadingMore(false);
      })
      .catch((caught: unknown) => {
        if (isAbort(caught)) return;
        setError(caught);
        setLoadingMore(false);
      });
  }, [streams]);

  const loadedRef = useRef<StreamState[]>([]);
  loadedRef.current = streams;
  const replace = useCallback((next: DispatchView) => {
    const before = loadedRef.current.flatMap((stream) => stream.items).find((item) => item.id === next.id);
    if (before && before.status === "pending" && next.status !== "pending") {
      setFacets((counts) => withoutDecided(counts, [before]));
    }
    setStreams((previous) =>
      previous.map((stream) => ({
        ...stream,
        items: stream.items.map((item) => (item.id === next.id ? next : item)),
      })),
    );
  }, []);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);
  const items = useMemo(() => mergeStreams(streams), [streams]);
  return {
    items,
    facets,
    error,
    loading,
    loadingMore,
    hasMore: streams.some((stream) => stream.cursor !== null),
    loadMore,
    reload,
    replace,
  };
}

/**
 * How many pending dispatches the filters select (what a batch "by filter" would decide), counted by
 * paging through them; stops at the batch limit.
 */
export async function countPending(
  filters: Omit<QueueFilters, "tab">,
  signal?: AbortSignal,
): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page: DispatchPage = await api<DispatchPage>(pagePath("pending", filters, 200, cursor), {
      ...(signal ? { signal } : {}),
    });
    count += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor && count < MAX_BATCH);
  return Math.min(count, MAX_BATCH);
}
