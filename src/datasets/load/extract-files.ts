/**
 * What Python's DownloadManager does for packaged builders: data files given as URLs are downloaded
 * once into the datasets cache's `downloads/` folder (named by the URL's sha256, resumed when cut
 * short); compressed files (`.gz`, `.bz2`, `.xz`, `.zst`) are decompressed, and zip archives unpacked
 * (safely: nothing lands outside its folder), once each into `downloads/extracted/`, so the readers see
 * plain files. An extracted folder is named by the source's path, size and modification time, so a
 * changed file is extracted again and an unchanged one never twice.
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { decompressFile } from "../../core/archive/decompress.js";
import { extractArchive } from "../../core/archive/extract.js";
import { formatFromName, isCompression, stripCompressionSuffix } from "../../core/archive/formats.js";
import { downloadFile } from "../../core/download/engine.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { relativeFiles } from "../../core/folder-files.js";
import type { OnProgress } from "../../core/progress.js";

export function isUrl(path: string): boolean {
  return /^https?:\/\//.test(path);
}

/** A URL's file in `downloads/`, fetched unless it is there already. */
export async function downloadUrl(url: string, cacheDir: string, onProgress?: OnProgress): Promise<string> {
  const folder = join(cacheDir, "downloads", createHash("sha256").update(url).digest("hex"));
  const dest = join(folder, basename(new URL(url).pathname) || "download");
  if (!existsSync(dest)) {
    await mkdir(folder, { recursive: true });
    await downloadFile({ url, dest, onProgress, label: basename(dest) });
  }
  return dest;
}

function extractedFolder(path: string, cacheDir: string): string {
  const stats = statSync(path);
  const key = createHash("sha256")
    .update(`${resolve(path)}\0${stats.size}\0${stats.mtimeMs}`)
    .digest("hex")
    .slice(0, 32);
  return join(cacheDir, "downloads", "extracted", key);
}

/** The files of a zip archive, unpacked once; hidden files and macOS's `__MACOSX` folder left out. */
export async function zipContents(path: string, cacheDir: string): Promise<string[]> {
  const folder = extractedFolder(path, cacheDir);
  if (!existsSync(folder)) await extractArchive(path, folder, { format: "zip" });
  return (await relativeFiles(folder))
    .filter((file) => !file.split("/").some((part) => part.startsWith(".") || part === "__MACOSX"))
    .map((file) => join(folder, file));
}

/** The paths to read for each file: itself, its decompressed copy, or the files of its archive. */
export async function readablePaths(paths: readonly string[], cacheDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const format = formatFromName(basename(path));
    // A plain tar is a webdataset shard, read as it is.
    if (format === undefined || format === "tar") {
      out.push(path);
    } else if (format === "zip") {
      out.push(...(await zipContents(path, cacheDir)));
    } else if (isCompression(format)) {
      const target = join(extractedFolder(path, cacheDir), stripCompressionSuffix(basename(path)));
      if (!existsSync(target)) {
        await mkdir(join(target, ".."), { recursive: true });
        await decompressFile(path, target, { compression: format });
      }
      out.push(target);
    } else {
      throw new InvalidArgumentError(
        `${path} is a ${format} archive; wharf reads zip archives and compressed files as data files, and tar shards with the webdataset builder.`,
      );
    }
  }
  return out;
}
