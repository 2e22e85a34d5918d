/** One cursor-paged list, newest first, as loaded so far. */
export interface Stream<T> {
  items: readonly T[];
  /** null: nothing more to load. */
  cursor: string | null;
}

interface Ordered {
  createdAt: string;
  id: string;
}

/** Newest first, as the server pages: by created_at, then id, descending. */
export function newestFirst(a: Ordered, b: Ordered): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

/**
 * Several lists (one per status of a tab) as one, newest first, without gaps: an item shows only when
 * no list with more to load could still hold a newer one (it is not older than any such list's last
 * loaded item). The rest waits for "load more".
 */
export function mergeStreams<T extends Ordered>(streams: readonly Stream<T>[]): T[] {
  let cutoff: T | null = null;
  for (const stream of streams) {
    const last = stream.items.at(-1);
    if (stream.cursor === null || !last) continue;
    if (cutoff === null || newestFirst(last, cutoff) < 0) cutoff = last;
  }
  const all = streams.flatMap((stream) => stream.items).sort(newestFirst);
  if (cutoff === null) return all;
  const bound = cutoff;
  return all.filter((item) => newestFirst(item, bound) <= 0);
}
