import { normalizePhone } from "../contacts/normalize-identity.ts";
import type { LeadInput } from "../contacts/schemas.ts";
import { createRandom, type Random } from "./create-random.ts";
import {
  ADVERTISER_NAMES,
  BROKERS,
  CITIES,
  CREATOR_NICHES,
  type DemoProduct,
  E_MAIL_DOMAINS,
  EVERYDAY_INTERESTS,
  FEMALE_NAMES,
  HIGH_TICKET_INTERESTS,
  INSTAGRAM_OPENERS,
  LOST_REASONS,
  MALE_NAMES,
  PRODUCTS,
  SALES_REPS,
  SUPPORT_TOPICS,
  SURNAMES,
  type TeamKey,
  UTM_CAMPAIGNS,
  UTM_ORIGINS,
  WHATSAPP_OPENERS,
  WHATSAPP_REPLIES,
  WON_REASONS,
} from "./demo-data.ts";

export const DEMO_SOURCES = [
  "typeform",
  "hotmart",
  "api",
  "whatsapp",
  "instagram",
  "import",
  "meta_ads",
  "outbound",
] as const;
export type DemoSource = (typeof DEMO_SOURCES)[number];

/** How many of the leads come through each door. */
const SOURCE_SHARES: Record<DemoSource, number> = {
  typeform: 0.22,
  hotmart: 0.14,
  api: 0.1,
  whatsapp: 0.14,
  instagram: 0.1,
  import: 0.12,
  meta_ads: 0.1,
  outbound: 0.08,
};

