import { type ReactNode, useEffect, useId, useState } from "react";

/** The form's errors by path (the server's and its own), and the id prefix its fields' ids start with. */
export interface FormErrors {
  byPath: Record<string, string>;
  idPrefix: string;
}

function errorId(errors: FormErrors, path: string): string {
  return `${errors.idPrefix}-error-${path.replaceAll(".", "-")}`;
}

/** The message of `path` beside its field (nothing when it has none). */
export function FieldError({ errors, path }: { errors: FormErrors; path: string }) {
  const message = errors.byPath[path];
  if (!message) return null;
  return (
    <small className="field-error" id={errorId(errors, path)}>
      {message}
    </small>
  );
}

/** aria-invalid and aria-describedby for the field of `path` when it has an error. */
export function invalidProps(
  errors: FormErrors,
  path: string,
): { "aria-invalid"?: true; "aria-describedby"?: string } {
  return errors.byPath[path] ? { "aria-invalid": true, "aria-describedby": errorId(errors, path) } : {};
}

/** Focuses the element of an id once the next render put it in the page (a row added, moved, removed). */
export function useFocusLater(): (id: string) => void {
  const [target, setTarget] = useState<string | null>(null);
  useEffect(() => {
    if (target === null) return;
    document.getElementById(target)?.focus();
    setTarget(null);
  }, [target]);
  return setTarget;
}

interface FieldProps {
  label: string;
  errors: FormErrors;
  /** The error shown below the control. */
  path?: string;
  hint?: ReactNode;
  className?: string;
  /** The control's id (one is made when not given). */
  id?: string;
  children: (id: string) => ReactNode;
}

/**
 * A label and its control side by side in the markup (htmlFor, not wrapped: a select's options stay out
 * of its name), a hint and the field's error.
 */
export function Field({ label, errors, path, hint, className, id, children }: FieldProps) {
  const made = useId();
  const controlId = id ?? made;
  return (
    <div className={className ? `field ${className}` : "field"}>
      <label htmlFor={controlId}>{label}</label>
      {children(controlId)}
      {hint}
      {path && <FieldError errors={errors} path={path} />}
    </div>
  );
}
