/** The files under a folder, as `/`-separated paths relative to it, sorted (links and folders left out). */
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

export async function relativeFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
}
