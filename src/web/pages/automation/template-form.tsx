import { type FormEvent, useId, useRef, useState } from "react";
import type { TemplateView } from "../../../automation/manage-templates.ts";
import type { ProductView } from "../../../students/schemas.ts";
import { api } from "../../api/client.ts";
import { ProblemAlert } from "../../components/problem-alert.tsx";
import { useSubmit } from "../../hooks/use-submit.ts";
import { useT } from "../../i18n.ts";
import { channelLabel } from "./automation-format.ts";
import {
  errorsByField,
  insertVariable,
  TEMPLATE_CHANNEL_LIST,
  TEMPLATE_VARIABLE_NAMES,
  type TemplateDraft,
  templateChange,
  templateCreation,
  unknownPlaceholders,
  variableLabel,
} from "./template-format.ts";

const FORM_FIELDS = ["purpose", "productId", "category", "whatsappName", "language", "subject", "body"];

interface Preview {
  body: string;
  subject: string | null;
}

interface Props {
  /** The template edited, or null to create one from `initial`. */
  editing: TemplateView | null;
  initial: TemplateDraft;
  products: ProductView[];
  /** Create: the purpose and channel are those of the template it copies. */
  lockPurpose?: boolean;
  onSaved: (template: TemplateView) => void;
  onCancel: () => void;
}

/**
 * A template's text (variables inserted at the cursor), subject for e-mail, Meta's name for WhatsApp,
 * category and language; "Pré-visualizar" renders it for a sample student (or a product); saving edits
 * (PATCH) or creates (POST). The server's field errors show by their fields.
 */
