import { useCallback, useState } from "react";
import { ApiError, type FieldError } from "../api/client.ts";

export interface Submission {
  /**
   * Runs `action` with the last error cleared and `busy` set (`key` names what runs, e.g. a row's
   * id); resolves to true when it went through, false when it threw (the error is kept to show).
   */
  run: (action: () => Promise<void>, key?: string) => Promise<boolean>;
  busy: boolean;
  /** The key of the action in flight, or null. */
  busyKey: string | null;
  error: unknown;
  /** The API's per-field messages of the last error (none when it was not an input error). */
  fieldErrors: FieldError[];
  setError: (error: unknown) => void;
}

/** What a submission reports as it goes: started (with its key), failed, ended. */
interface SubmissionSteps {
  start: (key: string) => void;
  fail: (error: unknown) => void;
  end: () => void;
}

/** The submit steps without React: start, the action, its failure kept, the end (tested alone). */
export async function runSubmission(
  action: () => Promise<void>,
  key: string,
  steps: SubmissionSteps,
): Promise<boolean> {
  steps.start(key);
  try {
    await action();
    return true;
  } catch (caught) {
    steps.fail(caught);
    return false;
  } finally {
    steps.end();
  }
}

/** One form's (or one list's row actions') submit: busy while it runs, the error it ended with. */
export function useSubmit(): Submission {
  const [busyKey, setBusyKey] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(
    (action: () => Promise<void>, key = "submit") =>
      runSubmission(action, key, {
        start: (started) => {
          setBusyKey(started);
          setError(null);
        },
        fail: setError,
        end: () => setBusyKey(null),
      }),
    [],
  );
  return {
    run,
    busy: busyKey !== null,
    busyKey,
    error,
    fieldErrors: error instanceof ApiError ? error.fieldErrors : [],
    setError,
  };
}