/** Who goes on to buy, by the door they came through (hotmart leads arrive by buying). */
const BUYER_SHARES: Record<DemoSource, number> = {
  typeform: 0.25,
  hotmart: 1,
  api: 0.2,
  whatsapp: 0.2,
  instagram: 0.15,
  import: 0.1,
  meta_ads: 0,
  outbound: 0,
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The workspace's time zone is America/Sao_Paulo: UTC−3 all year (no daylight saving since 2019). */
const LOCAL_OFFSET = -3 * HOUR;

/** How a buyer first reaches the members area. */
export type AccessPlan =
  /** Clicks the tracked link of our WhatsApp welcome shortly after it arrives. */
  | "welcome_link"
  /** Through the platform's own e-mail (Hotmart), some time after buying. */
  | "email"
  /** Not by themselves: only after an access-rescue message, if one is sent. */
  | "rescue"
  | "never";

export interface DemoPurchase {
  product: DemoProduct;
  offer: DemoProduct["offers"][number];
  transaction: string;
  at: Date;
  paymentType: string;
  /** A refund or chargeback later on. */
  reversal: { status: "refunded" | "chargeback"; at: Date } | null;
  access: AccessPlan;
  /** For `email` access: how long after the purchase. */
  emailAccessAfter: number;
  /** For link-driven access: the click comes this long after our message, the access after the click. */
  clickAfter: number;
  accessAfterClick: number;
  /** Modules the student will complete, and the time between them (the first after the access). */
  moduleGaps: number[];
  /** A support conversation in Chatwoot. */
  support: DemoSupport | null;
}

export interface DemoSupport {
  at: Date;
  topic: (typeof SUPPORT_TOPICS)[number];
  conversationId: string;
  repliedAt: Date;
  /** The label comes off and `satisfeito` goes on, when solved. */
  solvedAt: Date | null;
}

export interface DemoMessage {
  at: Date;
  direction: "inbound" | "outbound";
  text: string;
  isOptOut?: boolean;
}

export interface DemoStage {
  stage: string;
  at: Date;
  reason?: string;
}

export interface DemoDeal {
  pipeline: "vendas" | "imoveis";
  at: Date;
  /** Who creates it: a rep owns it; the manager lets the assignment rules choose. */
  createdBy: TeamKey;
  value: number | null;
  moves: DemoStage[];
  /** The next step, still open at the end (some due today). */
  nextTask: {
    title: string;
    kind: "call" | "whatsapp" | "meeting" | "visit" | "follow_up";
    dueAt: Date;
  } | null;
}

export interface DemoPerson {
  index: number;
  key: string;
  source: DemoSource;
  arrivedAt: Date;
  /** The lead as its door delivers it. */
  lead: LeadInput;
  name: string;
  email: string | null;
  /** E.164, as WhatsApp reports it. */
  phone: string | null;
  /** What the checkout (Hotmart) knows of them when they buy. */
  buyer: { name: string; email: string; phone: string | null };
  /** WhatsApp says this number is not on WhatsApp (sends fail). */
  isUnreachable: boolean;
  /** Their messages: on WhatsApp or Instagram, the first is the one that brought them (`messageChannel`). */
  messages: DemoMessage[];
  messageChannel: "whatsapp" | "instagram" | null;
  /** Asked to stop receiving messages ("PARAR") at this time. */
  optOutAt: Date | null;
  /** A rep's first response (call or WhatsApp), for the first-response SLA. */
  firstResponse: { at: Date; by: TeamKey; channel: "call" | "whatsapp"; result: string } | null;
  purchases: DemoPurchase[];
  deal: DemoDeal | null;
  /** What they look for in real estate (Imóveis leads). */
  realEstate: {
    purpose: "buy" | "rent";
    kinds: string[];
    priceMax: number;
    bedroomsMin: number | null;
  } | null;
}

export interface DemoPlan {
  seed: number;
  now: Date;
  start: Date;
  people: DemoPerson[];
  /** When the historical base (the `import` leads) was imported. */
  importedAt: Date;
}

const deaccent = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

/** A local (São Paulo) wall-clock time, in epoch ms, on the local day of `at`. */
export function atLocal(at: number, hour: number, minute = 0): number {
  const local = at + LOCAL_OFFSET;
  const dayStart = local - (((local % DAY) + DAY) % DAY);
  return dayStart + hour * HOUR + minute * MINUTE - LOCAL_OFFSET;
}

/** 0 = Sunday … 6 = Saturday, locally. */
export function localWeekday(at: number): number {
  return new Date(at + LOCAL_OFFSET).getUTCDay();
}

const localDate = (at: Date, hour: number, minute = 0) => new Date(atLocal(at.getTime(), hour, minute));
const weekdayOf = (at: Date) => localWeekday(at.getTime());

function localHour(at: Date): number {
  return new Date(at.getTime() + LOCAL_OFFSET).getUTCHours();
}

/** The next moment at or after `at` inside business hours (Mon–Fri 09:00–18:00 local). */
export function nextBusinessMoment(at: Date): Date {
  let moment = at;
  for (let guard = 0; guard < 10; guard++) {
    const weekday = weekdayOf(moment);
    const hour = localHour(moment);
    if (weekday >= 1 && weekday <= 5 && hour >= 9 && hour < 18) return moment;
    const nine = localDate(moment, 9);
    moment = weekday >= 1 && weekday <= 5 && hour < 9 ? nine : new Date(nine.getTime() + DAY);
  }
  return moment;
}

/** Minutes, skewed towards the short end: most in minutes, a few in days. */
function skewed(random: Random, min: number, max: number, power = 2.5): number {
  return min + (max - min) * random.next() ** power;
}

/** When people show up: more in the recent weeks, in the evening, less at weekends. */
function arrivalTime(random: Random, now: Date, days: number): Date {
  for (;;) {
    const daysAgo = days * random.next() ** 1.3;
    const day = new Date(now.getTime() - daysAgo * DAY);
    const weekday = weekdayOf(day);
    if ((weekday === 0 || weekday === 6) && random.chance(0.4)) continue;
    const hour = random.weighted<number>([
      [7, 2],
      [8, 4],
      [9, 6],
      [10, 7],
      [11, 7],
      [12, 6],
      [13, 6],
      [14, 7],
      [15, 7],
      [16, 6],
      [17, 6],
      [18, 7],
      [19, 9],
      [20, 10],
      [21, 9],
      [22, 6],
      [23, 3],
      [0, 1],
    ]);
    const at = localDate(day, hour, random.int(0, 59));
    const time = at.getTime() + random.int(0, 59) * 1000;
    if (time < now.getTime() - 10 * MINUTE && time > now.getTime() - days * DAY) return new Date(time);
  }
}

function uniqueValue(used: Set<string>, base: string, random: Random): string {
  let value = base;
  while (used.has(value)) value = `${base}${random.int(1, 999)}`;
  used.add(value);
  return value;
}

interface Identity {
  first: string;
  name: string;
  email: string;
  phone: string;
  phoneInput: string;
  city: (typeof CITIES)[number][0];
  handle: string;
}

function makeIdentity(
  random: Random,
  used: { emails: Set<string>; phones: Set<string>; handles: Set<string> },
) {
  const female = random.chance(0.52);
  const first = random.pick(female ? FEMALE_NAMES : MALE_NAMES);
  const last = random.pick(SURNAMES);
  const middle = random.chance(0.55) ? random.pick(SURNAMES) : null;
  const name = middle && middle !== last ? `${first} ${middle} ${last}` : `${first} ${last}`;
  const a = deaccent(first);
  const b = deaccent(last);
  const local = random.weighted<string>([
    [`${a}.${b}`, 4],
    [`${a}${b}`, 2],
    [`${a}_${b}`, 1],
    [`${a}.${b}${random.int(70, 99)}`, 2],
    [`${a}${random.int(1, 2024)}`, 1],
    [`${a[0] ?? "x"}${b}`, 1],
  ]);
  const email = `${uniqueValue(used.emails, local, random)}@${random.weighted(E_MAIL_DOMAINS)}`;
  const city = random.weighted(CITIES);
  let phone = "";
  let digits = "";
  for (;;) {
    digits = `9${random.int(6, 9)}${String(random.int(0, 9_999_999)).padStart(7, "0")}`;
    const normalized = normalizePhone(`+55${city.ddd}${digits}`, "BR");
    if (normalized.ok && !used.phones.has(normalized.value)) {
      phone = normalized.value;
      used.phones.add(phone);
      break;
    }
  }
  const ddd = String(city.ddd);
  const phoneInput = random.weighted<string>([
    [`(${ddd}) ${digits.slice(0, 5)}-${digits.slice(5)}`, 5],
    [`${ddd}${digits}`, 2],
    [`+55 ${ddd} ${digits.slice(0, 5)}-${digits.slice(5)}`, 2],
    [`${ddd} ${digits}`, 1],
    // Without the ninth digit, as older address books have it: the same number once normalised.
    [`(${ddd}) ${digits.slice(1, 5)}-${digits.slice(5)}`, 1],
  ]);
  const handle = uniqueValue(
    used.handles,
    random
      .weighted<string>([
        [`${a}${b}`, 3],
        [`${a}.${b}`, 2],
        [`${a}_${b}`, 1],
        [`${a}${b}.oficial`, 1],
      ])
      .slice(0, 26),
    random,
  );
  return { first, name, email, phone, phoneInput, city, handle } satisfies Identity;
}

function businessName(random: Random): string {
  if (random.chance(0.25)) return random.pick(ADVERTISER_NAMES);
  const surname = random.pick(SURNAMES);
  const first = random.pick(FEMALE_NAMES);
  return random.weighted<string>([
    [`Clínica ${surname}`, 2],
    [`${surname} Imóveis`, 2],
    [`Studio ${first}`, 2],
    [`Doceria da ${first}`, 1],
    [`Academia ${surname} Fit`, 1],
    [`${surname} & ${random.pick(SURNAMES)} Advogados`, 1],
    [`Escola ${surname}`, 1],
    [`Espaço ${first} Estética`, 1],
    [`${surname} Odontologia`, 1],
  ]);
}

function pickInterest(random: Random): string | null {
  const roll = random.next();
  if (roll < 0.24) return random.pick(HIGH_TICKET_INTERESTS);
  if (roll < 0.8) return random.pick(EVERYDAY_INTERESTS);
  return null;
}

function pickIncome(random: Random): number | null {
  if (!random.chance(0.6)) return null;
  const band = random.weighted<[number, number]>([
    [[1800, 3000], 3],
    [[3000, 5000], 4],
    [[5000, 8000], 3],
    [[8000, 12000], 2],
    [[12000, 20000], 1.5],
    [[20000, 40000], 0.7],
  ]);
  return Math.round(random.int(band[0], band[1]) / 100) * 100;
}

function utmOf(random: Random): Pick<LeadInput, "utm_source" | "utm_medium" | "utm_campaign"> {
  const origin = random.weighted(UTM_ORIGINS);
  return { utm_source: origin.source, utm_medium: origin.medium, utm_campaign: random.pick(UTM_CAMPAIGNS) };
}

const REAL_ESTATE =
  /imóve|apartamento|casa|terreno|cobertura|lançamento|sala comercial|sobrado|aluguel|planta/i;
const MENTORING = /mentoria|negócios|infoproduto/i;

function realEstateOf(random: Random, interest: string, income: number | null): DemoPerson["realEstate"] {
  const kinds = /terreno/i.test(interest)
    ? ["lot"]
    : /casa|sobrado/i.test(interest)
      ? ["house", "condo_house"]
      : /sala/i.test(interest)
        ? ["commercial"]
        : ["apartment"];
  const purpose = /aluguel/i.test(interest) && random.chance(0.3) ? "rent" : "buy";
  const budget =
    purpose === "rent" ? random.pick([2500, 3500, 5000]) : (income ?? 8000) * random.int(70, 120);
  return {
    purpose,
    kinds,
    priceMax: Math.max(purpose === "rent" ? 2000 : 300_000, Math.round(budget / 10_000) * 10_000),
    bedroomsMin: kinds.includes("apartment") || kinds.includes("house") ? random.pick([1, 2, 2, 3]) : null,
  };
}

function pickProduct(random: Random, interest: string | null, excluded: string[]): DemoProduct {
  const options = PRODUCTS.filter((product) => !excluded.includes(product.key));
  return random.weighted(
    options.map(
      (product) => [product, product.weight * (interest && product.affinity.test(interest) ? 5 : 1)] as const,
    ),
  );
}

function planPurchase(
  random: Random,
  input: {
    product: DemoProduct;
    at: Date;
    now: Date;
    canMessage: boolean;
    transaction: string;
    supportId: string;
  },
): DemoPurchase {
  const { product, at, now } = input;
  const offer = random.weighted(product.offers.map((item) => [item, item.weight] as const));
  const reversalRoll = random.next();
  const reversalAt =
    reversalRoll < 0.07
      ? new Date(at.getTime() + skewed(random, 1, 7, 1) * DAY)
      : reversalRoll < 0.09
        ? new Date(at.getTime() + skewed(random, 12, 40, 1) * DAY)
        : null;
  const access: AccessPlan = input.canMessage
    ? random.weighted<AccessPlan>([
        ["welcome_link", 45],
        ["email", 30],
        ["rescue", 15],
        ["never", 10],
      ])
    : random.weighted<AccessPlan>([
        ["email", 75],
        ["never", 25],
      ]);
  const modules = random.weighted<number>([
    [0, 34],
    [1, 30],
    [2, 16],
    [3, 9],
    [4, 5],
    [5, 3],
    [product.modules.length, 3],
  ]);
  const moduleGaps = Array.from({ length: Math.min(modules, product.modules.length) }, (_, index) =>
    index === 0 ? skewed(random, 2, 72, 1.5) * HOUR : skewed(random, 0.5, 9, 1.4) * DAY,
  );
  const supportAt = new Date(at.getTime() + skewed(random, 2, 6 * 24, 1.6) * HOUR);
  const hasSupport = random.chance(0.16) && supportAt.getTime() < now.getTime() - HOUR;
  const topic = random.weighted(SUPPORT_TOPICS.map((item) => [item, item.weight] as const));
  const repliedAt = new Date(supportAt.getTime() + skewed(random, 4, 300, 2) * MINUTE);
  const solvedAt = random.chance(0.8)
    ? new Date(repliedAt.getTime() + skewed(random, 1, 30, 1.5) * HOUR)
    : null;
  return {
    product,
    offer,
    transaction: input.transaction,
    at,
    paymentType: random.weighted<string>([
      ["CREDIT_CARD", 65],
      ["PIX", 25],
      ["BILLET", 10],
    ]),
    reversal:
      reversalAt && reversalAt.getTime() < now.getTime() - HOUR
        ? { status: reversalRoll < 0.07 ? "refunded" : "chargeback", at: reversalAt }
        : null,
    access,
    emailAccessAfter: skewed(random, 15, 36 * 60, 2.2) * MINUTE,
    clickAfter: skewed(random, 3, 180, 2) * MINUTE,
    accessAfterClick: random.int(1, 10) * MINUTE,
    moduleGaps,
    support: hasSupport
      ? {
          at: supportAt,
          topic,
          conversationId: input.supportId,
          repliedAt,
          solvedAt: solvedAt && solvedAt.getTime() < now.getTime() ? solvedAt : null,
        }
      : null,
  };
}

const VENDAS_STAGES = ["Novo", "Qualificação", "Reunião", "Proposta"] as const;
const IMOVEIS_STAGES = ["Novo", "Qualificação", "Visita", "Proposta"] as const;

/** A deal's path through its pipeline: each stage a few days after the last, ending open, won or lost. */
function planDeal(
  random: Random,
  input: {
    pipeline: "vendas" | "imoveis";
    at: Date;
    now: Date;
    createdBy: TeamKey;
    value: number | null;
    /** A purchase that closes it (Mentoria bought after the sales conversation). */
    wonAt: Date | null;
    firstName: string;
  },
): DemoDeal {
  const { now } = input;
  const stages = input.pipeline === "vendas" ? VENDAS_STAGES : IMOVEIS_STAGES;
  const won = input.pipeline === "vendas" ? "Ganho" : "Fechado";
  const moves: DemoStage[] = [];
  let at = input.at.getTime();
  const limit = input.wonAt ? input.wonAt.getTime() - HOUR : now.getTime() - 10 * MINUTE;
  // The stage it reaches (index), and whether it closes after it.
  const reach = input.wonAt
    ? stages.length - 1
    : random.weighted<number>([
        [0, 3],
        [1, 3],
        [2, 3],
        [3, 2],
      ]);
  // A purchase right after the deal opened leaves no time for the stages in between.
  const steps = input.wonAt && limit - input.at.getTime() < HOUR ? 0 : reach;
  for (let index = 1; index <= steps; index++) {
    // Closed by a purchase: the conversation goes through every stage before it, evenly.
    const next = input.wonAt
      ? input.at.getTime() + ((limit - input.at.getTime()) * index) / (reach + 1)
      : at + skewed(random, 0.3, 6, 1.3) * DAY;
    if (next >= limit) break;
    at = next;
    moves.push({ stage: stages[index] as string, at: new Date(at) });
  }
  if (input.wonAt) {
    moves.push({
      stage: won,
      at: new Date(input.wonAt.getTime() - 30 * MINUTE),
      reason: random.pick(WON_REASONS),
    });
  } else {
    const closing = at + skewed(random, 1, 10, 1.2) * DAY;
    const outcome = random.weighted<"open" | "won" | "lost">([
      ["open", 6],
      ["won", moves.length >= 3 ? 2 : 0],
      ["lost", 2],
    ]);
    if (outcome !== "open" && closing < now.getTime() - HOUR) {
      moves.push(
        outcome === "won"
          ? { stage: won, at: new Date(closing), reason: random.pick(WON_REASONS) }
          : { stage: "Perdido", at: new Date(closing), reason: random.pick(LOST_REASONS) },
      );
    }
  }
  const last = moves.at(-1);
  const isOpen = !last || (last.stage !== won && last.stage !== "Perdido");
  const stage = last?.stage ?? "Novo";
  // The next step: yesterday (overdue), today, tomorrow or later this week, in business hours.
  const dueDay = random.weighted<number>([
    [-1, 2],
    [0, 5],
    [1, 3],
    [random.int(2, 5), 2],
  ]);
  const dueAt = new Date(
    Math.max(
      (last?.at ?? input.at).getTime() + HOUR,
      atLocal(now.getTime() + dueDay * DAY, random.int(9, 18), random.pick([0, 15, 30, 45])),
    ),
  );
  const nextTask = isOpen
    ? input.pipeline === "imoveis" && stage === "Visita"
      ? { title: `Visita ao imóvel com ${input.firstName}`, kind: "visit" as const, dueAt }
      : stage === "Reunião"
        ? { title: `Reunião de diagnóstico com ${input.firstName}`, kind: "meeting" as const, dueAt }
        : stage === "Proposta"
          ? { title: `Cobrar retorno da proposta de ${input.firstName}`, kind: "whatsapp" as const, dueAt }
          : { title: `Ligar para ${input.firstName}`, kind: "call" as const, dueAt }
    : null;
  return {
    pipeline: input.pipeline,
    at: input.at,
    createdBy: input.createdBy,
    value: input.value,
    moves,
    nextTask,
  };
}

/**
 * The demo workspace's story, deterministic from `seed`: `leads` people over the last `days` days
 * before `now`, each with the door they came through and what happens to them afterwards (purchases,
 * accesses, conversations, deals). Pure: nothing is written.
 */
export function planDemo(input: { seed: number; leads: number; days: number; now: Date }): DemoPlan {
  const { seed, now, days } = input;
  const root = createRandom(seed, "demo");
  const used = { emails: new Set<string>(), phones: new Set<string>(), handles: new Set<string>() };
  const start = new Date(now.getTime() - days * DAY);
  const importedAt = localDate(new Date(now.getTime() - (days - 8) * DAY), 10, 15);
  // Weekly Ad Library runs on Mondays at 06:00, prospecting on Tuesdays and Thursdays at 07:30.
  const mondays: Date[] = [];
  const prospecting: Date[] = [];
  for (let day = 0; day < days; day++) {
    const at = new Date(start.getTime() + day * DAY);
    const weekday = weekdayOf(at);
    if (weekday === 1) mondays.push(localDate(at, 6));
    if (weekday === 2 || weekday === 4) prospecting.push(localDate(at, 7, 30));
  }
  const inRange = (list: Date[]) => list.filter((at) => at > start && at.getTime() < now.getTime() - HOUR);
  const adRuns = inRange(mondays);
  const prospectRuns = inRange(prospecting);

  const counts = DEMO_SOURCES.map(
    (source) => [source, Math.round(input.leads * SOURCE_SHARES[source])] as const,
  );
  const sources: DemoSource[] = counts.flatMap(([source, count]) =>
    Array.from({ length: count }, () => source),
  );
  while (sources.length < input.leads) sources.push("typeform");
  sources.length = input.leads;
  // Interleaved so that any prefix of the list has every door (a smaller demo keeps the mix).
  const order = sources
    .map((source, index) => ({ source, key: root.fork(`order/${index}`).next() }))
    .sort((a, b) => a.key - b.key)
    .map((item) => item.source);

  let transactions = 0;
  let conversations = 0;
  const people = order.map((source, index): DemoPerson => {
    const random = root.fork(`person/${index}`);
    const key = `p${String(index + 1).padStart(4, "0")}`;
    const id = makeIdentity(random, used);
    const firstName = id.first;
    const interest = pickInterest(random);
    const income = pickIncome(random);
    const hasCity = random.chance(0.9);
    const arrivedAt =
      source === "import"
        ? importedAt
        : source === "meta_ads" && adRuns.length > 0
          ? random.pick(adRuns)
          : source === "outbound" && prospectRuns.length > 0
            ? random.pick(prospectRuns)
            : arrivalTime(random, now, days);
    const lead: LeadInput = { source };
    let name = id.name;
    let email: string | null = id.email;
    let phone: string | null = id.phone;
    const messages: DemoMessage[] = [];
    let messageChannel: DemoPerson["messageChannel"] = null;
    switch (source) {
      case "typeform":
        Object.assign(lead, {
          name,
          email,
          phone: id.phoneInput,
          interest: interest ?? random.pick(EVERYDAY_INTERESTS),
          ...(hasCity ? { city: id.city.city } : {}),
          ...(income !== null ? { income } : {}),
          ...utmOf(random),
          custom: {
            typeform: {
              form: random.pick([
                "Aplicação – Mentoria Investidor",
                "Quiz – Qual curso é para você?",
                "Lista de espera – Turma 10",
              ]),
            },
            estado: id.city.state,
          },
        });
        break;
      case "api": {
        const withPhone = random.chance(0.9);
        if (!withPhone) phone = null;
        Object.assign(lead, {
          name,
          email,
          ...(withPhone ? { phone: id.phoneInput } : {}),
          ...(interest && random.chance(0.8) ? { interest } : {}),
          ...(hasCity && random.chance(0.7) ? { city: id.city.city } : {}),
          ...(random.chance(0.6) ? utmOf(random) : {}),
          custom: { pagina: random.pick(["/aula-gratuita", "/lista-vip", "/contato", "/ebook"]) },
        });
        break;
      }
      case "whatsapp": {
        const withName = random.chance(0.85);
        if (!withName) name = "";
        email = null;
        Object.assign(lead, {
          ...(withName ? { name } : {}),
          phone: id.phone,
          ...(interest && random.chance(0.5) ? { interest } : {}),
          custom: { whatsapp: { waId: id.phone.slice(1) } },
        });
        messageChannel = "whatsapp";
        messages.push({ at: arrivedAt, direction: "inbound", text: random.pick(WHATSAPP_OPENERS) });
        break;
      }
      case "instagram": {
        const withName = random.chance(0.6);
        if (!withName) name = "";
        email = null;
        phone = null;
        const igsid = `17${String(random.int(100_000_000, 999_999_999))}${String(random.int(100_000, 999_999))}`;
        Object.assign(lead, {
          ...(withName ? { name } : {}),
          instagram_id: igsid,
          ...(random.chance(0.7) ? { instagram: `@${id.handle}` } : {}),
          ...(interest && random.chance(0.4) ? { interest } : {}),
          custom: { instagram: { igsid } },
        });
        messageChannel = "instagram";
        messages.push({ at: arrivedAt, direction: "inbound", text: random.pick(INSTAGRAM_OPENERS) });
        break;
      }
      case "hotmart": {
        const withPhone = random.chance(0.94);
        if (!withPhone) phone = null;
        Object.assign(lead, {
          name,
          email,
          ...(withPhone ? { phone: id.phoneInput } : {}),
          ...(hasCity && random.chance(0.5) ? { city: id.city.city } : {}),
        });
        break;
      }
      case "import": {
        const withEmail = random.chance(0.9);
        const withPhone = random.chance(0.7);
        if (!withEmail) email = null;
        if (!withPhone) phone = null;
        Object.assign(lead, {
          name,
          ...(withEmail ? { email } : {}),
          ...(withPhone ? { phone: id.phoneInput } : {}),
          ...(hasCity && random.chance(0.6) ? { city: id.city.city } : {}),
          ...(interest && random.chance(0.4) ? { interest } : {}),
          custom: { lista: "Evento presencial – Imersão 2024" },
        });
        break;
      }
      case "meta_ads": {
        name = businessName(random);
        email = null;
        phone = null;
        const pageId = String(random.int(100_000_000, 999_999_999)) + String(random.int(100_000, 999_999));
        Object.assign(lead, {
          name,
          ...(random.chance(0.6)
            ? {
                instagram: `@${uniqueValue(
                  used.handles,
                  deaccent(name)
                    .replace(/[^a-z0-9]/g, "")
                    .slice(0, 26),
                  random,
                )}`,
              }
            : {}),
          ...(hasCity ? { city: id.city.city } : {}),
          custom: {
            adLibrary: { pageId, adsSeen: random.int(1, 24), country: random.pick(["BR", "PT", "BR", "BR"]) },
          },
        });
        break;
      }
      case "outbound": {
        const niche = random.pick(CREATOR_NICHES);
        const handle = uniqueValue(used.handles, `${niche}com${deaccent(firstName)}`.slice(0, 26), random);
        const withEmail = random.chance(0.4);
        if (!withEmail) email = null;
        phone = null;
        Object.assign(lead, {
          name,
          instagram: `@${handle}`,
          ...(withEmail
            ? { email: `contato.${handle.replace(/[^a-z0-9]/g, "")}@${random.weighted(E_MAIL_DOMAINS)}` }
            : {}),
          custom: {
            outbound: { niche, followers: Math.round(skewed(random, 2_000, 400_000, 3) / 100) * 100 },
          },
        });
        if (withEmail) email = String(lead.email);
        break;
      }
    }
    const displayName = name || (phone ?? "");
    const isUnreachable = phone !== null && random.chance(0.015);

    // WhatsApp conversations: the team answers; a few send "PARAR" later.
    let optOutAt: Date | null = null;
    if (messageChannel) {
      const replyAt = new Date(
        nextBusinessMoment(arrivedAt).getTime() +
          (random.chance(0.9) ? skewed(random, 2, 25, 1.5) : skewed(random, 40, 240, 1)) * MINUTE,
      );
      if (replyAt.getTime() < now.getTime()) {
        messages.push({ at: replyAt, direction: "outbound", text: random.pick(WHATSAPP_REPLIES) });
        if (random.chance(0.6)) {
          const back = new Date(replyAt.getTime() + skewed(random, 1, 180, 2) * MINUTE);
          if (back.getTime() < now.getTime())
            messages.push({
              at: back,
              direction: "inbound",
              text: random.pick(["Obrigada!", "Vou ver e te falo", "Pode mandar o link", "Show, quero sim"]),
            });
        }
      }
      if (messageChannel === "whatsapp" && random.chance(0.05)) {
        const at = new Date(arrivedAt.getTime() + skewed(random, 0.2, 10, 1) * DAY);
        if (at.getTime() < now.getTime() - HOUR) {
          optOutAt = at;
          messages.push({ at, direction: "inbound", text: "PARAR", isOptOut: true });
        }
      }
    }

    // A rep's first response to form leads with a phone (first-response SLA: 2 business hours).
    let firstResponse: DemoPerson["firstResponse"] = null;
    const isRealEstate = interest !== null && REAL_ESTATE.test(interest);
    if ((source === "typeform" || source === "api") && phone && !random.chance(0.04)) {
      const late = random.chance(0.05);
      const at = new Date(
        nextBusinessMoment(arrivedAt).getTime() +
          (late ? skewed(random, 150, 600, 1) : skewed(random, 3, 100, 1.8)) * MINUTE,
      );
      if (at.getTime() < now.getTime() - 5 * MINUTE) {
        firstResponse = {
          at,
          by: isRealEstate ? random.pick(BROKERS) : random.pick(SALES_REPS),
          channel: random.chance(0.6) ? "call" : "whatsapp",
          result: random.pick([
            "atendeu",
            "atendeu",
            "caixa postal",
            "pediu retorno amanhã",
            "enviou proposta",
          ]),
        };
      }
    }

    // Purchases: the first one, sometimes a second product later.
    const purchases: DemoPurchase[] = [];
    const canMessage = phone !== null && !isUnreachable;
    if (random.chance(BUYER_SHARES[source])) {
      const at =
        source === "hotmart"
          ? arrivedAt
          : new Date(arrivedAt.getTime() + skewed(random, 1, 12 * 24, 2.4) * HOUR);
      if (at.getTime() < now.getTime() - 30 * MINUTE) {
        const product = pickProduct(random, interest, []);
        purchases.push(
          planPurchase(random, {
            product,
            at,
            now,
            canMessage: canMessage && (optOutAt === null || optOutAt > at),
            transaction: `HP${String(seed).padStart(2, "0")}${String(++transactions).padStart(8, "0")}`,
            supportId: String(4000 + ++conversations),
          }),
        );
        const upsellAt = new Date(at.getTime() + skewed(random, 3, 20, 1) * DAY);
        if (random.chance(0.08) && upsellAt.getTime() < now.getTime() - HOUR) {
          purchases.push(
            planPurchase(random, {
              product: pickProduct(random, interest, [product.key]),
              at: upsellAt,
              now,
              canMessage: canMessage && (optOutAt === null || optOutAt > upsellAt),
              transaction: `HP${String(seed).padStart(2, "0")}${String(++transactions).padStart(8, "0")}`,
              supportId: String(4000 + ++conversations),
            }),
          );
        }
      }
    }

    // Some buyers ask on WhatsApp to stop receiving messages after buying: later sends are refused.
    const bought = purchases[0];
    if (bought && phone && optOutAt === null && random.chance(0.05)) {
      const at = new Date(bought.at.getTime() + skewed(random, 0.5, 10, 1) * DAY);
      if (at.getTime() < now.getTime() - HOUR) {
        optOutAt = at;
        messages.push({
          at,
          direction: "inbound",
          text: random.pick(["PARAR", "Parar", "SAIR"]),
          isOptOut: true,
        });
      }
    }

    // Deals: mentoring and high-income leads in Vendas, real-estate leads in Imóveis.
    let deal: DemoDeal | null = null;
    let realEstate: DemoPerson["realEstate"] = null;
    const mentoring = purchases.find((purchase) => purchase.product.key === "mentoria");
    const engaged =
      source === "typeform" || source === "api" || source === "whatsapp" || source === "instagram";
    const dealAt = new Date(
      (firstResponse?.at.getTime() ??
        nextBusinessMoment(arrivedAt).getTime() + skewed(random, 10, 600, 2) * MINUTE) +
        random.int(2, 30) * MINUTE,
    );
    if (engaged && dealAt.getTime() < now.getTime() - HOUR) {
      if (isRealEstate && interest && random.chance(0.6)) {
        realEstate = realEstateOf(random, interest, income);
        deal = planDeal(random, {
          pipeline: "imoveis",
          at: dealAt,
          now,
          createdBy: firstResponse?.by ?? "gestora",
          value: null,
          wonAt: null,
          firstName,
        });
      } else if (
        (mentoring && mentoring.at > dealAt) ||
        (interest !== null && MENTORING.test(interest) && random.chance(0.7)) ||
        (source === "typeform" && (income ?? 0) >= 8000 && random.chance(0.3))
      ) {
        deal = planDeal(random, {
          pipeline: "vendas",
          at: dealAt,
          now,
          createdBy: firstResponse?.by ?? "gestora",
          value: mentoring?.offer.price ?? random.pick([2497, 2997, 2997]),
          wonAt: mentoring && mentoring.at > dealAt ? mentoring.at : null,
          firstName,
        });
      }
    }
    return {
      index,
      key,
      source,
      arrivedAt,
      lead,
      name: displayName,
      email,
      phone,
      buyer: {
        name: name || id.name,
        email: email ?? id.email,
        phone: phone === null ? null : source === "hotmart" ? id.phoneInput : phone,
      },
      isUnreachable,
      messages,
      messageChannel,
      optOutAt,
      firstResponse,
      purchases,
      deal,
      realEstate,
    };
  });
  return { seed, now, start, people, importedAt };
}
