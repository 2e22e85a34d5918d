/** `{{name}}` placeholders, in order of appearance (WhatsApp body parameters follow this order). */
export function templateVariables(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([a-z_]+)\s*\}\}/g)].map((match) => match[1] as string);
}

/** Fills `{{name}}` placeholders; an unknown or empty variable renders as an empty string. */
export function renderTemplate(text: string, variables: Record<string, string>): string {
  return text.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_whole, name: string) => variables[name] ?? "").trim();
}

/** A person's first name for a greeting: the first word of the name, capitalised. */
export function firstNameOf(name: string | null): string {
  const first = name?.trim().split(/\s+/)[0] ?? "";
  return first === "" ? "" : first[0]?.toLocaleUpperCase("pt-BR") + first.slice(1).toLocaleLowerCase("pt-BR");
}
