import type { Deps } from "../deps.ts";
import type { RuleContext } from "./load-context.ts";
import { firstNameOf } from "./render-template.ts";

/** The `{{variables}}` a message template may use, each filled by buildTemplateVariables. */
export const TEMPLATE_VARIABLES = [
  "first_name",
  "name",
  "product",
  "module",
  "link",
  "source",
  "score",
  "lead_url",
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** The public base URL of this Funil (tracked links, lead links in notifications). */
export function publicBaseUrl(deps: Pick<Deps, "config">): string {
  return (deps.config.http.publicUrl ?? `http://localhost:${deps.config.http.port}`).replace(/\/+$/, "");
}

/** The variables templates may use, for this contact and product (`link`: the tracked link, or ""). */
export function buildTemplateVariables(
  deps: Pick<Deps, "config">,
  context: RuleContext,
  link: string,
): Record<TemplateVariable, string> {
  const module = context.enrollment?.lastModule ?? "";
  return {
    first_name: firstNameOf(context.contact.name),
    name: context.contact.name ?? "",
    product: context.product?.name ?? "",
    module: typeof context.event.module === "string" ? context.event.module : module,
    link,
    source: context.contact.source ?? "",
    score: context.contact.score === null ? "" : String(context.contact.score),
    lead_url: `${publicBaseUrl(deps)}/leads/${context.contact.id}`,
  };
}

/** Every `{{…}}` placeholder of `text` that is not a template variable (as written, once each). */
export function unknownVariables(text: string): string[] {
  const known = new Set<string>(TEMPLATE_VARIABLES);
  const found = [...text.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((match) => match[1] ?? "");
  return [...new Set(found.filter((name) => !known.has(name)))];
}
