/**
 * `getSharedDataset` (`wharf mirror get`): a dataset version shared in hg_localization's layout, as a
 * local `save_to_disk` folder that `loadFromDisk` opens offline. Looked for in hg_localization's order:
 * the local public copy, the local private copy, the bucket's private layout (with credentials), then
 * the bucket's public manifest (anonymously: a bucket name and endpoint are all a consumer needs).
 * A public zip is checked against the manifest's sha256 and size before it is unpacked, and unpacked
 * safely (no entry may land outside its folder) into a staging folder renamed into place.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { extractArchive } from "../../core/archive/extract.js";
import { ChecksumMismatchError, SizeMismatchError, WharfError } from "../../core/errors.js";
import { sha256OfFile } from "../../core/hash.js";
import type { OnProgress } from "../../core/progress.js";
import { S3ObjectStore, S3StoreError } from "../store/s3-object-store.js";
import { s3Settings } from "../store/s3-settings.js";
import {
  COMPLETION_FILES,
  isCompleteCopy,
  localDatasetsStore,
  localVersionFolder,
  type Manifest,
  type ManifestEntry,
  manifestKey,
  type SharedVersion,
  versionPrefix,
} from "./hg-layout.js";
import { readPublicManifest } from "./manifest.js";

/** The dataset version is in no place wharf was told to look. */
export class NotSharedError extends WharfError {
  override readonly code = "NotShared";
}

export interface GetSharedOptions {
  config?: string;
  revision?: string;
  /** The bucket, `s3://bucket/prefix` (default `HGLOC_S3_BUCKET_NAME` under `HGLOC_S3_DATA_PREFIX`). */
  bucket?: string;
  /** The S3 endpoint (default from the environment, see `s3Settings`). */
  endpoint?: string;
  /** Skip the private layout: use only what is public, sending no credentials. */
  anonymous?: boolean;
  /** hg_localization's local store (default `HGLOC_DATASETS_STORE_PATH`, else `$WHARF_HOME/hg_localization`). */
  localStore?: string;
  env?: Record<string, string | undefined>;
  /** Files copied of the private layout, or bytes of the public zip. */
  onProgress?: OnProgress;
}

export type SharedSource = "local-public" | "local-private" | "bucket-private" | "public-manifest";

export interface SharedCopy {
  folder: string;
  source: SharedSource;
  /** The manifest entry, when the copy came from the public manifest. */
  entry?: ManifestEntry;
}

function bucketAddress(options: GetSharedOptions): string | undefined {
  if (options.bucket) return options.bucket;
  const env = options.env ?? process.env;
  const name = env.HGLOC_S3_BUCKET_NAME;
  return name ? `s3://${name}/${env.HGLOC_S3_DATA_PREFIX ?? ""}` : undefined;
}

/** A temporary name beside `dest`, so the final rename stays on one file system. */
function stagingBeside(dest: string): string {
  return `${dest}.incomplete-${process.pid}-${Date.now()}`;
}

export async function getSharedDataset(
  datasetId: string,
  options: GetSharedOptions = {},
): Promise<SharedCopy> {
  const version: SharedVersion = { datasetId, config: options.config, revision: options.revision };
  const store = options.localStore ?? localDatasetsStore(options.env);
  const publicFolder = localVersionFolder(store, version, "public");
  const privateFolder = localVersionFolder(store, version, "private");
  if (isCompleteCopy(publicFolder)) return { folder: publicFolder, source: "local-public" };
  if (isCompleteCopy(privateFolder)) return { folder: privateFolder, source: "local-private" };

  const address = bucketAddress(options);
  const what = `${datasetId} (config ${options.config ?? "default"}, revision ${options.revision ?? "default"})`;
  if (!address) {
    throw new NotSharedError(
      `${what} is not in the local store ${store}, and no bucket was named: pass --from s3://bucket/prefix (or set HGLOC_S3_BUCKET_NAME).`,
    );
  }
  const reasons: string[] = [];
  if (!options.anonymous) {
    try {
      const bucket = new S3ObjectStore(s3Settings(address, { endpoint: options.endpoint, env: options.env }));
      if (await downloadPrivate(bucket, versionPrefix(version), privateFolder, options.onProgress))
        return { folder: privateFolder, source: "bucket-private" };
      reasons.push("its private layout holds no complete copy");
    } catch (error) {
      reasons.push(`its private layout could not be read (${(error as Error).message.split("\n")[0]})`);
    }
  }
  const anonymous = anonymousBucket(address, options);
  let manifest: Manifest | undefined;
  try {
    manifest = await readPublicManifest(anonymous);
  } catch (error) {
    if (!(error instanceof S3StoreError)) throw error;
    reasons.push(
      `its public manifest could not be read without credentials (${error.message.split("\n")[0]})`,
    );
  }
  const entry = manifest?.[manifestKey(version)];
  if (!entry) {
    if (manifest) reasons.push(`its public manifest has no entry ${manifestKey(version)}`);
    throw new NotSharedError(
      `${what} is not shared in ${address}: ${reasons.join("; ")}. Ask its owner to run wharf mirror share, or use credentials that may read the bucket.`,
    );
  }
  await fetchPublicZip(anonymous, entry, publicFolder, options.onProgress);
  return { folder: publicFolder, source: "public-manifest", entry };
}

