import { createHmac, randomUUID } from "node:crypto";

/** A small JSON client for arranging test data through the public API. */
export async function apiCall<T>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body === undefined ? null : JSON.stringify(options.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

export async function loginToken(baseUrl: string, email: string, password: string): Promise<string> {
  const login = await apiCall<{ token: string }>(baseUrl, "POST", "/api/v1/auth/login", {
    body: { email, password },
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body.token;
}

/** POSTs `body` to a generic connection's webhook URL, signed the Standard Webhooks way. */
export async function sendSignedWebhook(
  baseUrl: string,
  connection: { webhookUrl: string; secret: string },
  body: string,
): Promise<{ status: number; text: string }> {
  const id = `msg_${randomUUID()}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(connection.secret.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  const url = new URL(connection.webhookUrl, baseUrl);
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": timestamp,
      "webhook-signature": `v1,${signature}`,
    },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, text: await response.text() };
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

/**
 * A `hotmart` connection and a `meta` one whose WhatsApp number is a fake's; answers a `deliver`
 * that posts one Hotmart event (raw JSON) to the connection's webhook as Hotmart does.
 */
export async function connectHotmartAndWhatsApp(
  baseUrl: string,
  token: string,
  input: { hottok: string; whatsapp: { accessToken: string; phoneNumberId: string } },
): Promise<(body: string) => Promise<void>> {
  const hotmart = await apiCall<{ webhookUrl: string }>(baseUrl, "POST", "/api/v1/connections", {
    token,
    body: { type: "hotmart", name: "Hotmart", config: { hottok: input.hottok } },
  });
  if (hotmart.status !== 201) throw new Error(`hotmart connection: ${hotmart.status}`);
  const meta = await apiCall(baseUrl, "POST", "/api/v1/connections", {
    token,
    body: {
      type: "meta",
      name: "WhatsApp",
      config: {
        appSecret: "app-secret",
        verifyToken: "verify",
        accessToken: input.whatsapp.accessToken,
        phoneNumberId: input.whatsapp.phoneNumberId,
      },
    },
  });
  if (meta.status !== 201) throw new Error(`meta connection: ${meta.status}`);
  const hookUrl = new URL(hotmart.body.webhookUrl, baseUrl);
  return async (body) => {
    const response = await fetch(hookUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hotmart-hottok": input.hottok },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    if (response.status >= 300) throw new Error(`hotmart delivery: ${response.status}`);
  };
}
