/**
 * Streaming decompression of gzip (node's zlib), bzip2 (unbzip2-stream), xz (xz-decompress, WebAssembly)
 * and zstd (fzstd), behind one function, and single compressed files decompressed atomically under a
 * size limit. Archive extraction and the datasets readers both read compressed data through here.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";
import type * as Fzstd from "fzstd";
import type Bz2 from "unbzip2-stream";
import type Xz from "xz-decompress";
import { ArchiveTooLargeError, CorruptArchiveError } from "../errors.js";
import type { Compression } from "./formats.js";

/**
 * The decompressors, loaded the first time one is needed: most processes never decompress, and loading
 * them (with the archive readers, loaded the same way by extract.ts) took about 30 ms of every start of
 * a process that imports `wharf/core`, a twentieth of a 2,000-file download.
 */
const lazily = createRequire(import.meta.url);
const fzstd = () => lazily("fzstd") as typeof Fzstd;
const bz2 = () => lazily("unbzip2-stream") as typeof Bz2;
const xz = () => lazily("xz-decompress") as typeof Xz;

/** zstd through fzstd's push API, as a Node Transform. */
class ZstdTransform extends Transform {
  private readonly decoder = new (fzstd().Decompress)((chunk) => {
    this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      // fzstd keeps references to pushed chunks; give it its own copy.
      this.decoder.push(new Uint8Array(chunk));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}

/** A stream of the decompressed bytes of `source`. */
export function decompressStream(source: Readable, compression: Compression): Readable {
  switch (compression) {
    case "gzip":
      return pipeThrough(source, createGunzip());
    case "bzip2":
      return pipeThrough(source, bz2()() as unknown as Transform);
    case "zstd":
      return pipeThrough(source, new ZstdTransform());
    case "xz": {
      const web = Readable.toWeb(source) as unknown as ReadableStream<Uint8Array>;
      return Readable.fromWeb(new (xz().XzReadableStream)(web) as unknown as WebReadableStream<Uint8Array>);
    }
  }
}

/**
 * `source.pipe(transform)`, with errors passed on both ways: the source's to what the caller reads, and
 * the transform's (corrupt data, a reader that gave up) back to the source, which `pipe` would leave
 * open, holding its file descriptor.
 */
function pipeThrough(source: Readable, transform: Transform): Readable {
  source.on("error", (error) => transform.destroy(error));
  transform.on("close", () => source.destroy());
  return source.pipe(transform);
}

/** Counts bytes going through, and fails once more than `limit` have passed. */
export class ByteBudget extends Transform {
  used = 0;

  constructor(
    private readonly limit: number,
    private readonly onExceeded: () => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.used += chunk.length;
    if (this.used > this.limit) callback(this.onExceeded());
    else callback(null, chunk);
  }
}

export interface DecompressFileOptions {
  compression: Compression;
  /** Stop (and keep nothing) past this many output bytes. */
  maxBytes?: number;
  signal?: AbortSignal;
}

/** Decompresses `source` to `dest` through `dest.incomplete`, renamed only when whole. */
export async function decompressFile(
  source: string,
  dest: string,
  options: DecompressFileOptions,
): Promise<number> {
  const incomplete = `${dest}.incomplete`;
  const budget = new ByteBudget(
    options.maxBytes ?? Number.POSITIVE_INFINITY,
    () => new ArchiveTooLargeError(source, options.maxBytes ?? 0),
  );
  const out = createWriteStream(incomplete);
  try {
    await pipeline(decompressStream(createReadStream(source), options.compression), budget, out, {
      signal: options.signal,
    });
  } catch (error) {
    // The output may still be opening when the data turns out bad; removed before it has closed, the
    // file would be created again after the removal and stay behind.
    if (!out.closed) await new Promise<void>((resolve) => out.once("close", () => resolve()));
    await rm(incomplete, { force: true });
    if (error instanceof ArchiveTooLargeError || options.signal?.aborted) throw error;
    throw new CorruptArchiveError(
      `${source}: not valid ${options.compression} data (${(error as Error).message}). Download it again.`,
      { cause: error },
    );
  }
  await rename(incomplete, dest);
  return budget.used;
}
