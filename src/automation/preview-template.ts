import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../platform/http/errors.ts";
import { buildTemplateVariables, publicBaseUrl, type TemplateVariable } from "./build-template-variables.ts";
import { loadContext, type RuleContext } from "./load-context.ts";
import { variableErrors } from "./manage-templates.ts";
import { renderTemplate } from "./render-template.ts";
import { automationDb, type PreviewTemplateInput } from "./schemas.ts";

/** A made-up student for a preview without a contact (pt-BR, like the seeded templates). */
function sampleContext(product: RuleContext["product"]): RuleContext {
  return {
    contact: {
      id: "00000000-0000-4000-8000-000000000000",
      name: "Marina Tavares",
      email: "marina@exemplo.com.br",
      phone: "+5511987654321",
      city: "Campinas",
      tags: [],
      source: "hotmart",
      ownerId: null,
      score: 27,
      temperature: "hot",
      optedOut: false,
    },
    product: product ?? {
      id: "00000000-0000-4000-8000-000000000001",
      name: "Curso de Fotografia",
      monitoring: true,
      accessUrl: "https://exemplo.com.br/area-de-membros",
      welcomeTemplate: null,
    },
    enrollment: {
      id: "00000000-0000-4000-8000-000000000002",
      firstAccessAt: null,
      modulesCompleted: 1,
      lastModule: "Módulo 2 - Composição",
      cohort: null,
    },
    event: {},
  };
}

/**
 * A draft template rendered as a contact would get it (their name, product, module, score; the link
 * as a sample tracked link when the product has an access URL, as in planDispatches) or, without a
 * contact, for a sample student. Unknown `{{variables}}` are refused as on save.
 */
export async function previewTemplate(
  deps: Deps,
  input: { workspaceId: string; preview: PreviewTemplateInput },
): Promise<{ body: string; subject: string | null; variables: Record<TemplateVariable, string> }> {
  const { preview } = input;
  const errors = [
    ...variableErrors("body.body", preview.body),
    ...variableErrors("body.subject", preview.subject),
  ];
  if (errors.length > 0) throw new AppError("invalid_input", "The template is invalid", errors);
  let context: RuleContext;
  if (preview.contactId) {
    const loaded = await loadContext(deps, {
      workspaceId: input.workspaceId,
      contactId: preview.contactId,
      productId: preview.productId ?? null,
    });
    if (!loaded) throw notFound("Contact");
    if (preview.productId && !loaded.product) throw notFound("Product");
    context = loaded;
  } else {
    const product = preview.productId
      ? await automationDb(deps.db)
          .selectFrom("products")
          .select(["id", "name", "monitoring", "access_url", "welcome_template"])
          .where("workspace_id", "=", input.workspaceId)
          .where("id", "=", preview.productId)
          .executeTakeFirst()
      : null;
    if (preview.productId && !product) throw notFound("Product");
    context = sampleContext(
      product
        ? {
            id: product.id,
            name: product.name,
            monitoring: product.monitoring,
            accessUrl: product.access_url,
            welcomeTemplate: product.welcome_template,
          }
        : null,
    );
  }
  // The real message gets a fresh /r/{token}; a preview shows the shape of one.
  const link = context.product?.accessUrl ? `${publicBaseUrl(deps)}/r/exemplo` : "";
  const variables = buildTemplateVariables(deps, context, link);
  return {
    body: renderTemplate(preview.body, variables),
    subject: preview.subject ? renderTemplate(preview.subject, variables) : null,
    variables,
  };
}
