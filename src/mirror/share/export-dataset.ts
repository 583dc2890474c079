/**
 * A dataset repo of a store, at a revision and config, as `save_to_disk` output in a folder: the
 * config's files are checked out of the store (linked from a folder store, downloaded from S3),
 * loaded with `loadDataset` as Python `datasets` would read them, and saved with the card beside
 * them as `dataset_card.md`, which is what hg_localization keeps for each version.
 */
import { createWriteStream } from "node:fs";
import { copyFile, mkdir, rm, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { RepoId } from "../../hub/repo-id.js";
import { configPaths } from "../config-files.js";
import { NotInStoreError } from "../errors.js";
import type { Commit } from "../store/commit.js";
import type { RepoStore } from "../store/repo-store.js";
import { CARD_FILE } from "./hg-layout.js";

export interface ExportedDataset {
  commit: Commit;
  /** The `save_to_disk` folder. */
  folder: string;
}

/** Writes the files of a commit under `folder`: links to a folder store's blobs, copies from elsewhere. */
async function checkout(
  store: RepoStore,
  commit: Commit,
  paths: readonly string[],
  folder: string,
): Promise<void> {
  for (const path of paths) {
    const file = commit.files[path];
    if (!file) continue;
    const target = join(folder, ...path.split("/"));
    await mkdir(dirname(target), { recursive: true });
    const local = store.blobPath(file.sha256);
    if (local) {
      await symlink(local, target);
      continue;
    }
    const stream = await store.readBlob(file.sha256);
    if (!stream)
      throw new NotInStoreError(`The content of ${path} (sha256 ${file.sha256}) is not in the store.`);
    await pipeline(stream, createWriteStream(target));
  }
}

export async function exportDataset(
  store: RepoStore,
  repo: RepoId,
  options: { revision?: string; config?: string; workDir: string; target: string },
): Promise<ExportedDataset> {
  const id = `${repo.namespace}/${repo.name}`;
  const commitId = await store.resolveRevision(repo, options.revision ?? "main");
  const commit = commitId ? await store.getCommit(repo, commitId) : undefined;
  if (!commit) {
    throw new NotInStoreError(
      `The store ${store.objects.location} has no revision ${options.revision ?? "main"} of the dataset ${id}; pull it first (wharf mirror pull ${id} --type dataset).`,
    );
  }
  const card = commit.files["README.md"];
  const cardText = card ? (await store.readBlobBytes(card.sha256))?.toString("utf8") : undefined;
  const paths = configPaths(Object.keys(commit.files), cardText, options.config, id);
  const files = join(options.workDir, "files");
  await rm(options.workDir, { recursive: true, force: true });
  await checkout(store, commit, paths, files);
  // The datasets layer (apache-arrow, the readers) loads with the first export, not with every mirror.
  const { loadDataset } = await import("../../datasets/index.js");
  const loaded = await loadDataset(files, {
    name: options.config,
    cacheDir: join(options.workDir, "cache"),
    offline: true,
  });
  await loaded.saveToDisk(options.target);
  if (cardText !== undefined) await copyFile(join(files, "README.md"), join(options.target, CARD_FILE));
  await rm(options.workDir, { recursive: true, force: true });
  return { commit, folder: options.target };
}
