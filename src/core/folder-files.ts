/**
 * Folders of files: the files under a folder, and a file operation that makes its folder only when
 * that is what it lacks.
 */
import { mkdirSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";

/** The files under a folder, as `/`-separated paths relative to it, sorted (links and folders left out). */
export async function relativeFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
}

/**
 * Runs a synchronous file operation on `path`, creating the folder of `path` only if the operation says
 * it is missing, and running it again. Most files go to folders that exist, and a `mkdir` per file is a
 * cost many small files feel (downloads, a store's blobs).
 */
export function inFolderOf<T>(path: string, operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    mkdirSync(dirname(path), { recursive: true });
    return operation();
  }
}
