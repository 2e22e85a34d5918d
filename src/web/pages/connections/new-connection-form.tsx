import { type FormEvent, useState } from "react";
import { ApiError, api } from "../../api/client.ts";
import type { CreatedConnection } from "../../api/types.ts";
import { CopyButton } from "../../components/copy-button.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { useT } from "../../i18n.ts";
import {
  CONFIG_FIELDS,
  CONNECTION_TYPES,
  type ConnectionType,
  fullWebhookUrl,
  isConnectionType,
} from "./connection-types.ts";

/** "body.config.hottok" → "hottok"; "body.name" → "name". */
function fieldName(field: string): string {
  return field.replace(/^body\./, "").replace(/^config\./, "");
}

/** The "Nova conexão" form; on success shows the URL and any generated secret once. */
export function NewConnectionForm({ onCreated }: { onCreated: () => void }) {
  const t = useT();
  const [type, setType] = useState<ConnectionType>("generic");
  const [name, setName] = useState("");
  const [config, setConfig] = useState<Record<string, string>>({});
  const [silentAfter, setSilentAfter] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<CreatedConnection | null>(null);

  const fieldErrors = new Map<string, string>();
  if (error instanceof ApiError) {
    for (const item of error.fieldErrors) {
      const key = fieldName(item.field);
      fieldErrors.set(key, fieldErrors.has(key) ? `${fieldErrors.get(key)}; ${item.message}` : item.message);
    }
  }
  const silentInvalid = silentAfter.trim() !== "" && !/^\d+$/.test(silentAfter.trim());

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (silentInvalid) return;
    setBusy(true);
    setError(null);
    setCreated(null);
    const fields = CONFIG_FIELDS[type];
    const body: Record<string, unknown> = {
      type,
      name: name.trim(),
      config: Object.fromEntries(
        fields.flatMap((field) => {
          const value = (config[field.key] ?? "").trim();
          return value ? [[field.key, value]] : [];
        }),
      ),
    };
    if (silentAfter.trim()) body.silentAfterHours = Number(silentAfter.trim());
    try {
      const result = await api<CreatedConnection>("/api/v1/connections", { method: "POST", body });
      setCreated(result);
      setName("");
      setConfig({});
      setSilentAfter("");
      onCreated();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const unplacedErrors =
    error instanceof ApiError
      ? error.fieldErrors.filter((item) => {
          const key = fieldName(item.field);
          return (
            key !== "type" &&
            key !== "name" &&
            key !== "silentAfterHours" &&
            !CONFIG_FIELDS[type].some((f) => f.key === key)
          );
        })
      : [];

  return (
    <section className="card" aria-labelledby="new-connection-title">
      <h2 id="new-connection-title">{t("connections.new")}</h2>
      {created && <CreatedNotice created={created} onClose={() => setCreated(null)} />}
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <label className="field">
            <span>{t("connections.type")}</span>
            <select
              value={type}
              onChange={(event) => {
                if (isConnectionType(event.target.value)) setType(event.target.value);
                setError(null);
              }}
            >
              {CONNECTION_TYPES.map((item) => (
                <option key={item} value={item}>
                  {t(`connections.type.${item}`)}
                </option>
              ))}
            </select>
            <FieldError message={fieldErrors.get("type")} />
          </label>
          <label className="field">
            <span>{t("connections.name")}</span>
            <input
              value={name}
              required
              maxLength={120}
              onChange={(event) => setName(event.target.value)}
              aria-invalid={fieldErrors.has("name") || undefined}
            />
            <FieldError message={fieldErrors.get("name")} />
          </label>
          {CONFIG_FIELDS[type].map((field) => (
            <label className="field" key={`${type}.${field.key}`} htmlFor={`config-${field.key}`}>
              <span>{t(`connections.config.${field.key}` as "connections.config.secret")}</span>
              {field.options ? (
                <select
                  id={`config-${field.key}`}
                  value={config[field.key] ?? field.options[0]}
                  onChange={(event) => setConfig({ ...config, [field.key]: event.target.value })}
                  aria-invalid={fieldErrors.has(field.key) || undefined}
                >
                  {field.options.map((option) => (
                    <option key={option} value={option}>
                      {t(
                        `connections.option.${field.key}.${option}` as "connections.option.unknownSenders.lead",
                      )}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={`config-${field.key}`}
                  value={config[field.key] ?? ""}
                  type={field.url ? "url" : "text"}
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(event) => setConfig({ ...config, [field.key]: event.target.value })}
                  aria-invalid={fieldErrors.has(field.key) || undefined}
                />
              )}
              <FieldError message={fieldErrors.get(field.key)} />
            </label>
          ))}
          <label className="field">
            <span>{t("connections.silentAfterInput")}</span>
            <input
              value={silentAfter}
              inputMode="numeric"
              placeholder={t("connections.silentAfterPlaceholder")}
              onChange={(event) => setSilentAfter(event.target.value)}
              aria-invalid={silentInvalid || fieldErrors.has("silentAfterHours") || undefined}
            />
            <FieldError
              message={
                silentInvalid ? t("connections.silentAfterInvalid") : fieldErrors.get("silentAfterHours")
              }
            />
          </label>
        </div>
        {type === "generic" && <p className="muted">{t("connections.genericHint")}</p>}
        {error !== null &&
        (!(error instanceof ApiError) || error.fieldErrors.length === 0 || unplacedErrors.length > 0) ? (
          <ProblemAlert error={error} />
        ) : error instanceof ApiError ? (
          <p className="field-error" role="alert">
            {error.detail || error.title}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy || silentInvalid}>
            {busy ? t("connections.creating") : t("connections.create")}
          </button>
        </div>
      </form>
    </section>
  );
}

function FieldError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return <small className="field-error">{message}</small>;
}

function CreatedNotice({ created, onClose }: { created: CreatedConnection; onClose: () => void }) {
  const t = useT();
  const url = fullWebhookUrl(created.webhookUrl);
  const shownOnce = Object.entries(created).filter(
    (entry): entry is [string, string] =>
      !["id", "type", "name", "webhookUrl"].includes(entry[0]) && typeof entry[1] === "string",
  );
  return (
    <div className="alert alert-success created-connection" role="status" data-testid="created-connection">
      <p>
        <strong>{t("connections.created", { name: created.name })}</strong>
      </p>
      <p>{t("connections.createdUrl")}</p>
      <div className="webhook-url">
        <code data-testid="created-url">{url}</code>
        <CopyButton text={url} label={t("connections.webhookUrl")} />
      </div>
      {shownOnce.map(([key, value]) => (
        <div key={key}>
          <p>
            <strong>{key}</strong> — {t("connections.copyNow")}
          </p>
          <div className="webhook-url">
            <code data-testid={`created-${key}`}>{value}</code>
            <CopyButton text={value} label={key} />
          </div>
        </div>
      ))}
      <button type="button" className="button button-small" onClick={onClose}>
        {t("connections.dismiss")}
      </button>
    </div>
  );
}
