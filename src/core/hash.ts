/**
 * The hashes the Hub names files by: sha256 (LFS objects, and the mirror's blob store), the git blob
 * sha1 (`sha1("blob <size>\0" + bytes)`, the ETag of a regular file), and the LFS pointer text whose
 * git oid stands for an LFS file in the git tree. Files are read once even when both hashes are wanted.
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Transform } from "node:stream";
import { FileChangedError } from "./errors.js";

export const LFS_POINTER_VERSION = "https://git-lfs.github.com/spec/v1";

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** sha256 of everything a stream yields. */
export async function sha256OfStream(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest("hex");
}

export async function sha256OfFile(path: string, signal?: AbortSignal): Promise<string> {
  return sha256OfStream(createReadStream(path, { highWaterMark: 1 << 20, signal }));
}

/** A git blob hasher: git hashes a header with the size before the bytes, so the size comes first. */
export function gitBlobHasher(size: number): Hash {
  return createHash("sha1").update(`blob ${size}\0`);
}

/** The git blob id of some bytes, as `git hash-object` prints it. */
export function gitBlobOid(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  return gitBlobHasher(bytes.length).update(bytes).digest("hex");
}

/** The pointer text git stores in place of an LFS file. */
export function lfsPointerText(sha256: string, size: number): string {
  return `version ${LFS_POINTER_VERSION}\noid sha256:${sha256}\nsize ${size}\n`;
}

/** The git oid of an LFS file: the blob id of its pointer text. */
export function lfsPointerOid(sha256: string, size: number): string {
  return gitBlobOid(lfsPointerText(sha256, size));
}

/** Reads an LFS pointer, or returns undefined when the text is not one. */
export function parseLfsPointer(text: string): { sha256: string; size: number } | undefined {
  const match =
    /^version https:\/\/git-lfs\.github\.com\/spec\/v1\noid sha256:([0-9a-f]{64})\nsize (\d+)\n?$/.exec(text);
  return match?.[1] && match[2] ? { sha256: match[1], size: Number(match[2]) } : undefined;
}

export interface FileDigest {
  size: number;
  sha256: string;
  /** The git blob id of the file's own bytes. */
  gitBlobOid: string;
}

/** sha256 and git blob id of a file in one read. */
export async function digestFile(path: string, signal?: AbortSignal): Promise<FileDigest> {
  const { size } = await stat(path);
  const sha256 = createHash("sha256");
  const sha1 = gitBlobHasher(size);
  let read = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) {
    sha256.update(chunk as Buffer);
    sha1.update(chunk as Buffer);
    read += (chunk as Buffer).length;
  }
  // A file that grew or shrank while we read it has no single digest; the git id would be wrong.
  if (read !== size) {
    throw new FileChangedError(
      `${path} changed size while it was being hashed (${size} then ${read} bytes); hash it again once it is written.`,
    );
  }
  return { size, sha256: sha256.digest("hex"), gitBlobOid: sha1.digest("hex") };
}

/**
 * A pass-through stream that hashes the bytes flowing through it and, at their end, fails with
 * `mismatch(actual)` unless they hash to `expected`: a consumer that waits for the end (a file
 * renamed into place, an upload completed) never takes bytes that are not the ones named.
 */
export function verifySha256(expected: string, mismatch: (actual: string) => Error): Transform {
  const hash = createHash("sha256");
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest("hex");
      callback(actual === expected ? null : mismatch(actual));
    },
  });
}
