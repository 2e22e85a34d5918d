import { type ChangeEvent, useId, useState } from "react";
import type { TemplateView } from "../../../automation/manage-templates.ts";
import type { ProductView } from "../../../students/schemas.ts";
import { api, apiFetch } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { formatDateTime } from "../../format.ts";
import { useSubmit } from "../../hooks/use-submit.ts";
import { useT } from "../../i18n.ts";
import { ConfirmDialog } from "./confirm-dialog.tsx";
import { DispatchChannelBadge } from "./dispatch-row.tsx";
import { TemplateForm } from "./template-form.tsx";
import { draftOf, formatBytes, purposeLabel, variableLabel } from "./template-format.ts";

interface Props {
  template: TemplateView;
  products: ProductView[];
  canManage: boolean;
  onChanged: (next: TemplateView) => void;
  onCreated: (created: TemplateView) => void;
  onDeleted: (id: string) => void;
}

type Mode = "view" | "edit" | "copy";

/**
 * One template: what it is for, for which product, its text and variables; edit it, make a product's
 * own copy, delete a non-built-in one, and the PDF an e-mail template attaches.
 */
export function TemplateCard({ template, products, canManage, onChanged, onCreated, onDeleted }: Props) {
  const t = useT();
  const [mode, setMode] = useState<Mode>("view");
  const [askDelete, setAskDelete] = useState(false);
  const acting = useSubmit();
  const titleId = useId();
  const fileId = useId();
  const purpose = purposeLabel(template.purpose, t);

  async function download() {
    await acting.run(async () => {
      const response = await apiFetch(`/api/v1/message-templates/${template.id}/attachment`);
      const url = URL.createObjectURL(await response.blob());
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = template.attachment?.filename ?? "anexo.pdf";
      anchor.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }, "download");
  }

  async function upload(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    const form = new FormData();
    form.append("file", file, file.name);
    await acting.run(async () => {
      onChanged(
        await api<TemplateView>(`/api/v1/message-templates/${template.id}/attachment`, {
          method: "PUT",
          body: form,
        }),
      );
    }, "upload");
  }

  async function removeFile() {
    await acting.run(async () => {
      onChanged(
        await api<TemplateView>(`/api/v1/message-templates/${template.id}/attachment`, { method: "DELETE" }),
      );
    }, "remove");
  }

  async function remove() {
    const done = await acting.run(async () => {
      await api(`/api/v1/message-templates/${template.id}`, { method: "DELETE" });
    }, "delete");
    setAskDelete(false);
    if (done) onDeleted(template.id);
  }

  return (
    <article className="card template-item" data-template-id={template.id} aria-labelledby={titleId}>
      <header className="rule-item-head">
        <div>
          <h3 id={titleId}>
            {purpose} <code className="muted small">{template.purpose}</code>
          </h3>
          <p className="template-meta">
            <DispatchChannelBadge channel={template.channel} />
            <span>{template.productName ?? t("automation.templates.workspaceDefault")}</span>
            <span className={`badge template-category-${template.category}`}>
              {t(`automation.templates.category.${template.category}`)}
            </span>
            {template.whatsappName && (
              <span className="muted small">
                {t("automation.templates.metaName")}: <code>{template.whatsappName}</code> (
                {template.language})
              </span>
            )}
          </p>
        </div>
        <div className="rule-badges">
          {template.builtin && <span className="badge">{t("automation.rules.builtin")}</span>}
        </div>
      </header>

      {mode === "edit" ? (
        <TemplateForm
          editing={template}
          initial={draftOf(template)}
          products={products}
          onCancel={() => setMode("view")}
          onSaved={(saved) => {
            onChanged(saved);
            setMode("view");
          }}
        />
      ) : (
        <>
          {template.channel === "whatsapp" ? (
            <div className="dispatch-chat">
              <p className="dispatch-bubble">{template.body}</p>
            </div>
          ) : (
            <div className={template.channel === "email" ? "dispatch-mail" : "dispatch-note"}>
              {template.subject && (
                <p className="dispatch-subject">
                  <span className="muted">{t("automation.subject")}: </span>
                  <strong>{template.subject}</strong>
                </p>
              )}
              <p className="dispatch-text">{template.body}</p>
            </div>
          )}
          {template.variables.length > 0 && (
            <p className="small muted">
              {t("automation.templates.uses")}{" "}
              {template.variables.map((variable) => (
                <code key={variable} className="template-variable" title={variableLabel(variable, t)}>
                  {`{{${variable}}}`}
                </code>
              ))}
            </p>
          )}
        </>
      )}

      {template.channel === "email" && (
        <div className="template-attachment small">
          {template.attachment ? (
            <>
              <span>
                {t("automation.templates.attachment")}: <strong>{template.attachment.filename}</strong>
                {template.attachment.size !== null && ` (${formatBytes(template.attachment.size)})`}
              </span>
              <button type="button" className="link-button" onClick={() => void download()}>
                {t("automation.templates.download")}
              </button>
              {canManage && (
                <button
                  type="button"
                  className="link-button"
                  disabled={acting.busy}
                  onClick={() => void removeFile()}
                >
                  {t("automation.templates.removeFile")}
                </button>
              )}
            </>
          ) : (
            <span className="muted">{t("automation.templates.noAttachment")}</span>
          )}
          {canManage && (
            <label className="button button-small template-upload" htmlFor={fileId}>
              {acting.busyKey === "upload"
                ? t("automation.working")
                : template.attachment
                  ? t("automation.templates.replaceFile")
                  : t("automation.templates.attachPdf")}
              <input
                id={fileId}
                type="file"
                accept="application/pdf,.pdf"
                className="visually-hidden"
                onChange={(event) => void upload(event)}
              />
            </label>
          )}
        </div>
      )}

      <ProblemAlert error={acting.error} />

      {mode === "copy" && (
        <TemplateForm
          editing={null}
          lockPurpose
          initial={{
            ...draftOf(template),
            productId: products.find((item) => item.id !== template.productId)?.id ?? "",
          }}
          products={products}
          onCancel={() => setMode("view")}
          onSaved={(created) => {
            onCreated(created);
            setMode("view");
          }}
        />
      )}

      <div className="rule-footer">
        <span className="muted small">
          {t("automation.templates.updatedAt", { when: formatDateTime(template.updatedAt) })}
        </span>
        {canManage && mode === "view" && (
          <div className="button-row">
            <button type="button" className="button button-small" onClick={() => setMode("edit")}>
              {t("common.edit")}
            </button>
            {template.productId === null && products.length > 0 && (
              <button type="button" className="button button-small" onClick={() => setMode("copy")}>
                {t("automation.templates.copyForProduct")}
              </button>
            )}
            {!template.builtin && (
              <button
                type="button"
                className="button button-ghost button-small"
                onClick={() => setAskDelete(true)}
              >
                {t("common.delete")}
              </button>
            )}
          </div>
        )}
      </div>

      <ConfirmDialog
        open={askDelete}
        danger
        title={t("automation.templates.confirmDelete", {
          name: `${purpose} (${template.productName ?? t("automation.templates.workspaceDefault")})`,
        })}
        confirmLabel={t("common.delete")}
        busy={acting.busyKey === "delete"}
        onCancel={() => setAskDelete(false)}
        onConfirm={() => void remove()}
      >
        <p>{t("automation.templates.confirmDeleteBody")}</p>
      </ConfirmDialog>
    </article>
  );
}
