/**
 * Checksums of downloaded files: declared inline by a definition (md5, sha1, sha256 or sha512, and a
 * size), or found in its repository's checksum registry, a text file of `url size sha256 filename`
 * lines as TensorFlow Datasets keeps them. In register mode (`--register-checksums`) a download
 * records what it got instead of being checked against the registry; inline checksums are always
 * checked.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { appendFile, readFile, stat } from "node:fs/promises";
import { ChecksumMismatchError, SizeMismatchError } from "../core/errors.js";

export interface Checksum {
  md5?: string;
  sha1?: string;
  sha256?: string;
  sha512?: string;
  size?: number;
}

export interface RegistryEntry {
  url: string;
  size: number;
  sha256: string;
  filename: string;
}

const ALGORITHMS = ["md5", "sha1", "sha256", "sha512"] as const;

export class ChecksumRegistry {
  private entries: Map<string, RegistryEntry> | undefined;

  /** `path` undefined: a repository without a registry (register mode then records nothing). */
  constructor(
    readonly path: string | undefined,
    readonly register = false,
  ) {}

  private async load(): Promise<Map<string, RegistryEntry>> {
    if (this.entries) return this.entries;
    const entries = new Map<string, RegistryEntry>();
    const text = this.path ? await readFile(this.path, "utf8").catch(() => "") : "";
    for (const line of text.split("\n")) {
      const [url, size, sha256, filename] = line.trim().split(/\s+/);
      if (url && size && sha256 && !url.startsWith("#"))
        entries.set(url, { url, size: Number(size), sha256, filename: filename ?? "" });
    }
    this.entries = entries;
    return entries;
  }

  /** What the registry says of a URL; nothing in register mode, where it is being filled. */
  async lookup(url: string): Promise<Checksum | undefined> {
    if (this.register) return undefined;
    const entry = (await this.load()).get(url);
    return entry && { sha256: entry.sha256, size: entry.size };
  }

  /** In register mode, records what a URL gave (replacing an older line for it when it differs). */
  async record(entry: RegistryEntry): Promise<void> {
    if (!this.register || !this.path) return;
    const entries = await this.load();
    const known = entries.get(entry.url);
    if (known && known.sha256 === entry.sha256 && known.size === entry.size) return;
    entries.set(entry.url, entry);
    await appendFile(this.path, `${entry.url} ${entry.size} ${entry.sha256} ${entry.filename}\n`);
  }
}

/** The checksum to hold a download to: the definition's own, else the registry's. */
export async function expectedChecksum(
  url: string,
  declared: Checksum | undefined,
  registry: ChecksumRegistry,
): Promise<Checksum> {
  if (declared && ALGORITHMS.some((algorithm) => declared[algorithm] !== undefined)) return declared;
  return { ...(await registry.lookup(url)), ...declared };
}

/** Checks a file against every digest and the size given (sha256 may be checked already: `skipSha256`). */
export async function verifyFile(
  path: string,
  checksum: Checksum,
  label: string,
  skipSha256 = false,
): Promise<void> {
  const { size } = await stat(path);
  if (checksum.size !== undefined && size !== checksum.size)
    throw new SizeMismatchError(label, checksum.size, size);
  const wanted = ALGORITHMS.filter(
    (algorithm) => checksum[algorithm] !== undefined && !(skipSha256 && algorithm === "sha256"),
  );
  if (wanted.length === 0) return;
  const hashes = wanted.map((algorithm) => createHash(algorithm));
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }))
    for (const hash of hashes) hash.update(chunk as Buffer);
  wanted.forEach((algorithm, i) => {
    const actual = (hashes[i] as ReturnType<typeof createHash>).digest("hex");
    const expected = (checksum[algorithm] as string).toLowerCase();
    if (actual !== expected) throw new ChecksumMismatchError(label, algorithm, expected, actual);
  });
}
