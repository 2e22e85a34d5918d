import { formatDateTime } from "../format.ts";

/** A run's first cell: when it started (a link to the run) and, below, what started it. */
export function RunStartedCell({
  link,
  createdAt,
  trigger,
}: {
  link: string;
  createdAt: string;
  /** The trigger, already translated. */
  trigger: string;
}) {
  return (
    <td>
      <a href={link}>{formatDateTime(createdAt)}</a>
      <br />
      <span className="muted">{trigger}</span>
    </td>
  );
}

/** A run's status badge and, when it failed, its error. */
export function RunStatusCell({
  status,
  label,
  error,
}: {
  status: string;
  /** The status, already translated. */
  label: string;
  error: string | null;
}) {
  return (
    <td>
      <span className={`badge badge-import-${status}`}>{label}</span>
      {error && <p className="error-text">{error}</p>}
    </td>
  );
}
