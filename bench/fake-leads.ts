/** Realistic, unique leads for the load generator: every call gives a new e-mail and a new phone. */
export interface FakeLead {
  name: string;
  email: string;
  phone: string;
  source: string;
  interest: string;
  city: string;
  income: string | number;
  utm_source: string;
}

const FIRST_NAMES = [
  "Maria",
  "João",
  "Ana",
  "Pedro",
  "Juliana",
  "Lucas",
  "Fernanda",
  "Gabriel",
  "Camila",
  "Rafael",
  "Beatriz",
  "Thiago",
  "Larissa",
  "Matheus",
  "Letícia",
  "Conceição",
];
const LAST_NAMES = [
  "da Silva",
  "Santos",
  "Oliveira",
  "Souza",
  "Pereira",
  "Lima",
  "Carvalho",
  "Ferreira",
  "Rodrigues",
  "Almeida",
  "Gonçalves",
  "Araújo",
];
const DOMAINS = ["gmail.com", "hotmail.com", "outlook.com", "yahoo.com.br", "uol.com.br", "empresa.com.br"];
const SOURCES = ["typeform", "hotmart", "landing-page", "instagram", "whatsapp", "google-forms"];
const INTERESTS = [
  "Quero investir em um apartamento",
  "Mentoria de marketing digital para infoprodutores",
  "Curso de inglês para negócios",
  "Consultoria financeira para autônomos",
  "Lançamento do curso de fotografia",
  "Quero saber mais sobre o plano anual",
];
const CITIES = [
  "São Paulo",
  "Rio de Janeiro",
  "Belo Horizonte",
  "Curitiba",
  "Porto Alegre",
  "Recife",
  "Salvador",
  "Fortaleza",
];
const UTM_SOURCES = ["facebook", "instagram", "google", "youtube", "tiktok", "email"];
/** One area code per stream, so two streams in one workspace never share a phone number. */
const AREA_CODES = [11, 21, 31, 41, 51, 61, 71, 81, 85, 91];

export type LeadStream = "raw" | "api" | "webhook" | "preload" | "typeform" | "hotmart" | "import";
const STREAM_INDEX: Record<LeadStream, number> = {
  raw: 0,
  api: 1,
  webhook: 2,
  preload: 3,
  typeform: 4,
  hotmart: 5,
  import: 6,
};

export function pick<T>(list: readonly T[], n: number): T {
  const item = list[n % list.length];
  if (item === undefined) throw new Error("empty list");
  return item;
}

/** 12500 → "12.500" (Brazilian thousands separator), without depending on the ICU data. */
function thousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

function slug(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z]+/g, ".");
}

/**
 * A generator of unique leads for one stream: e-mail `first.last.<stream><n>@domain` and a valid
 * Brazilian mobile `(DD) 9XXXX-XXXX` whose area code belongs to the stream (up to 40 million each).
 */
export function createLeadFactory(stream: LeadStream): () => FakeLead {
  const index = STREAM_INDEX[stream];
  const areaCode = pick(AREA_CODES, index);
  let n = 0;
  return () => {
    n++;
    const first = pick(FIRST_NAMES, n);
    const last = pick(LAST_NAMES, Math.floor(n / FIRST_NAMES.length) + n);
    const digits = String(60_000_000 + n);
    const incomeReais = 2_000 + ((n * 7_919) % 38_000);
    return {
      name: `${first} ${last}`,
      email: `${slug(first)}.${slug(last)}.${stream}${n}@${pick(DOMAINS, n)}`,
      phone: `(${areaCode}) 9${digits.slice(0, 4)}-${digits.slice(4)}`,
      source: pick(SOURCES, n),
      interest: pick(INTERESTS, n),
      city: pick(CITIES, n),
      income: n % 2 === 0 ? `R$ ${thousands(incomeReais)},00` : incomeReais,
      utm_source: pick(UTM_SOURCES, n),
    };
  };
}
