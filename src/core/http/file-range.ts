/**
 * A request body that is a byte range of a local file (an LFS upload, or one part of it), sent by
 * reading it into two buffers used again and again: one is being sent while the next piece is read
 * into the other. `writeFileRange` does the sending, for answers too (mirror/server/send-file.ts).
 *
 * Why not a file stream: a stream reads into a new buffer for every piece, and a 1 GiB upload in 1 MiB
 * pieces made a thousand buffers for the garbage collector, which spent 0.25 to 0.37 s of the upload's
 * one CPU on them (bench/upload's client, profiled).
 */
import { closeSync, openSync, readSync } from "node:fs";
import type { ClientRequest, OutgoingMessage } from "node:http";

/** Bytes read and sent at a time. */
const PIECE = 1 << 20;

export class FileRange {
  /** Bytes `start` to `end` (exclusive) of the file at `path`. */
  constructor(
    readonly path: string,
    readonly start: number,
    readonly end: number,
  ) {}

  get length(): number {
    return this.end - this.start;
  }
}

/** Waits until `out` has handed `piece` to the socket (so its buffer may be used again). */
function sent(out: OutgoingMessage, piece: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    // A message destroyed meanwhile may never call back.
    const onClose = () => reject(new Error("The connection closed while a file was being sent."));
    out.once("close", onClose);
    out.write(piece, (error) => {
      out.removeListener("close", onClose);
      if (error) reject(error);
      else resolve();
    });
  });
}

/**
 * Writes bytes `start` to `end` (exclusive) of the open file `fd` into `out` (a request's body, or an
 * answer's: the mirror server sends files this way too), reading each piece only once the socket has
 * taken the one before it from the same buffer. Rejects if the file ends early (it changed since it
 * was measured) or `out` fails or closes; `out` is not ended.
 */
export async function writeFileRange(
  out: OutgoingMessage,
  fd: number,
  start: number,
  end: number,
  label: string,
): Promise<void> {
  const size = Math.max(1, Math.min(PIECE, end - start));
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  let sending: Promise<void> | undefined;
  for (let at = start, turn = 0; at < end; turn ^= 1) {
    const buffer = buffers[turn] as Buffer;
    const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - at), at);
    if (read === 0) throw new Error(`${label} ended at byte ${at}: it changed while it was being sent.`);
    at += read;
    // The other buffer must be sent before it is read into again.
    await sending;
    sending = sent(out, buffer.subarray(0, read));
    // Awaited in the next turn; a failure while the next piece is read must not go unhandled.
    sending.catch(() => undefined);
  }
  await sending;
}

/**
 * Sends `range` as the body of `request` and ends it. Rejects if the file is shorter than the range
 * or the request fails; the file is closed either way.
 */
export async function sendFileRange(request: ClientRequest, range: FileRange): Promise<void> {
  const fd = openSync(range.path, "r");
  try {
    await writeFileRange(request, fd, range.start, range.end, range.path);
  } finally {
    closeSync(fd);
  }
  request.end();
}
