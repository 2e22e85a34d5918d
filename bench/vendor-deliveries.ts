import { createHmac, randomUUID } from "node:crypto";
import { createLeadFactory, type FakeLead, pick } from "./fake-leads.ts";
import type { SignedDelivery } from "./sign-webhook.ts";

/** "(11) 96000-0001" → "11960000001". */
const digitsOf = (phone: string) => phone.replace(/\D/g, "");

/** `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, raw body)>`, as Typeform signs. */
export function signTypeform(secret: string, body: string): SignedDelivery {
  const signature = createHmac("sha256", secret).update(body).digest("base64");
  return {
    headers: { "content-type": "application/json", "typeform-signature": `sha256=${signature}` },
    body,
  };
}

/** `X-HOTMART-HOTTOK: <hottok>`: Hotmart's static per-account token (no body signature exists). */
export function signHotmart(hottok: string, body: string): SignedDelivery {
  return { headers: { "content-type": "application/json", "x-hotmart-hottok": hottok }, body };
}

const LEVELS = ["Iniciante", "Intermediário", "Avançado"];
const MEDIUMS = ["stories", "cpc", "feed", "bio", "paid_social", "email"];

/** The form definition every response carries (as in fixtures/webhooks/typeform/form-response.json). */
const DEFINITION = {
  id: "Qm4xT8vR",
  title: "Diagnóstico Lumina",
  fields: [
    { id: "aB3dE5fG7hJ9", ref: "nome_completo", type: "short_text", title: "Qual é o seu nome completo?" },
    { id: "kL2mN4pQ6rS8", ref: "email", type: "email", title: "Qual e-mail você mais usa?" },
    { id: "tU1vW3xY5zA7", ref: "whatsapp", type: "phone_number", title: "Qual é o seu WhatsApp?" },
    {
      id: "cD9eF1gH3iJ5",
      ref: "nivel_experiencia",
      type: "multiple_choice",
      title: "Qual o seu nível com fotografia?",
      choices: LEVELS.map((label, index) => ({ id: `choice${index}`, ref: `nivel_${index}`, label })),
    },
    { id: "qZ8xC6vB4nM2", ref: "cidade", type: "short_text", title: "Em que cidade você mora?" },
    {
      id: "mN7oP9qR1sT3",
      ref: "orcamento_mensal",
      type: "number",
      title: "Quanto você investe por mês em cursos (R$)?",
    },
  ],
};

/**
 * Unique Typeform `form_response` deliveries (a new `event_id` and response `token` each, a new
 * person each), signed with the connection's secret.
 */
export function createTypeformDeliveries(secret: string): () => SignedDelivery {
  const nextLead = createLeadFactory("typeform");
  let n = 0;
  return () => {
    n++;
    const lead: FakeLead = nextLead();
    const submitted = new Date(Date.now() - 5_000);
    const body = JSON.stringify({
      event_id: randomUUID().replaceAll("-", "").toUpperCase().slice(0, 26),
      event_type: "form_response",
      form_response: {
        form_id: DEFINITION.id,
        token: randomUUID().replaceAll("-", ""),
        landed_at: new Date(submitted.getTime() - 180_000).toISOString().replace(/\.\d+Z$/, "Z"),
        submitted_at: submitted.toISOString().replace(/\.\d+Z$/, "Z"),
        hidden: {
          utm_source: lead.utm_source,
          utm_medium: pick(MEDIUMS, n),
          utm_campaign: "lancamento-2026",
        },
        calculated: { score: n % 10 },
        definition: DEFINITION,
        answers: [
          {
            type: "text",
            text: lead.name,
            field: { id: "aB3dE5fG7hJ9", type: "short_text", ref: "nome_completo" },
          },
          { type: "email", email: lead.email, field: { id: "kL2mN4pQ6rS8", type: "email", ref: "email" } },
          {
            type: "phone_number",
            phone_number: `+55${digitsOf(lead.phone)}`,
            field: { id: "tU1vW3xY5zA7", type: "phone_number", ref: "whatsapp" },
          },
          {
            type: "choice",
            choice: { label: pick(LEVELS, n) },
            field: { id: "cD9eF1gH3iJ5", type: "multiple_choice", ref: "nivel_experiencia" },
          },
          {
            type: "text",
            text: lead.city,
            field: { id: "qZ8xC6vB4nM2", type: "short_text", ref: "cidade" },
          },
          {
            type: "number",
            number: 50 + (n % 20) * 25,
            field: { id: "mN7oP9qR1sT3", type: "number", ref: "orcamento_mensal" },
          },
        ],
        ending: { id: "EndScr33nA1", ref: "obrigado_diagnostico" },
      },
    });
    return signTypeform(secret, body);
  };
}

const PRODUCTS = [
  { id: 5123487, name: "Clube Lumina de Fotografia", price: 497 },
  { id: 5123490, name: "Mentoria Lumina Pro", price: 1997 },
  { id: 5123502, name: "Ebook Luz Natural", price: 47.9 },
];
const PAYMENTS = ["CREDIT_CARD", "PIX", "BILLET"];

/**
 * Unique Hotmart 2.0.0 `PURCHASE_APPROVED` deliveries (a new envelope `id` and transaction each, a
 * new buyer each), with the account's hottok in the header.
 */
export function createHotmartDeliveries(hottok: string): () => SignedDelivery {
  const nextLead = createLeadFactory("hotmart");
  let n = 0;
  return () => {
    n++;
    const lead = nextLead();
    const product = pick(PRODUCTS, n);
    const phone = digitsOf(lead.phone);
    const [first = "", ...rest] = lead.name.split(" ");
    const now = Date.now();
    const body = JSON.stringify({
      id: randomUUID(),
      creation_date: now,
      event: "PURCHASE_APPROVED",
      version: "2.0.0",
      data: {
        product: { id: product.id, ucode: randomUUID(), name: product.name, has_co_production: false },
        buyer: {
          email: lead.email,
          name: lead.name,
          first_name: first,
          last_name: rest.join(" "),
          checkout_phone_code: phone.slice(0, 2),
          checkout_phone: phone,
          address: { city: lead.city, country: "Brasil", country_iso: "BR" },
          document: String(10_000_000_000 + n),
          document_type: "CPF",
        },
        producer: { name: "Lumina Educação Ltda" },
        commissions: [{ value: product.price * 0.8, source: "PRODUCER", currency_value: "BRL" }],
        purchase: {
          approved_date: now - 2_000,
          order_date: now - 60_000,
          price: { value: product.price, currency_value: "BRL" },
          full_price: { value: product.price, currency_value: "BRL" },
          checkout_country: { name: "Brasil", iso: "BR" },
          status: "APPROVED",
          transaction: `HP${String(1_000_000_000_000 + n)}`,
          payment: { installments_number: 1 + (n % 12), type: pick(PAYMENTS, n) },
          offer: { code: `of${n % 7}x9p2qa` },
          is_funnel: false,
          business_model: "I",
        },
      },
    });
    return signHotmart(hottok, body);
  };
}
