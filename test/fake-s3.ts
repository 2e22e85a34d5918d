import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small S3-compatible server on 127.0.0.1 for tests: path-style PutObject, GetObject and
 * DeleteObject on one bucket, each request's AWS Signature V4 checked with the test credentials (403
 * SignatureDoesNotMatch otherwise, as S3 answers). Anything else is recorded as unexpected and
 * answered 501, so a test can assert that nothing else was asked.
 */
export async function startFakeS3(options: {
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}) {
  const objects = new Map<string, Buffer>();
  const unexpected: string[] = [];
  const requests: string[] = [];
  let failNext = 0;

  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const [, bucket, ...rest] = url.pathname.split("/");
    const key = rest.map(decodeURIComponent).join("/");
    requests.push(`${request.method} ${url.pathname}`);
    const error = (status: number, code: string) => {
      response.writeHead(status, { "content-type": "application/xml" });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
      );
    };
    if (!verifySignature(request, url, body, options)) return error(403, "SignatureDoesNotMatch");
    if (failNext > 0) {
      failNext--;
      return error(503, "SlowDown");
    }
    if (bucket !== options.bucket || key === "" || (url.search !== "" && !url.search.startsWith("?x-id="))) {
      unexpected.push(`${request.method} ${request.url}`);
      return error(501, "NotImplemented");
    }
    if (request.method === "PUT") {
      objects.set(key, body);
      response.writeHead(200, { etag: `"${createHash("md5").update(body).digest("hex")}"` });
      return response.end();
    }
    if (request.method === "GET") {
      const object = objects.get(key);
      if (!object) return error(404, "NoSuchKey");
      response.writeHead(200, {
        "content-length": object.length,
        "content-type": "application/octet-stream",
      });
      return response.end(object);
    }
    if (request.method === "DELETE") {
      objects.delete(key);
      response.writeHead(204);
      return response.end();
    }
    unexpected.push(`${request.method} ${request.url}`);
    return error(501, "NotImplemented");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    unexpected,
    /** The next `count` signed requests get 503 SlowDown. */
    failNext(count: number) {
      failNext = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const hmac = (key: Buffer | string, text: string) => createHmac("sha256", key).update(text).digest();
const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** AWS Signature Version 4, as S3 checks it (header form, payload hash from x-amz-content-sha256). */
function verifySignature(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  credentials: { accessKeyId: string; secretAccessKey: string; region: string },
): boolean {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      request.headers.authorization ?? "",
    );
  if (!match) return false;
  const [, keyId, day, region, signedHeaders = "", signature] = match;
  if (keyId !== credentials.accessKeyId || region !== credentials.region) return false;
  const payloadHash = String(request.headers["x-amz-content-sha256"] ?? "");
  if (/^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== sha256(body)) return false;
  const amzDate = String(request.headers["x-amz-date"] ?? "");
  const query = [...url.searchParams.entries()]
    .map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`)
    .sort()
    .join("&");
  const headers = signedHeaders
    .split(";")
    .map(
      (name) =>
        `${name}:${String(request.headers[name] ?? "")
          .trim()
          .replace(/\s+/g, " ")}\n`,
    )
    .join("");
  const canonical = [request.method, url.pathname, query, headers, signedHeaders, payloadHash].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day ?? "");
  for (const part of [region ?? "", "s3", "aws4_request"]) key = hmac(key, part);
  return hmac(key, toSign).toString("hex") === signature;
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
