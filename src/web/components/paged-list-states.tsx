import type { ReactNode } from "react";
import type { PagedList } from "../hooks/use-paged-list.ts";
import { ProblemAlert } from "./problem-alert.tsx";
import { EmptyState, LoadingState } from "./status-states.tsx";

/** A paged list's first load, its failure and its emptiness; the list itself (`children`) once it has items. */
export function PagedListStates<T>({
  list,
  emptyTitle,
  children,
}: {
  list: PagedList<T>;
  emptyTitle: string;
  children: ReactNode;
}) {
  if (list.loading && list.items.length === 0) return <LoadingState />;
  if (list.error && list.items.length === 0) return <ProblemAlert error={list.error} onRetry={list.reload} />;
  if (list.items.length === 0) return <EmptyState title={emptyTitle} />;
  return children;
}
