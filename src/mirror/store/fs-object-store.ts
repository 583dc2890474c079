/**
 * The object store in a folder: each key is a file under the root. Writes go to a temporary file that
 * is renamed into place; compare-and-swap holds a cross-process lock on the key while it reads,
 * compares and writes. Keys come from `RepoStore`, which builds them from validated names; this class
 * still refuses a key that could leave the root.
 */
import { randomBytes } from "node:crypto";
import {
  constants,
  createReadStream,
  createWriteStream,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { FileChangedError, InvalidArgumentError } from "../../core/errors.js";
import { inFolderOf } from "../../core/folder-files.js";
import { verifySha256 } from "../../core/hash.js";
import { withLock } from "../../core/lock.js";
import type { ByteRange, ObjectInfo, ObjectSource, ObjectStore } from "./object-store.js";

const LOCK_SUFFIX = ".wharf-lock";
const TEMPORARY_SUFFIX = ".wharf-tmp";
/**
 * Objects of up to this many bytes given in memory are written with synchronous calls: a commit of
 * 1,000 small files puts 1,000 blobs, and through the thread pool each put's mkdir, open, write, close
 * and rename cost more in hand-offs than the calls themselves. A write this small holds the event loop
 * for well under a millisecond.
 */
const SYNC_PUT_BYTES = 1 << 20;

/** The errors that mean "no object at this key": nothing there, or a folder of longer keys. */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}

function byteLength(bytes: Uint8Array | string): number {
  return typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.byteLength;
}

/** Writes `bytes` to `temporary`, then renames it to `path`, synchronously; the folder is made only if missing. */
function putSmall(path: string, temporary: string, bytes: Uint8Array | string): void {
  try {
    inFolderOf(path, () => writeFileSync(temporary, bytes));
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

export class FsObjectStore implements ObjectStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get location(): string {
    return this.root;
  }

  /** The file that holds `key`. */
  pathOf(key: string): string {
    if (key === "" || key.startsWith("/") || key.includes("\0") || key.split("/").some((p) => p === "..")) {
      throw new InvalidArgumentError(`Refusing the store key ${JSON.stringify(key)}.`);
    }
    return join(this.root, key);
  }

  localPath(key: string): string {
    return this.pathOf(key);
  }

  async read(key: string, range?: ByteRange): Promise<Readable | undefined> {
    const path = this.pathOf(key);
    // Open first, so a missing object is an answer and not an error event on a stream.
    const stream = createReadStream(path, { highWaterMark: 1 << 20, ...range });
    try {
      await new Promise<void>((resolveOpen, rejectOpen) => {
        stream.once("open", () => resolveOpen());
        stream.once("error", rejectOpen);
      });
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    return stream;
  }

  async readBytes(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    // Synchronous: a stat of a local file takes microseconds, less than its two hand-offs through the
    // thread pool, and a HEAD request or a blob check of a 1,000-file commit makes one each.
    try {
      const stats = statSync(this.pathOf(key), { throwIfNoEntry: false });
      return stats?.isFile() ? { key, size: stats.size, modified: stats.mtime } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async put(key: string, source: ObjectSource): Promise<void> {
    const path = this.pathOf(key);
    if (typeof source === "object" && "file" in source && source.move && source.sha256 === undefined) {
      await mkdir(dirname(path), { recursive: true });
      try {
        // A rename within one file system: the file is complete, so it appears at once, and no byte is copied.
        await rename(source.file, path);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
      }
    }
    const temporary = `${path}.${randomBytes(4).toString("hex")}${TEMPORARY_SUFFIX}`;
    if (
      (typeof source === "string" || source instanceof Uint8Array) &&
      byteLength(source) <= SYNC_PUT_BYTES
    ) {
      putSmall(path, temporary, source);
      return;
    }
    await mkdir(dirname(path), { recursive: true });
    try {
      if (typeof source === "object" && "file" in source && source.sha256 !== undefined) {
        await copyVerified(source.file, temporary, source.sha256);
      } else if (typeof source === "object" && "file" in source) {
        // A reflink where the file system offers one; a copy otherwise.
        await copyFile(source.file, temporary, constants.COPYFILE_FICLONE);
      } else {
        await writeFile(temporary, source);
      }
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // The folder that holds every key with this prefix, and the part of the name still to match.
    const cut = prefix.lastIndexOf("/") + 1;
    yield* this.walk(prefix.slice(0, cut), prefix.slice(cut));
  }

  private async *walk(folderKey: string, namePrefix: string): AsyncIterable<ObjectInfo> {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(folderKey === "" ? this.root : this.pathOf(folderKey.slice(0, -1)), {
        withFileTypes: true,
      });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    const names = entries
      .filter((entry) => entry.name.startsWith(namePrefix) && !isTemporary(entry.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of names) {
      const key = `${folderKey}${entry.name}`;
      if (entry.isDirectory()) {
        yield* this.walk(`${key}/`, "");
      } else if (entry.isFile()) {
        const stats = await stat(this.pathOf(key)).catch(() => undefined);
        if (stats) yield { key, size: stats.size, modified: stats.mtime };
      }
    }
  }

  async children(prefix: string): Promise<string[]> {
    try {
      const names = await readdir(prefix === "" ? this.root : this.pathOf(prefix.replace(/\/$/, "")));
      return names.filter((name) => !isTemporary(name)).sort();
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  async compareAndSwap(
    key: string,
    expected: string | undefined,
    next: string | undefined,
  ): Promise<boolean> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    return withLock(`${path}${LOCK_SUFFIX}`, async () => {
      const current = (await this.readBytes(key))?.toString("utf8");
      if (current !== expected) return false;
      if (next === undefined) await this.delete(key);
      else await this.put(key, next);
      return true;
    });
  }
}

/** Copies a file, hashing the bytes as they pass; refuses the copy unless they hash to `sha256`. */
async function copyVerified(source: string, target: string, sha256: string): Promise<void> {
  const check = verifySha256(
    sha256,
    (copied) =>
      new FileChangedError(
        `${source} changed while it was being imported (sha256 ${sha256} when hashed, ${copied} when copied); import it again once it is written.`,
      ),
  );
  await pipeline(createReadStream(source, { highWaterMark: 1 << 20 }), check, createWriteStream(target));
}

/** Files that are not objects: a write in progress, or a compare-and-swap's lock. */
function isTemporary(name: string): boolean {
  return name.endsWith(TEMPORARY_SUFFIX) || name.endsWith(LOCK_SUFFIX);
}
