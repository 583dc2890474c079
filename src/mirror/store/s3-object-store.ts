/**
 * The object store in an S3 bucket, under a prefix. Every write is one PUT or one completed multipart
 * upload, so a reader sees an object whole or not at all; compare-and-swap is S3's conditional write
 * (`If-None-Match: *` to create, `If-Match: etag` to replace or delete), so servers on many machines
 * over one bucket move refs without losing one another's commits. A file put with its sha256 is hashed
 * as it streams up, and a mismatch fails the upload before it completes, so no wrong bytes ever sit
 * under a content address.
 */
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Readable } from "node:stream";
import type * as ClientS3 from "@aws-sdk/client-s3";
import type { ListObjectsV2CommandOutput, S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import type * as LibStorage from "@aws-sdk/lib-storage";
import { FileChangedError, WharfError } from "../../core/errors.js";
import { verifySha256 } from "../../core/hash.js";
import type { ByteRange, ObjectInfo, ObjectSource, ObjectStore } from "./object-store.js";
import type { S3Settings } from "./s3-settings.js";

/**
 * The AWS SDK, loaded with the first S3 store: loading it took about 0.13 s of every start of a process
 * that imported `wharf/mirror` (the `wharf` command's included), most of which never touch S3.
 */
const lazily = createRequire(import.meta.url);
const s3 = () => lazily("@aws-sdk/client-s3") as typeof ClientS3;
const storage = () => lazily("@aws-sdk/lib-storage") as typeof LibStorage;

/** Parts of a multipart upload, and how many go up at once: large blobs go up in parallel. */
const PART_SIZE = 16 * 1024 * 1024;
const PARTS_AT_ONCE = 4;

/** S3 answered with an error wharf cannot turn into an answer (access denied, no such bucket, ...). */
export class S3StoreError extends WharfError {
  override readonly code = "S3Store";
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return statusOf(error) === 404 || name === "NoSuchKey" || name === "NotFound";
}

/** A conditional write lost: the object changed (412), or another conditional write was in flight (409). */
function isConditionLost(error: unknown): boolean {
  const status = statusOf(error);
  return status === 412 || status === 409;
}

export interface S3PutExtras {
  /** Readable by anyone, without credentials (the `public-read` canned ACL). */
  publicRead?: boolean;
  contentType?: string;
}

function putHeaders(extras: S3PutExtras): { ACL?: "public-read"; ContentType?: string } {
  return {
    ...(extras.publicRead ? { ACL: "public-read" as const } : {}),
    ...(extras.contentType ? { ContentType: extras.contentType } : {}),
  };
}

export function s3ClientConfig(settings: S3Settings): S3ClientConfig {
  return {
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    // Checksums only where S3 requires them: S3-compatible servers do not all take the SDK's trailers.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...(settings.credentials === "anonymous"
      ? // Unsigned requests: what a consumer holding only a bucket name sends for public objects.
        {
          credentials: { accessKeyId: "", secretAccessKey: "" },
          signer: { sign: async (request) => request },
        }
      : settings.credentials
        ? { credentials: settings.credentials }
        : {}),
  };
}

export class S3ObjectStore implements ObjectStore {
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;

  constructor(settings: S3Settings, client?: S3Client) {
    this.client = client ?? new (s3().S3Client)(s3ClientConfig(settings));
    this.bucket = settings.bucket;
    this.prefix = settings.prefix;
  }

