import { useEffect, useSyncExternalStore } from "react";
import { api } from "../../api/client.ts";
import type { TriageCounts, TriagePage } from "../../api/types.ts";

/** How often the header badge asks for the pending count while the app is open. */
const POLL_MS = 60_000;

let counts: TriageCounts | null = null;
let latestRequest = 0;
const listeners = new Set<() => void>();

function notify() {
  for (const listener of listeners) listener();
}

/** Asks the server for the counts per status again (after a decision, or on a timer). */
export function refreshTriageCounts(): void {
  const request = ++latestRequest;
  api<TriagePage>("/api/v1/triage", { query: { status: "pending", limit: 1 } })
    .then((page) => {
      // An older answer arriving after a newer one would show a stale number.
      if (request !== latestRequest) return;
      counts = page.counts;
      notify();
    })
    .catch(() => {
      // The badge is a hint: the triage page itself shows any error.
    });
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    // Signed out (or another workspace next time): forget the numbers.
    if (listeners.size === 0) counts = null;
  };
}

function getCounts(): TriageCounts | null {
  return counts;
}

/** Senders per triage status (null until known); fetched on mount and refreshed every minute. */
export function useTriageCounts(): TriageCounts | null {
  const value = useSyncExternalStore(subscribe, getCounts, getCounts);
  useEffect(() => {
    refreshTriageCounts();
    const timer = window.setInterval(refreshTriageCounts, POLL_MS);
    return () => window.clearInterval(timer);
  }, []);
  return value;
}
