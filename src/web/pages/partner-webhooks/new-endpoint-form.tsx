import { type FormEvent, useState } from "react";
import type { WebhookEndpointWithSecret } from "../../../partner-webhooks/schemas.ts";
import { ApiError, api } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { useT } from "../../i18n.ts";
import { type EventChoice, EventTypesField, eventTypesOf, isChoiceValid } from "./event-types-field.tsx";
import { SecretNotice } from "./secret-notice.tsx";

/** The "Novo endpoint" form; on success shows the secret once. */
export function NewEndpointForm({ onCreated }: { onCreated: () => void }) {
  const t = useT();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [choice, setChoice] = useState<EventChoice>({ all: true, selected: [] });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<WebhookEndpointWithSecret | null>(null);
  const urlError =
    error instanceof ApiError
      ? error.fieldErrors.find((item) => item.field.endsWith("url"))?.message
      : undefined;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!isChoiceValid(choice)) return;
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      const result = await api<WebhookEndpointWithSecret>("/api/v1/webhook-endpoints", {
        method: "POST",
        body: { url: url.trim(), description: description.trim(), eventTypes: eventTypesOf(choice) },
      });
      setCreated(result);
      setUrl("");
      setDescription("");
      setChoice({ all: true, selected: [] });
      onCreated();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card new-endpoint" aria-labelledby="new-endpoint-title">
      <h2 id="new-endpoint-title">{t("partnerWebhooks.new")}</h2>
      {created && <SecretNotice endpoint={created} rotated={false} onClose={() => setCreated(null)} />}
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <label className="field">
            <span>{t("partnerWebhooks.url")}</span>
            <input
              type="url"
              value={url}
              required
              maxLength={2000}
              autoComplete="off"
              spellCheck={false}
              placeholder={t("partnerWebhooks.urlPlaceholder")}
              onChange={(event) => setUrl(event.target.value)}
              aria-invalid={urlError ? true : undefined}
            />
            {urlError && <small className="field-error">{urlError}</small>}
          </label>
          <label className="field">
            <span>{t("partnerWebhooks.description")}</span>
            <input
              value={description}
              maxLength={500}
              onChange={(event) => setDescription(event.target.value)}
            />
          </label>
        </div>
        <EventTypesField choice={choice} onChange={setChoice} />
        {error !== null && !urlError && <ProblemAlert error={error} />}
        <div className="form-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={busy || url.trim() === "" || !isChoiceValid(choice)}
          >
            {busy ? t("partnerWebhooks.creating") : t("partnerWebhooks.create")}
          </button>
        </div>
      </form>
    </section>
  );
}
