/**
 * `extractArchive`: a zip or tar (plain or gz/bz2/xz/zst) into a folder, atomically and safely. Entries
 * go to a staging folder beside the destination, renamed into place only when every entry is out; on any
 * failure (unsafe entry, size limit, corrupt data, abort) the staging folder is removed and nothing
 * appears. The default size limit leaves 1 GiB free on the destination's disk, so no archive can fill it.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { mkdir, readdir, rename, rm, rmdir, statfs } from "node:fs/promises";
import { dirname } from "node:path";
import { AbortedError, InvalidArgumentError } from "../errors.js";
import { decompressStream } from "./decompress.js";
import { type ArchiveFormat, type Compression, detectFormat } from "./formats.js";
import { ExtractionTarget } from "./target.js";

/** Space the default limit keeps free on the destination's disk. */
const DISK_RESERVE = 1024 ** 3;

export interface ExtractOptions {
  /** The archive's format; default from its name, then its first bytes. */
  format?: ArchiveFormat;
  /** Stop, and keep nothing, once the entries add up to more than this many bytes. */
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface ExtractResult {
  /** Files, folders and links created. */
  entries: number;
  /** Bytes written. */
  bytes: number;
}

export function isArchiveFormat(format: string | undefined): format is ArchiveFormat {
  return format === "zip" || format === "tar" || (format?.startsWith("tar.") ?? false);
}

async function freeBytes(folder: string): Promise<number> {
  const stats = await statfs(folder);
  return Number(stats.bavail) * Number(stats.bsize);
}

async function assertFreeToCreate(dest: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dest);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (names.length > 0) {
    throw new InvalidArgumentError(
      `${dest} already exists and is not empty; extract into a new folder, or remove it first.`,
    );
  }
  await rmdir(dest);
}

export async function extractArchive(
  archive: string,
  dest: string,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const format = options.format ?? (await detectFormat(archive));
  if (!isArchiveFormat(format)) {
    throw new InvalidArgumentError(
      `${archive} is not a zip or tar archive${format ? ` (it is ${format} data: decompress it instead)` : ""}.`,
    );
  }
  await assertFreeToCreate(dest);
  await mkdir(dirname(dest), { recursive: true });
  const maxBytes = options.maxBytes ?? Math.max(0, (await freeBytes(dirname(dest))) - DISK_RESERVE);
  const staging = `${dest}.incomplete-${randomBytes(4).toString("hex")}`;
  const target = await ExtractionTarget.create(archive, staging, maxBytes, options.signal);
  let raw: ReadStream | undefined;
  try {
    if (format === "zip") {
      // The format readers are loaded when an archive needs one (see decompress.ts's `lazily`).
      const { extractZip } = await import("./zip.js");
      await extractZip(archive, target);
    } else {
      raw = createReadStream(archive, { signal: options.signal });
      const compression = format === "tar" ? undefined : (format.slice(4) as Compression);
      const { extractTar } = await import("./tar.js");
      await extractTar(compression ? decompressStream(raw, compression) : raw, target);
    }
    await target.verifyLinks();
    if (options.signal?.aborted) throw new AbortedError(`Extraction of ${archive} was cancelled.`);
    await rename(staging, dest);
  } catch (error) {
    // A decompressor that failed stops reading without closing the file under it.
    raw?.destroy();
    await rm(staging, { recursive: true, force: true });
    if (options.signal?.aborted) throw new AbortedError(`Extraction of ${archive} was cancelled.`);
    throw error;
  }
  return { entries: target.entries, bytes: target.written };
}
