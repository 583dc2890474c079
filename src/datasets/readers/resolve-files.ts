/**
 * Paths and globs given to the `from*` readers, turned into files in a stable order: each pattern's
 * matches sorted (Python's glob semantics, from core), plain paths as given. A pattern that matches
 * nothing, or a path that does not exist, is an error naming it.
 */
import { existsSync, statSync } from "node:fs";
import { isAbsolute, join, resolve, sep } from "node:path";
import { globFiles, hasMagic } from "../../core/glob/python-glob.js";
import { DataFilesNotFoundError } from "../errors.js";

export async function resolveDataFiles(paths: string | readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of typeof paths === "string" ? [paths] : paths) {
    if (!hasMagic(path)) {
      if (!existsSync(path) || !statSync(path).isFile()) throw new DataFilesNotFoundError(path);
      files.push(path);
      continue;
    }
    const absolute = isAbsolute(path) ? path : resolve(path);
    const segments = absolute.split(sep);
    const firstMagic = segments.findIndex((segment) => hasMagic(segment));
    const root = segments.slice(0, firstMagic).join(sep) || sep;
    const pattern = segments.slice(firstMagic).join("/");
    const matches = (await globFiles(root, pattern)).sort();
    if (matches.length === 0) throw new DataFilesNotFoundError(path);
    files.push(...matches.map((match) => join(root, match)));
  }
  return files;
}
