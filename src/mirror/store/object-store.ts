/**
 * The object store the mirror keeps repos in: flat keys (`blobs/sha256/ab/...`, `repos/...`) to bytes,
 * with the few operations both a folder and an S3 bucket can do well. Refs move with compare-and-swap,
 * so two writers never lose each other's commit and a stateless server can run many copies over one
 * store. Implementations: `FsObjectStore` (a folder) now, S3 later. Callers: `RepoStore` only.
 */
import type { Readable } from "node:stream";

export interface ObjectInfo {
  key: string;
  size: number;
  modified: Date;
}

/** An inclusive byte range, as HTTP's `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * What `put` accepts: bytes, or a local file to copy in (a blob being imported). With `sha256`, the
 * copy is refused (FileChangedError, nothing stored) unless the bytes copied hash to it, so a file that
 * changes between hashing and copying cannot put wrong bytes under a content address.
 */
/**
 * What `put` stores: bytes, text, or a local file (checked against `sha256` while copied when given;
 * with `move`, a store that can takes the file itself instead of a copy, and the file is gone after).
 */
export type ObjectSource = Uint8Array | string | { file: string; sha256?: string; move?: boolean };

export interface ObjectStore {
  /** A short description for messages: the folder, or the bucket and prefix. */
  readonly location: string;
  /** The object's bytes as a stream (only `range` of them when given), or undefined when missing. */
  read(key: string, range?: ByteRange): Promise<Readable | undefined>;
  /** The whole object in memory, or undefined when missing. For small objects: JSON, refs. */
  readBytes(key: string): Promise<Buffer | undefined>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Writes the object whole; readers see the old bytes or the new, never a mix. */
  put(key: string, source: ObjectSource): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * The local file that holds the object, when the store is a folder, so a server can send it without
   * a stream. Stores elsewhere (S3) leave this out.
   */
  localPath?(key: string): string;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /**
   * The names one level below `prefix` (which ends with `/`): objects and "folders" alike, as an S3
   * listing with a delimiter gives them, sorted.
   */
  children(prefix: string): Promise<string[]>;
  /**
   * Sets the object to `next` only if it holds `expected` now (undefined: only if it does not exist),
   * atomically against every other writer; `next` undefined deletes it. True when it was set.
   */
  compareAndSwap(key: string, expected: string | undefined, next: string | undefined): Promise<boolean>;
}
