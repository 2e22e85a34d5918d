import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { loginToken } from "./api.ts";
import { type FunilServer, startFunilServer } from "./funil-server.ts";

/** The Chromium binary the journeys drive (Debian's by default). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Where `screenshot()` writes its PNG files. */
export const SCREENSHOTS = join(tmpdir(), "funil-e2e-screenshots");
/** The default timeout of every page action and wait. */
export const UI_TIMEOUT = 15_000;
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A running server, a headless Chromium and an admin API token, for one test file. */
export interface BrowserSession {
  server: FunilServer;
  browser: Browser;
  /** The admin's bearer token, for arranging data through the API. */
  token: string;
  /** A page in a new context: 1280×900, pt-BR, with the UI timeout. */
  newPage(): Promise<Page>;
  /** Signs in as the admin on the login screen and waits for the "Leads" page. */
  signIn(page: Page): Promise<void>;
  /** A full-page screenshot in SCREENSHOTS, e.g. `screenshot(page, "leads-list.png")`. */
  screenshot(page: Page, fileName: string): Promise<void>;
  /** Closes the browser and stops the server. */
  stop(): Promise<void>;
}

/**
 * Builds the web app, starts the real server, logs in through the API and launches Chromium.
 * Whatever started is stopped again when a later step fails.
 */
export interface BrowserSessionOptions {
  /** Extra server settings (local fake APIs), read when the session starts. */
  env?: Record<string, string>;
}

export async function startBrowserSession(options: BrowserSessionOptions = {}): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  // The web app was built once for the run (test/e2e/support/global-setup.ts).
  const server = await startFunilServer(options.env ? { env: options.env } : {});
  let token: string;
  let browser: Browser;
  try {
    token = await loginToken(server.baseUrl, server.adminEmail, server.adminPassword);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], timeout: 60_000 });
  } catch (error) {
    await server.stop();
    throw error;
  }

  return {
    server,
    browser,
    token,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "pt-BR" });
      const page = await context.newPage();
      page.setDefaultTimeout(UI_TIMEOUT);
      return page;
    },
    async signIn(page) {
      await page.goto(`${server.baseUrl}/`);
      await page.getByLabel("E-mail").fill(server.adminEmail);
      await page.getByLabel("Senha").fill(server.adminPassword);
      await page.getByRole("button", { name: "Entrar" }).click();
      await page.getByRole("heading", { name: "Leads", level: 1 }).waitFor();
    },
    async screenshot(page, fileName) {
      await page.screenshot({ path: join(SCREENSHOTS, fileName), fullPage: true });
    },
    async stop() {
      await browser.close().catch(() => {});
      await server.stop();
    },
  };
}

/**
 * Starts a browser session in `beforeAll` and stops it in `afterAll` of the enclosing suite;
 * the returned function gives the session to the tests (and throws if it did not start). `options`
 * is called in that `beforeAll`, so fake servers started by an earlier `beforeAll` can be named.
 */
export function useBrowserSession(options: () => BrowserSessionOptions = () => ({})): () => BrowserSession {
  let session: BrowserSession | undefined;
  beforeAll(async () => {
    session = await startBrowserSession(options());
  });
  afterAll(async () => {
    await session?.stop();
  });
  return () => {
    if (!session) throw new Error("the browser session did not start (see the beforeAll error)");
    return session;
  };
}
