/**
 * The files `huggingface_hub` keeps in a local directory that downloads go to (`localDir`), laid out as
 * Python lays them, so either tool picks up where the other stopped: `.cache/huggingface/.gitignore`
 * (`*`), `CACHEDIR.TAG`, and per file `.cache/huggingface/download/{path}.metadata` with three lines
 * (commit, etag, the time it was written as float seconds). A metadata file counts only while the file
 * is no newer than it (one second of slack, as in Python): a file edited since then is unknown again.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CACHEDIR_TAG, writeAtomically } from "./cache-files.js";

export interface LocalFileMetadata {
  commitHash: string;
  etag: string;
  /** Seconds since the epoch, as Python's `time.time()`. */
  timestamp: number;
}

export class LocalFolder {
  readonly cacheFolder: string;

  constructor(readonly root: string) {
    this.cacheFolder = join(root, ".cache", "huggingface");
  }

  file(path: string): string {
    return join(this.root, ...path.split("/"));
  }

  metadata(path: string): string {
    return `${join(this.cacheFolder, "download", ...path.split("/"))}.metadata`;
  }

  /** wharf's lock for the file (Python flocks `{path}.lock`; see ARCHITECTURE.md on lock files). */
  lock(path: string): string {
    return `${join(this.cacheFolder, "download", ...path.split("/"))}.wharf-lock`;
  }

  /**
   * The partial download, named as Python names it: a short hash of the metadata file's name (so a long
   * file name cannot make it too long) and the etag (so bytes of another version are never resumed).
   */
  incomplete(path: string, etag: string): string {
    const metadata = this.metadata(path);
    const short = createHash("sha1").update(basename(metadata)).digest("base64url");
    return join(dirname(metadata), `${short}.${etag}.incomplete`);
  }

  /** `.gitignore` and `CACHEDIR.TAG`, so git and backup tools leave the bookkeeping alone. */
  async prepare(): Promise<void> {
    const gitignore = join(this.cacheFolder, ".gitignore");
    if (!existsSync(gitignore)) await writeAtomically(gitignore, "*");
    const tag = join(this.cacheFolder, "CACHEDIR.TAG");
    if (!existsSync(tag)) await writeAtomically(tag, CACHEDIR_TAG);
  }

  /** The file's metadata, if it has some that still describes it; a damaged metadata file is removed. */
  async readMetadata(path: string): Promise<LocalFileMetadata | undefined> {
    let text: string;
    let modified: number;
    try {
      text = await readFile(this.metadata(path), "utf8");
      modified = (await stat(this.file(path))).mtimeMs / 1000;
    } catch {
      return undefined;
    }
    const [commitHash, etag, time] = text.split("\n").map((line) => line.trim());
    const timestamp = Number(time);
    if (!commitHash || !etag || !time || !Number.isFinite(timestamp)) {
      await rm(this.metadata(path), { force: true });
      return undefined;
    }
    return modified - 1 <= timestamp ? { commitHash, etag, timestamp } : undefined;
  }

  async writeMetadata(path: string, commitHash: string, etag: string): Promise<void> {
    await writeAtomically(this.metadata(path), `${commitHash}\n${etag}\n${Date.now() / 1000}\n`);
  }
}
