import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { storeFile } from "./store-file.ts";

/** Where a stored file lives; kept on its row, so files written before a switch stay readable. */
export type FileStoreKind = "local" | "s3";

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  prefix: string;
}

/** Files by key (e.g. `attachments/<workspace>/<id>`), in the data folder or an S3-compatible bucket. */
export interface FileStore {
  /** Where new files go. */
  kind: FileStoreKind;
  /** Streams `source` in, refusing it past `maxBytes` (FileTooLargeError); size and SHA-256 back. */
  put(key: string, source: Readable, maxBytes: number): Promise<{ size: number; sha256: string }>;
  open(kind: FileStoreKind, key: string): Promise<Readable>;
  remove(kind: FileStoreKind, key: string): Promise<void>;
}

export class FileStoreUnavailableError extends Error {
  constructor(kind: FileStoreKind) {
    super(`files stored in ${kind} cannot be read: that storage is not configured`);
    this.name = "FileStoreUnavailableError";
  }
}

/**
 * The data folder always; S3 too when configured (then new files go there). An upload to S3 is first
 * streamed to a temporary file (size limit and hash on the way, never held in memory), then sent
 * with its length known: one PutObject, which every S3-compatible store speaks.
 */
export function createFileStore(options: { dataDir: string; s3: S3Settings | null }): FileStore {
  const localPath = (key: string) => resolve(join(options.dataDir, key));
  const { s3 } = options;
  const client = s3
    ? new S3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: s3.forcePathStyle,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        // Checksums only where the API demands them: many S3-compatible stores refuse the newer
        // aws-chunked uploads with trailing checksums.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
        maxAttempts: 3,
      })
    : null;
  const objectKey = (key: string) => `${s3?.prefix ?? ""}${key}`;
  const bucketClient = (kind: FileStoreKind) => {
    if (!client || !s3) throw new FileStoreUnavailableError(kind);
    return { client, bucket: s3.bucket };
  };

  return {
    kind: client ? "s3" : "local",
    async put(key, source, maxBytes) {
      if (!client || !s3) return storeFile(localPath(key), source, maxBytes);
      const temp = localPath(join("tmp", `${randomUUID()}.upload`));
      try {
        const stored = await storeFile(temp, source, maxBytes);
        await client.send(
          new PutObjectCommand({
            Bucket: s3.bucket,
            Key: objectKey(key),
            Body: createReadStream(temp),
            ContentLength: stored.size,
          }),
        );
        return stored;
      } finally {
        await rm(temp, { force: true });
      }
    },
    async open(kind, key) {
      if (kind === "local") return createReadStream(localPath(key));
      const { client, bucket } = bucketClient(kind);
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
      return object.Body as Readable;
    },
    async remove(kind, key) {
      if (kind === "local") return rm(localPath(key), { force: true });
      const { client, bucket } = bucketClient(kind);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
    },
  };
}