export function TemplateForm({ editing, initial, products, lockPurpose, onSaved, onCancel }: Props) {
  const t = useT();
  const [draft, setDraft] = useState<TemplateDraft>(initial);
  const [preview, setPreview] = useState<Preview | null>(null);
  const saving = useSubmit();
  const previewing = useSubmit();
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const errors = errorsByField(saving.fieldErrors);
  const channel = editing?.channel ?? draft.channel;
  const unknown = unknownPlaceholders(`${draft.body} ${draft.subject}`);
  const set = (change: Partial<TemplateDraft>) => {
    setDraft((previous) => ({ ...previous, ...change }));
    setPreview(null);
    saving.setError(null);
  };
  // Field errors show by their fields; the alert only for what has no field in the form.
  const allShown =
    saving.fieldErrors.length > 0 && Object.keys(errors).every((name) => FORM_FIELDS.includes(name));

  function addVariable(variable: string) {
    const area = bodyRef.current;
    const next = insertVariable(
      draft.body,
      { start: area?.selectionStart ?? draft.body.length, end: area?.selectionEnd ?? draft.body.length },
      variable,
    );
    set({ body: next.text });
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(next.caret, next.caret);
    });
  }

  async function showPreview() {
    await previewing.run(async () => {
      const productId = editing?.productId ?? (draft.productId || undefined);
      setPreview(
        await api<Preview>("/api/v1/message-templates/preview", {
          method: "POST",
          body: {
            body: draft.body.trim(),
            ...(channel === "email" && draft.subject.trim() ? { subject: draft.subject.trim() } : {}),
            ...(productId ? { productId } : {}),
          },
        }),
      );
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    await saving.run(async () => {
      const saved = editing
        ? await api<TemplateView>(`/api/v1/message-templates/${editing.id}`, {
            method: "PATCH",
            body: templateChange(editing, draft),
          })
        : await api<TemplateView>("/api/v1/message-templates", {
            method: "POST",
            body: templateCreation(draft),
          });
      onSaved(saved);
    });
  }

  const fieldError = (name: string) =>
    errors[name] ? (
      <small className="field-error" id={`${id}-${name}-error`}>
        {errors[name]}
      </small>
    ) : null;
  const invalid = (name: string) =>
    errors[name] ? { "aria-invalid": true as const, "aria-describedby": `${id}-${name}-error` } : {};

  return (
    <form
      className="template-form"
      onSubmit={submit}
      noValidate
      aria-label={t("automation.templates.formLabel")}
    >
      {!editing && (
        <div className="form-grid">
          <label className="field">
            <span>{t("automation.templates.purpose")}</span>
            <input
              value={draft.purpose}
              readOnly={lockPurpose}
              maxLength={60}
              pattern="[a-z][a-z0-9_]{1,59}"
              onChange={(event) => set({ purpose: event.target.value })}
              {...invalid("purpose")}
            />
            <small className="muted">{t("automation.templates.purposeHint")}</small>
            {fieldError("purpose")}
          </label>
          <label className="field">
            <span>{t("automation.channel")}</span>
            <select
              value={draft.channel}
              disabled={lockPurpose}
              onChange={(event) =>
                set({
                  channel: TEMPLATE_CHANNEL_LIST.find((item) => item === event.target.value) ?? "whatsapp",
                })
              }
            >
              {TEMPLATE_CHANNEL_LIST.map((item) => (
                <option key={item} value={item}>
                  {channelLabel(item, t)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t("automation.templates.product")}</span>
            <select
              value={draft.productId}
              onChange={(event) => set({ productId: event.target.value })}
              {...invalid("productId")}
            >
              <option value="">{t("automation.templates.everyProduct")}</option>
              {products.map((product) => (
                <option key={product.id} value={product.id}>
                  {product.name}
                </option>
              ))}
            </select>
            {fieldError("productId")}
          </label>
        </div>
      )}
      <div className="form-grid">
        <label className="field">
          <span>{t("automation.templates.category")}</span>
          <select
            value={draft.category}
            onChange={(event) =>
              set({ category: event.target.value === "marketing" ? "marketing" : "transactional" })
            }
          >
            <option value="transactional">{t("automation.templates.category.transactional")}</option>
            <option value="marketing">{t("automation.templates.category.marketing")}</option>
          </select>
          <small className="muted">{t(`automation.templates.categoryHint.${draft.category}`)}</small>
        </label>
        {channel === "whatsapp" && (
          <label className="field">
            <span>{t("automation.templates.whatsappName")}</span>
            <input
              value={draft.whatsappName}
              maxLength={512}
              onChange={(event) => set({ whatsappName: event.target.value })}
              {...invalid("whatsappName")}
            />
            <small className="muted">{t("automation.templates.whatsappNameHint")}</small>
            {fieldError("whatsappName")}
          </label>
        )}
        <label className="field">
          <span>{t("automation.templates.language")}</span>
          <input
            value={draft.language}
            maxLength={6}
            onChange={(event) => set({ language: event.target.value })}
            {...invalid("language")}
          />
          {fieldError("language")}
        </label>
      </div>
      {channel === "email" && (
        <label className="field">
          <span>{t("automation.subject")}</span>
          <input
            value={draft.subject}
            maxLength={200}
            onChange={(event) => set({ subject: event.target.value })}
            {...invalid("subject")}
          />
          {fieldError("subject")}
        </label>
      )}
      <label className="field">
        <span>{t("automation.templates.body")}</span>
        <textarea
          ref={bodyRef}
          rows={5}
          value={draft.body}
          maxLength={channel === "whatsapp" ? 1024 : 4096}
          onChange={(event) => set({ body: event.target.value })}
          {...invalid("body")}
        />
        {fieldError("body")}
        <small className="muted">
          {t("automation.templates.bodyCount", {
            count: draft.body.length,
            max: channel === "whatsapp" ? 1024 : 4096,
          })}
          {channel === "whatsapp" && ` ${t("automation.templates.whatsappBodyHint")}`}
        </small>
      </label>
      <fieldset className="template-variables">
        <legend>{t("automation.templates.insertVariable")}</legend>
        {TEMPLATE_VARIABLE_NAMES.map((variable) => (
          <button
            key={variable}
            type="button"
            className="chip automation-chip"
            title={`{{${variable}}}`}
            onClick={() => addVariable(variable)}
          >
            {variableLabel(variable, t)}
          </button>
        ))}
      </fieldset>
      {unknown.length > 0 && (
        <p className="error-text small" role="alert">
          {t("automation.templates.unknownVariables", {
            names: unknown.map((name) => `{{${name}}}`).join(", "),
          })}
        </p>
      )}
      {allShown ? (
        <p className="error-text small" role="alert">
          {t("automation.templates.fixFields")}
        </p>
      ) : (
        <ProblemAlert error={saving.error} />
      )}
      <ProblemAlert error={previewing.error} />
      {preview && (
        <section className="template-preview" aria-label={t("automation.templates.preview")}>
          <h4>{t("automation.templates.previewTitle")}</h4>
          {channel === "whatsapp" ? (
            <div className="dispatch-chat">
              <p className="dispatch-bubble" data-testid="template-preview">
                {preview.body}
              </p>
            </div>
          ) : (
            <div className="dispatch-mail">
              {preview.subject && (
                <p className="dispatch-subject">
                  <span className="muted">{t("automation.subject")}: </span>
                  <strong>{preview.subject}</strong>
                </p>
              )}
              <p className="dispatch-text" data-testid="template-preview">
                {preview.body}
              </p>
            </div>
          )}
        </section>
      )}
      <div className="button-row">
        <button type="submit" className="button button-primary button-small" disabled={saving.busy}>
          {saving.busy ? t("common.saving") : editing ? t("common.save") : t("automation.templates.create")}
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={previewing.busy || draft.body.trim() === ""}
          onClick={() => void showPreview()}
        >
          {previewing.busy ? t("automation.working") : t("automation.templates.preview")}
        </button>
        <button type="button" className="button button-ghost button-small" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