  get location(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  /** The bucket key of a store key. */
  keyOf(key: string): string {
    return `${this.prefix}${key}`;
  }

  private failure(action: string, key: string, error: unknown): S3StoreError {
    const status = statusOf(error);
    const hint =
      status === 403
        ? " Check the credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, WHARF_S3_* or HGLOC_*) and the bucket's policy."
        : (error as { name?: string })?.name === "NoSuchBucket"
          ? ` Create the bucket ${this.bucket} first, or check the endpoint (AWS_ENDPOINT_URL).`
          : "";
    return new S3StoreError(
      `Could not ${action} s3://${this.bucket}/${this.keyOf(key)}: ${(error as Error).message}.${hint}`,
      { cause: error },
    );
  }

  async read(key: string, range?: ByteRange): Promise<Readable | undefined> {
    try {
      const answer = await this.client.send(
        new (s3().GetObjectCommand)({
          Bucket: this.bucket,
          Key: this.keyOf(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      return answer.Body as Readable;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.failure("read", key, error);
    }
  }

  async readBytes(key: string): Promise<Buffer | undefined> {
    return (await this.readWithEtag(key))?.bytes;
  }

  /** The object's bytes and the etag that names this version of it, for a conditional write after. */
  private async readWithEtag(key: string): Promise<{ bytes: Buffer; etag: string } | undefined> {
    try {
      const answer = await this.client.send(
        new (s3().GetObjectCommand)({ Bucket: this.bucket, Key: this.keyOf(key) }),
      );
      const bytes = Buffer.from((await answer.Body?.transformToByteArray()) ?? []);
      return { bytes, etag: answer.ETag ?? "" };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.failure("read", key, error);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const answer = await this.client.send(
        new (s3().HeadObjectCommand)({ Bucket: this.bucket, Key: this.keyOf(key) }),
      );
      return { key, size: answer.ContentLength ?? 0, modified: answer.LastModified ?? new Date(0) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.failure("look up", key, error);
    }
  }

  put(key: string, source: ObjectSource): Promise<void> {
    return this.putWith(key, source, {});
  }

  /** `put`, with what only S3 has: a public-read ACL (for shared datasets) and a content type. */
  async putWith(key: string, source: ObjectSource, extras: S3PutExtras): Promise<void> {
    const headers = putHeaders(extras);
    try {
      if (typeof source === "string" || source instanceof Uint8Array) {
        await this.client.send(
          new (s3().PutObjectCommand)({
            Bucket: this.bucket,
            Key: this.keyOf(key),
            Body: source,
            ...headers,
          }),
        );
        return;
      }
      const file = createReadStream(source.file, { highWaterMark: 1 << 20 });
      const expected = source.sha256;
      const body =
        expected === undefined
          ? file
          : file.pipe(
              verifySha256(
                expected,
                (read) =>
                  new FileChangedError(
                    `${source.file} changed while it was being stored (sha256 ${expected} expected, ${read} read); store it again once it is written.`,
                  ),
              ),
            );
      file.on("error", (error) => body.destroy(error));
      await new (storage().Upload)({
        client: this.client,
        params: { Bucket: this.bucket, Key: this.keyOf(key), Body: body, ...headers },
        partSize: PART_SIZE,
        queueSize: PARTS_AT_ONCE,
        // A failed multipart upload is aborted, so its parts neither linger nor complete.
        leavePartsOnError: false,
      }).done();
      if (source.move) await rm(source.file, { force: true });
    } catch (error) {
      if (error instanceof FileChangedError) throw error;
      const cause = (error as { cause?: unknown })?.cause;
      if (cause instanceof FileChangedError) throw cause;
      throw this.failure("write", key, error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new (s3().DeleteObjectCommand)({ Bucket: this.bucket, Key: this.keyOf(key) }));
    } catch (error) {
      if (!isMissing(error)) throw this.failure("delete", key, error);
    }
  }

  /** The pages of a listing of keys under `prefix`, with S3's folder grouping when `delimiter` is given. */
  private async *pages(prefix: string, delimiter?: string): AsyncIterable<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(
          new (s3().ListObjectsV2Command)({
            Bucket: this.bucket,
            Prefix: this.keyOf(prefix),
            Delimiter: delimiter,
            ContinuationToken: token,
          }),
        );
      } catch (error) {
        throw this.failure("list", prefix, error);
      }
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // S3 lists keys in the byte order of their UTF-8, the order the folder store gives too.
    for await (const page of this.pages(prefix)) {
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        yield {
          key: object.Key.slice(this.prefix.length),
          size: object.Size ?? 0,
          modified: object.LastModified ?? new Date(0),
        };
      }
    }
  }

  async children(prefix: string): Promise<string[]> {
    const names = new Set<string>();
    const start = this.keyOf(prefix).length;
    for await (const page of this.pages(prefix, "/")) {
      for (const folder of page.CommonPrefixes ?? [])
        if (folder.Prefix) names.add(folder.Prefix.slice(start, -1));
      for (const object of page.Contents ?? []) if (object.Key) names.add(object.Key.slice(start));
    }
    return [...names].filter((name) => name !== "").sort();
  }

  async compareAndSwap(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    extras: S3PutExtras = {},
  ): Promise<boolean> {
    const headers = putHeaders(extras);
    const current = await this.readWithEtag(key);
    if (current?.bytes.toString("utf8") !== expected) return false;
    const Bucket = this.bucket;
    const Key = this.keyOf(key);
    try {
      if (next === undefined) {
        if (current === undefined) return true;
        await this.client.send(new (s3().DeleteObjectCommand)({ Bucket, Key, IfMatch: current.etag }));
      } else if (current === undefined) {
        await this.client.send(
          new (s3().PutObjectCommand)({ Bucket, Key, Body: next, IfNoneMatch: "*", ...headers }),
        );
      } else {
        await this.client.send(
          new (s3().PutObjectCommand)({ Bucket, Key, Body: next, IfMatch: current.etag, ...headers }),
        );
      }
      return true;
    } catch (error) {
      // Gone meanwhile (404 on a conditional delete or replace) is lost too: it no longer holds `expected`.
      if (isConditionLost(error) || isMissing(error)) return false;
      throw this.failure("update", key, error);
    }
  }
}
