/**
 * `shareDataset` (`wharf mirror share`): a dataset of a store, at a config and revision, published in a
 * bucket in hg_localization's layout, so teams without credentials (or without wharf) can use it:
 * the `save_to_disk` folder under `{safe_id}/{config}/{revision}/` (its completion files last, so
 * hg_localization never sees a half upload as there), a public-read zip of it, and an entry in the
 * public-read manifest with the zip's sha256 and size. The manifest is updated by compare-and-swap,
 * so two people sharing at once both get their entry.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import pLimit from "p-limit";
import yazl from "yazl";
import { relativeFiles } from "../../core/folder-files.js";
import { sha256OfFile } from "../../core/hash.js";
import type { OnProgress } from "../../core/progress.js";
import type { RepoId } from "../../hub/repo-id.js";
import type { RepoStore } from "../store/repo-store.js";
import type { S3ObjectStore } from "../store/s3-object-store.js";
import { stagingFolder } from "../store/staging.js";
import { exportDataset } from "./export-dataset.js";
import {
  COMPLETION_FILES,
  type ManifestEntry,
  manifestKey,
  type SharedVersion,
  versionPrefix,
  zipKey,
} from "./hg-layout.js";
import { addManifestEntry } from "./manifest.js";

export interface ShareOptions {
  config?: string;
  revision?: string;
  /** Where the export and the zip are made (default: the store's staging folder). */
  workDir?: string;
  /** Files sent to the bucket, of all (the version's files, then its zip). */
  onProgress?: OnProgress;
}

export interface ShareResult {
  key: string;
  entry: ManifestEntry;
  /** The private layout's folder in the bucket. */
  prefix: string;
  files: number;
}

async function zipFolder(folder: string, files: readonly string[], target: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const file of files) zip.addFile(join(folder, ...file.split("/")), file);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(target));
}

export async function shareDataset(
  store: RepoStore,
  repo: RepoId,
  bucket: S3ObjectStore,
  options: ShareOptions = {},
): Promise<ShareResult> {
  const datasetId = `${repo.namespace}/${repo.name}`;
  const version: SharedVersion = { datasetId, config: options.config, revision: options.revision };
  const work =
    options.workDir ?? join(stagingFolder(store, "shares"), `share-${randomBytes(6).toString("hex")}`);
  const folder = join(work, "version");
  await mkdir(work, { recursive: true });
  try {
    const { commit } = await exportDataset(store, repo, {
      revision: options.revision,
      config: options.config,
      workDir: join(work, "export"),
      target: folder,
    });
    const files = await relativeFiles(folder);
    const prefix = versionPrefix(version);
    const last = new Set<string>(COMPLETION_FILES);
    const limit = pLimit(8);
    let sent = 0;
    const total = files.length + 1;
    const send = async (key: string, file: string, put = () => bucket.put(key, { file })) => {
      await put();
      sent++;
      options.onProgress?.({ id: datasetId, phase: "files", done: sent, total, finished: sent === total });
    };
    await Promise.all(
      files
        .filter((file) => !last.has(file))
        .map((file) => limit(() => send(`${prefix}${file}`, join(folder, file)))),
    );
    for (const file of files.filter((name) => last.has(name)))
      await send(`${prefix}${file}`, join(folder, file));

    const zip = join(work, "shared.zip");
    await zipFolder(folder, files, zip);
    const entry: ManifestEntry = {
      dataset_id: datasetId,
      config_name: options.config ?? null,
      revision: options.revision ?? null,
      s3_zip_key: zipKey(version),
      s3_bucket: bucket.bucket,
      sha256: await sha256OfFile(zip),
      size: (await stat(zip)).size,
      commit: commit.id,
      shared_at: new Date().toISOString(),
    };
    await send(entry.s3_zip_key, zip, () =>
      bucket.putWith(entry.s3_zip_key, { file: zip }, { publicRead: true, contentType: "application/zip" }),
    );
    const key = manifestKey(version);
    await addManifestEntry(bucket, key, entry);
    return { key, entry, prefix, files: files.length };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
