/**
 * Fingerprints: the name of a dataset's content, used to find a transform's cached result. wharf's
 * scheme (Python's reuse behaviour, not its bits):
 *
 * - a dataset read from files: sha256 over each file's absolute path, size and modification time;
 * - a dataset built in memory: a random fingerprint (its results stay in memory, so nothing reuses them);
 * - a transform: sha256 over the previous fingerprint, the transform's name and its arguments as JSON,
 *   a function argument counted by its source text.
 *
 * Each is the first 16 hex digits, the length Python uses.
 */
import { createHash, randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { resolve } from "node:path";

export function fingerprintOfFiles(files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of files) {
    const stats = statSync(file);
    hash.update(`${resolve(file)}\0${stats.size}\0${stats.mtimeMs}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

export function randomFingerprint(): string {
  return randomBytes(8).toString("hex");
}

/** The fingerprint of `transform(previous, args)`. */
export function updateFingerprint(
  previous: string,
  transform: string,
  args: Record<string, unknown>,
): string {
  const hash = createHash("sha256");
  hash.update(`${previous}\0${transform}\0`);
  hash.update(
    JSON.stringify(args, (_key, value: unknown) => {
      if (typeof value === "function") return `fn:${value.toString()}`;
      if (typeof value === "bigint") return `bigint:${value}`;
      if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
      if (value instanceof Object && "_type" in value) return { ...value, _class: value.constructor.name };
      return value;
    }),
  );
  return hash.digest("hex").slice(0, 16);
}
