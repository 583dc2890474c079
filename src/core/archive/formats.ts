/**
 * Which archive or compression format a file is in: by its name first (as datamaestro and `datasets`
 * do), then by its first bytes when the name says nothing.
 */
import { open } from "node:fs/promises";

export type Compression = "gzip" | "bzip2" | "xz" | "zstd";
export type ArchiveFormat = "zip" | "tar" | `tar.${Compression}`;

const SUFFIXES: Array<[string, ArchiveFormat | Compression]> = [
  [".tar.gz", "tar.gzip"],
  [".tgz", "tar.gzip"],
  [".tar.bz2", "tar.bzip2"],
  [".tbz2", "tar.bzip2"],
  [".tbz", "tar.bzip2"],
  [".tar.xz", "tar.xz"],
  [".txz", "tar.xz"],
  [".tar.zst", "tar.zstd"],
  [".tzst", "tar.zstd"],
  [".tar", "tar"],
  [".zip", "zip"],
  [".gz", "gzip"],
  [".bz2", "bzip2"],
  [".xz", "xz"],
  [".zst", "zstd"],
];

/** True for a single compressed file's format (not an archive). */
export function isCompression(format: string | undefined): format is Compression {
  return format === "gzip" || format === "bzip2" || format === "xz" || format === "zstd";
}

/** The format a file name announces, or undefined. */
export function formatFromName(name: string): ArchiveFormat | Compression | undefined {
  const lower = name.toLowerCase();
  return SUFFIXES.find(([suffix]) => lower.endsWith(suffix))?.[1];
}

/** The name without its compression suffix (`data.csv.gz` gives `data.csv`). */
export function stripCompressionSuffix(name: string): string {
  return name.replace(/\.(gz|bz2|xz|zst)$/i, "");
}

/** The format the first bytes announce, or undefined. */
export function formatFromMagic(head: Uint8Array): ArchiveFormat | Compression | undefined {
  const starts = (...bytes: number[]) => bytes.every((byte, i) => head[i] === byte);
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return "zip";
  if (starts(0x1f, 0x8b)) return "gzip";
  if (starts(0x42, 0x5a, 0x68)) return "bzip2";
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return "xz";
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return "zstd";
  if (head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString("latin1") === "ustar") return "tar";
  return undefined;
}

export async function detectFormat(path: string): Promise<ArchiveFormat | Compression | undefined> {
  const byName = formatFromName(path);
  if (byName) return byName;
  const file = await open(path, "r");
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return formatFromMagic(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}
