/**
 * A Writable that writes a download's bytes at known positions of an open file and hashes exactly the
 * bytes that reached the file. Because the hash and the offset only move after a write succeeds, a
 * download cut at any point can resume from `position` with a hash that is still right.
 */
import type { Hash } from "node:crypto";
import { writev } from "node:fs";
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
  private inFlight: Promise<void> = Promise.resolve();

  constructor(options: FileSinkOptions) {
    // A deep buffer lets the socket keep reading while the disk writes.
    super({ highWaterMark: 4 << 20 });
    this.fd = options.fd;
    this.position = options.position;
    this.hash = options.hash;
    this.onWritten = options.onWritten;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.track(this.writeChunks([chunk]), callback);
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ): void {
    this.track(this.writeChunks(chunks.map((entry) => entry.chunk)), callback);
  }

  /**
   * Resolves once no write is in flight. A pipeline that fails (the socket dropped) does not wait for
   * the write under way, so read `position` only after this.
   */
  async settled(): Promise<void> {
    await this.inFlight.catch(() => {});
  }

  private track(write: Promise<void>, callback: (error?: Error | null) => void): void {
    this.inFlight = write;
    write.then(() => callback(), callback);
  }

  private async writeChunks(chunks: Buffer[]): Promise<void> {
    let written = 0;
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    // writev may write less than asked; keep going from where it stopped.
    let pending = chunks;
    while (written < total) {
      const bytesWritten = await writevAt(this.fd, pending, this.position + written);
      written += bytesWritten;
      pending = dropBytes(pending, bytesWritten);
    }
    for (const chunk of chunks) this.hash?.update(chunk);
    this.position += total;
    this.onWritten(this.position);
  }
}

/**
 * `fs.writev` on the handle's descriptor. FileHandle's own `writev` costs enough per call that a 1 GiB
 * download through it took 2.3 s where this takes 1.3 s (measured beside each other on this machine).
 */
function writevAt(fd: number, chunks: Buffer[], position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    writev(fd, chunks, position, (error, bytesWritten) => (error ? reject(error) : resolve(bytesWritten)));
  });
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
