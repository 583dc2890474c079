/**
 * A commit's stream additions, kept in temporary files while the commit is made. The Hub must be told a
 * file's size and sha256 before any of its bytes are sent (preupload, the LFS batch), and a stream can
 * be read only once, so its bytes go to a file first: the commit then reads it like any local file,
 * and sends it again if a request is retried. Python's `huggingface_hub` seeks back in a file object
 * instead; a Node stream cannot seek.
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileSink } from "../core/download/file-sink.js";
import { InvalidArgumentError } from "../core/errors.js";

/**
 * Writes every chunk of `stream` into a new file in the system's temporary folder and gives its path.
 * A stream that fails, or gives text instead of bytes, leaves no file behind.
 */
export async function spoolStream(
  stream: AsyncIterable<Uint8Array>,
  pathInRepo: string,
  signal?: AbortSignal,
): Promise<string> {
  signal?.throwIfAborted();
  const path = join(tmpdir(), `wharf-stream-${randomBytes(8).toString("hex")}`);
  // A new file (never one that is there), readable by this user alone: it holds the caller's data.
  const fd = openSync(path, "wx", 0o600);
  let written = false;
  try {
    // Written synchronously as chunks come, as downloads are (core's FileSink says why).
    const sink = new FileSink({ fd, position: 0, hash: undefined });
    for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
      signal?.throwIfAborted();
      if (typeof chunk === "string")
        throw new InvalidArgumentError(
          `The stream for ${pathInRepo} gave text, not bytes; read it without an encoding (no setEncoding).`,
        );
      sink.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
    written = true;
    return path;
  } finally {
    closeSync(fd);
    if (!written) await rm(path, { force: true });
  }
}

/** Removes the files `spoolStream` made for one commit. */
export async function removeSpooled(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { force: true })));
}
