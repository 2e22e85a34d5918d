import { randomBytes } from "node:crypto";

/** A multipart/form-data body with text fields and one file (field `file`), for Fastify inject. */
export function multipartBody(
  file: Buffer,
  filename: string,
  options: { fields?: Record<string, string>; contentType?: string } = {},
) {
  const boundary = `----funil${randomBytes(8).toString("hex")}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(options.fields ?? {})) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
        `Content-Type: ${options.contentType ?? "application/octet-stream"}\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
