/**
 * A Writable that writes a download's bytes at known positions of an open file and hashes exactly the
 * bytes that reached the file. Because the hash and the offset only move after a write succeeds, a
 * download cut at any point can resume from `position` with a hash that is still right.
 *
 * Each chunk is written synchronously as it arrives. Both halves of that were measured on a 1 GiB
 * download from 127.0.0.1, beside curl's 0.65 s on this machine:
 * - Asynchronous writes (the thread pool) took 1.7 s, most of it system time: the pool thread's copy
 *   and the event loop's socket reads contend for the same memory.
 * - Holding chunks to write them in 1 MiB batches took 1.5 to 2.3 s where writing each at once took
 *   0.95 s: a held chunk outlives the young generation, so its memory is freed late and every new socket
 *   read faults in fresh pages, where chunks written at once are freed young and their memory reused.
 * A write of one socket read (64 KiB) to the page cache holds the event loop for microseconds while the
 * kernel keeps receiving into the socket's buffer.
 */
import type { Hash } from "node:crypto";
import { writeSync, writevSync } from "node:fs";
import { Writable } from "node:stream";

export interface FileSinkOptions {
  /** The open file's descriptor. */
  fd: number;
  position: number;
  hash: Hash | undefined;
  /** Called after each write with the new position. Throwing here fails the download. */
  onWritten: (position: number) => void;
}

export class FileSink extends Writable {
  position: number;
  private readonly fd: number;
  private readonly hash: Hash | undefined;
  private readonly onWritten: (position: number) => void;

  constructor(options: FileSinkOptions) {
    super();
    this.fd = options.fd;
    this.position = options.position;
    this.hash = options.hash;
    this.onWritten = options.onWritten;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    callback(this.tryWrite([chunk]));
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ): void {
    callback(this.tryWrite(chunks.map((entry) => entry.chunk)));
  }

  /** Writes the chunks; returns the error that stopped it, if any. */
  private tryWrite(chunks: Buffer[]): Error | undefined {
    try {
      this.writeChunks(chunks);
      return undefined;
    } catch (error) {
      return error as Error;
    }
  }

  private writeChunks(chunks: Buffer[]): void {
    let written = 0;
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    // A write may take less than asked; keep going from where it stopped.
    let pending = chunks;
    while (written < total) {
      const at = this.position + written;
      const bytesWritten =
        pending.length === 1
          ? writeSync(this.fd, pending[0] as Buffer, 0, undefined, at)
          : writevSync(this.fd, pending, at);
      written += bytesWritten;
      pending = dropBytes(pending, bytesWritten);
    }
    for (const chunk of chunks) this.hash?.update(chunk);
    this.position += total;
    this.onWritten(this.position);
  }
}

function dropBytes(chunks: Buffer[], count: number): Buffer[] {
  let left = count;
  const rest: Buffer[] = [];
  for (const chunk of chunks) {
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    rest.push(left > 0 ? chunk.subarray(left) : chunk);
    left = 0;
  }
  return rest;
}
