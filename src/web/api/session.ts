import { useSyncExternalStore } from "react";
import type { Session } from "./types.ts";

const SESSION_KEY = "funil.session";

function readSession(): Session | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === "object" && "token" in parsed && typeof parsed.token === "string") {
      return parsed as Session;
    }
    return null;
  } catch {
    return null;
  }
}

let current: Session | null = readSession();
let expired = false;
const listeners = new Set<() => void>();

function notify() {
  for (const listener of listeners) listener();
}

export function getSession(): Session | null {
  return current;
}

export function getToken(): string | null {
  return current?.token ?? null;
}

/** Keeps the login answer (token included) in localStorage. */
export function startSession(session: Session) {
  current = session;
  expired = false;
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  notify();
}

/** Forgets the token; `wasExpired` tells the login page to say why the user is back there. */
export function endSession(wasExpired = false) {
  current = null;
  expired = wasExpired;
  localStorage.removeItem(SESSION_KEY);
  notify();
}

export function sessionExpired(): boolean {
  return expired;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === SESSION_KEY) {
      current = readSession();
      listener();
    }
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/** The signed-in session, or null; re-renders on login, logout and a 401. */
export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, getSession, getSession);
}
