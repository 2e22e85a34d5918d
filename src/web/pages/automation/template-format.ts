import type { TemplateVariable } from "../../../automation/build-template-variables.ts";
import type { TemplateView } from "../../../automation/manage-templates.ts";
import type { TemplateChannel } from "../../../automation/schemas.ts";
import { isMessageKey, type Translate } from "../../i18n.ts";

// Pure helpers of Modelos de mensagem (tested in template-format.test.ts).

/** The `{{variables}}` a template may use (the server's TEMPLATE_VARIABLES; a test keeps them equal). */
export const TEMPLATE_VARIABLE_NAMES = [
  "first_name",
  "name",
  "product",
  "module",
  "link",
  "source",
  "score",
  "lead_url",
] as const satisfies readonly TemplateVariable[];

export const TEMPLATE_CHANNEL_LIST = [
  "whatsapp",
  "email",
  "slack",
] as const satisfies readonly TemplateChannel[];

/** What a template is for, in words ("resgate de acesso"); a new purpose shows as written. */
export function purposeLabel(purpose: string, t: Translate): string {
  const key = `automation.template.${purpose}`;
  return isMessageKey(key) ? t(key) : purpose.replaceAll("_", " ");
}

export function variableLabel(variable: string, t: Translate): string {
  const key = `automation.variable.${variable}`;
  return isMessageKey(key) ? t(key) : variable;
}

/** `text` with `{{variable}}` put in place of the selection, and where the caret goes after it. */
export function insertVariable(
  text: string,
  selection: { start: number; end: number },
  variable: string,
): { text: string; caret: number } {
  const start = Math.max(0, Math.min(selection.start, text.length));
  const end = Math.max(start, Math.min(selection.end, text.length));
  const token = `{{${variable}}}`;
  return { text: `${text.slice(0, start)}${token}${text.slice(end)}`, caret: start + token.length };
}

/** `{{…}}` placeholders the server would refuse, as written (once each). */
export function unknownPlaceholders(text: string): string[] {
  const known = new Set<string>(TEMPLATE_VARIABLE_NAMES);
  const found = [...text.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((match) => match[1] ?? "");
  return [...new Set(found.filter((name) => !known.has(name)))];
}

export interface TemplateDraft {
  purpose: string;
  channel: TemplateChannel;
  /** "" : the workspace's template (every product). */
  productId: string;
  category: "transactional" | "marketing";
  whatsappName: string;
  language: string;
  subject: string;
  body: string;
}

export function draftOf(template: TemplateView): TemplateDraft {
  return {
    purpose: template.purpose,
    channel: template.channel,
    productId: template.productId ?? "",
    category: template.category,
    whatsappName: template.whatsappName ?? "",
    language: template.language,
    subject: template.subject ?? "",
    body: template.body,
  };
}

/** PATCH /api/v1/message-templates/:id: the fields that changed (channel-specific ones only there). */
export function templateChange(before: TemplateView, draft: TemplateDraft): Record<string, string | null> {
  const change: Record<string, string | null> = {};
  if (draft.body.trim() !== before.body) change.body = draft.body.trim();
  if (draft.category !== before.category) change.category = draft.category;
  if (draft.language.trim() && draft.language.trim() !== before.language)
    change.language = draft.language.trim();
  if (before.channel === "whatsapp" && draft.whatsappName.trim() !== (before.whatsappName ?? "")) {
    change.whatsappName = draft.whatsappName.trim() || null;
  }
  if (before.channel === "email" && draft.subject.trim() !== (before.subject ?? "")) {
    change.subject = draft.subject.trim() || null;
  }
  return change;
}

/** POST /api/v1/message-templates: a product's own template or one for a new purpose. */
export function templateCreation(draft: TemplateDraft): Record<string, string | null> {
  return {
    productId: draft.productId || null,
    purpose: draft.purpose.trim(),
    channel: draft.channel,
    category: draft.category,
    ...(draft.language.trim() ? { language: draft.language.trim() } : {}),
    ...(draft.channel === "whatsapp" ? { whatsappName: draft.whatsappName.trim() || null } : {}),
    ...(draft.channel === "email" ? { subject: draft.subject.trim() || null } : {}),
    body: draft.body.trim(),
  };
}

/** A problem's field errors by field name ("body.whatsappName" → "whatsappName"); the first wins. */
export function errorsByField(errors: readonly { field: string; message: string }[]): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const item of errors) {
    const name = item.field.replace(/^(body|querystring|params)\./, "").split(".")[0] ?? item.field;
    if (!(name in byField)) byField[name] = item.message;
  }
  return byField;
}

/** "12 KB", "1.4 MB". */
export function formatBytes(size: number): string {
  if (size < 1024 * 1024) return `${Math.max(1, Math.ceil(size / 1024))} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}
