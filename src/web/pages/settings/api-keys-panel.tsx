import { type FormEvent, useState } from "react";
import type { Role } from "../../../auth/schemas.ts";
import { api } from "../../api/client.ts";
import { CopyButton } from "../../components/copy-button.tsx";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { EmptyState, LoadingState, Notice } from "../../components/status-states.tsx";
import { formatDateTime } from "../../format.ts";
import { useApi } from "../../hooks/use-api.ts";
import { useSubmit } from "../../hooks/use-submit.ts";
import { useT } from "../../i18n.ts";
import { allFieldsShown, fieldMessages, ROLE_ORDER } from "./settings-format.ts";
import type { ApiKey, CreatedApiKey } from "./settings-types.ts";

const FIELDS = ["name", "role"];

/** The workspace's API keys: created with a role (the key shown once), listed, revoked. */
export function ApiKeysPanel() {
  const t = useT();
  const keys = useApi<{ items: ApiKey[] }>("/api/v1/api-keys");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("manager");
  const creating = useSubmit();
  const revoking = useSubmit();
  const [notice, setNotice] = useState<string | null>(null);
  const [created, setCreated] = useState<(CreatedApiKey & { name: string }) | null>(null);
  const messages = fieldMessages(creating.fieldErrors);
  const items = keys.data?.items ?? [];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNotice(null);
    setCreated(null);
    await creating.run(async () => {
      const result = await api<CreatedApiKey>("/api/v1/api-keys", {
        method: "POST",
        body: { name: name.trim(), role },
      });
      setCreated({ ...result, name: name.trim() });
      setName("");
      setRole("manager");
      keys.reload();
    });
  }

  async function revoke(key: ApiKey) {
    if (!window.confirm(t("settings.keys.confirmRevoke", { name: key.name }))) return;
    setNotice(null);
    await revoking.run(async () => {
      await api(`/api/v1/api-keys/${key.id}`, { method: "DELETE" });
      if (created?.id === key.id) setCreated(null);
      setNotice(t("settings.keys.revoked", { name: key.name }));
      keys.reload();
    }, key.id);
  }

  return (
    <section className="card" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">{t("settings.keys.title")}</h2>
      <p className="muted">{t("settings.keys.intro")}</p>
      {created && (
        <div className="alert alert-success" role="status" data-testid="api-key-created">
          <p>
            <strong>{t("settings.keys.created", { name: created.name })}</strong> {t("settings.keys.once")}
          </p>
          <div className="webhook-url">
            <code data-testid="api-key-value">{created.key}</code>
            <CopyButton text={created.key} label={t("settings.keys.value")} />
          </div>
          <button type="button" className="button button-small" onClick={() => setCreated(null)}>
            {t("settings.keys.dismiss")}
          </button>
        </div>
      )}
      {notice && <Notice>{notice}</Notice>}
      <ProblemAlert error={revoking.error} />
      {keys.loading && !keys.data ? (
        <LoadingState />
      ) : keys.error && !keys.data ? (
        <ProblemAlert error={keys.error} onRetry={keys.reload} />
      ) : items.length === 0 ? (
        <EmptyState title={t("settings.keys.empty")} />
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-label={t("settings.keys.title")}>
            <thead>
              <tr>
                <th scope="col">{t("settings.keys.col.name")}</th>
                <th scope="col">{t("settings.keys.col.prefix")}</th>
                <th scope="col">{t("settings.keys.col.role")}</th>
                <th scope="col">{t("settings.keys.col.createdAt")}</th>
                <th scope="col">{t("settings.keys.col.lastUsedAt")}</th>
                <th scope="col">{t("settings.keys.col.status")}</th>
                <th scope="col">{t("settings.keys.col.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((key) => (
                <tr key={key.id} data-api-key-id={key.id} className={key.revokedAt ? "muted" : undefined}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{t(`settings.role.${key.role}`)}</td>
                  <td>{formatDateTime(key.createdAt)}</td>
                  <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : t("settings.keys.never")}</td>
                  <td>
                    {key.revokedAt
                      ? t("settings.keys.revokedAt", { at: formatDateTime(key.revokedAt) })
                      : t("settings.keys.active")}
                  </td>
                  <td className="cell-actions">
                    {!key.revokedAt && (
                      <button
                        type="button"
                        className="button button-small button-danger"
                        aria-label={t("settings.keys.revokeWho", { name: key.name })}
                        onClick={() => void revoke(key)}
                      >
                        {t("settings.keys.revoke")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="page-section" onSubmit={submit} noValidate aria-labelledby="new-key-title">
        <h3 id="new-key-title">{t("settings.keys.new")}</h3>
        <div className="form-grid">
          <label className="field">
            <span>{t("settings.keys.name")}</span>
            <input
              value={name}
              required
              maxLength={120}
              autoComplete="off"
              placeholder={t("settings.keys.namePlaceholder")}
              onChange={(event) => setName(event.target.value)}
              aria-invalid={messages.name ? true : undefined}
            />
            {messages.name && <small className="field-error">{messages.name}</small>}
          </label>
          <label className="field">
            <span>{t("settings.keys.role")}</span>
            <select value={role} onChange={(event) => setRole(event.target.value as Role)}>
              {ROLE_ORDER.map((item) => (
                <option key={item} value={item}>
                  {t(`settings.role.${item}`)}
                </option>
              ))}
            </select>
            {messages.role ? (
              <small className="field-error">{messages.role}</small>
            ) : (
              <small>{t(`settings.roleHint.${role}`)}</small>
            )}
          </label>
        </div>
        {creating.error !== null && !allFieldsShown(creating.fieldErrors, FIELDS) && (
          <ProblemAlert error={creating.error} />
        )}
        <div className="form-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={creating.busy || name.trim() === ""}
          >
            {creating.busy ? t("settings.keys.creating") : t("settings.keys.create")}
          </button>
        </div>
      </form>
    </section>
  );
}
