import type { WebhookEndpointWithSecret } from "../../../partner-webhooks/schemas.ts";
import { CopyButton } from "../../components/copy-button.tsx";
import { formatDateTime } from "../../format.ts";
import { useT } from "../../i18n.ts";

/** The secret of a new or rotated endpoint, shown this once with a copy button. */
export function SecretNotice({
  endpoint,
  rotated,
  onClose,
}: {
  endpoint: WebhookEndpointWithSecret;
  rotated: boolean;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <div className="alert alert-success" role="status" data-testid="webhook-secret">
      <p>
        <strong>{rotated ? t("partnerWebhooks.rotated") : t("partnerWebhooks.created")}</strong>{" "}
        {t("partnerWebhooks.secretOnce")}
      </p>
      <div className="webhook-url">
        <code data-testid="webhook-secret-value">{endpoint.secret}</code>
        <CopyButton text={endpoint.secret} label={t("partnerWebhooks.secret")} />
      </div>
      {rotated && endpoint.previousSecretValidUntil && (
        <p className="muted">
          {t("partnerWebhooks.previousValid", { when: formatDateTime(endpoint.previousSecretValidUntil) })}
        </p>
      )}
      <button type="button" className="button button-small" onClick={onClose}>
        {t("partnerWebhooks.dismiss")}
      </button>
    </div>
  );
}
