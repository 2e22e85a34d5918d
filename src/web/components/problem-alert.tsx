import { ApiError } from "../api/client.ts";
import { isMessageKey, useT } from "../i18n.ts";

/** An API problem for people: its detail and, when the input was wrong, each field's message. */
export function ProblemAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  if (!error) return null;
  let headline = t("common.error");
  let detail = "";
  let fieldErrors: ApiError["fieldErrors"] = [];
  if (error instanceof ApiError) {
    const codeKey = `problem.${error.code}`;
    if (error.status === 0) headline = t("common.networkError");
    else if (isMessageKey(codeKey)) headline = t(codeKey);
    else headline = error.title || headline;
    detail = error.detail;
    fieldErrors = error.fieldErrors;
  }
  return (
    <div className="alert alert-error" role="alert">
      <p>
        <strong>{headline}</strong>
        {detail && ` ${detail}`}
      </p>
      {fieldErrors.length > 0 && (
        <>
          <p className="alert-subtitle">{t("common.fieldErrors")}</p>
          <ul>
            {fieldErrors.map((item) => (
              <li key={`${item.field}:${item.message}`}>
                <strong>{fieldLabel(item.field, t)}</strong>: {item.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}

/** "body.city" → "Cidade"; unknown fields stay as sent. */
function fieldLabel(field: string, t: ReturnType<typeof useT>): string {
  const name = field.replace(/^(body|querystring|params)\./, "");
  const key = `field.${name}`;
  return isMessageKey(key) ? t(key) : name;
}
