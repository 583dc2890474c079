/**
 * Compressed data files (`.gz`, `.bz2`, `.xz`, `.zst`) decompressed once into the datasets cache's
 * `downloads/extracted/` folder, as Python's DownloadManager does, so the readers see plain files. The
 * folder is named by the compressed file's path, size and modification time, so a changed file is
 * decompressed again and an unchanged one never twice. Zip archives are not read yet.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { decompressFile } from "../../core/archive/decompress.js";
import { type Compression, formatFromName, stripCompressionSuffix } from "../../core/archive/formats.js";
import { InvalidArgumentError } from "../../core/errors.js";

const COMPRESSIONS = new Set<string>(["gzip", "bzip2", "xz", "zstd"]);

/** The path to read for each file: itself, or its decompressed copy. */
export async function readablePaths(paths: readonly string[], cacheDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const format = formatFromName(basename(path));
    if (format === undefined) {
      out.push(path);
      continue;
    }
    if (!COMPRESSIONS.has(format)) {
      throw new InvalidArgumentError(
        `${path} is a ${format} archive; wharf reads compressed files but not archives as data files yet.`,
      );
    }
    const stats = statSync(path);
    const key = createHash("sha256")
      .update(`${resolve(path)}\0${stats.size}\0${stats.mtimeMs}`)
      .digest("hex")
      .slice(0, 32);
    const folder = join(cacheDir, "downloads", "extracted", key);
    const target = join(folder, stripCompressionSuffix(basename(path)));
    if (!existsSync(target)) {
      mkdirSync(folder, { recursive: true });
      await decompressFile(path, target, { compression: format as Compression });
    }
    out.push(target);
  }
  return out;
}