function anonymousBucket(
  address: string,
  options: Pick<GetSharedOptions, "endpoint" | "env">,
): S3ObjectStore {
  return new S3ObjectStore(
    s3Settings(address, { endpoint: options.endpoint, env: options.env, anonymous: true }),
  );
}

/** The public manifest of a bucket, read as anyone can: what `wharf mirror list --remote` shows. */
export function listShared(
  address: string,
  options: Pick<GetSharedOptions, "endpoint" | "env"> = {},
): Promise<Manifest> {
  return readPublicManifest(anonymousBucket(address, options));
}

/** Copies the private layout's files when its completion file is there; false when it is not. */
async function downloadPrivate(
  bucket: S3ObjectStore,
  prefix: string,
  dest: string,
  onProgress: OnProgress | undefined,
): Promise<boolean> {
  const keys: string[] = [];
  for await (const object of bucket.list(prefix)) keys.push(object.key);
  const names = new Set(keys.map((key) => key.slice(prefix.length)));
  if (!COMPLETION_FILES.some((file) => names.has(file))) return false;
  const staging = stagingBeside(dest);
  try {
    for (const [index, key] of keys.entries()) {
      const target = join(staging, ...key.slice(prefix.length).split("/"));
      await mkdir(dirname(target), { recursive: true });
      const stream = await bucket.read(key);
      if (stream) await pipeline(stream, createWriteStream(target));
      const done = index + 1;
      onProgress?.({ id: prefix, phase: "files", done, total: keys.length, finished: done === keys.length });
    }
    await rm(dest, { recursive: true, force: true });
    await mkdir(dirname(dest), { recursive: true });
    await rename(staging, dest);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return true;
}

async function fetchPublicZip(
  bucket: S3ObjectStore,
  entry: ManifestEntry,
  dest: string,
  onProgress: OnProgress | undefined,
): Promise<void> {
  const stream = await bucket.read(entry.s3_zip_key);
  if (!stream) {
    throw new NotSharedError(
      `The public manifest of ${bucket.location} names ${entry.s3_zip_key}, which is not there; ask its owner to share the dataset again.`,
    );
  }
  await mkdir(dirname(dest), { recursive: true });
  const zip = `${stagingBeside(dest)}.zip`;
  try {
    let done = 0;
    const counted = async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        done += chunk.length;
        onProgress?.({ id: entry.s3_zip_key, phase: "download", done, total: entry.size });
        yield chunk;
      }
    };
    await pipeline(stream, counted, createWriteStream(zip));
    onProgress?.({ id: entry.s3_zip_key, phase: "download", done, total: done, finished: true });
    const label = `s3://${bucket.bucket}/${bucket.keyOf(entry.s3_zip_key)}`;
    if (entry.size !== undefined) {
      const { size } = await stat(zip);
      if (size !== entry.size) throw new SizeMismatchError(label, entry.size, size);
    }
    if (entry.sha256 !== undefined) {
      const actual = await sha256OfFile(zip);
      if (actual !== entry.sha256) throw new ChecksumMismatchError(label, "sha256", entry.sha256, actual);
    }
    await rm(dest, { recursive: true, force: true });
    await extractArchive(zip, dest, { format: "zip" });
  } finally {
    await rm(zip, { force: true });
  }
}
