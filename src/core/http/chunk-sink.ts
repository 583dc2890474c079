/**
 * Where a body's bytes go, one chunk at a time and synchronously, and `receiveInto`, which feeds a
 * Node stream's chunks to one. The download engine's file (core/download/file-sink.ts) and the mirror
 * server's uploads are sinks; the HTTP client's fast path (raw-get.ts) feeds them from its socket.
 *
 * A stream is read with a `data` listener, not `stream.pipeline` into a Writable: a pipeline makes an
 * AbortController per call and aborts it when done, which builds a DOMException with its stack, about
 * 40 µs a download; a 1,000-file snapshot spent 5% of its time there.
 */
import { finished, type Readable } from "node:stream";

/**
 * Takes a body's chunks one at a time, synchronously; throws to stop the body. A chunk is only valid
 * during the call (the fast path reads every chunk into the same buffer), so a sink that keeps one copies it.
 */
export interface ChunkSink {
  write(chunk: Buffer): void;
}

/** An answer whose body goes to a sink: what the HTTP client's `download` returns, from either path. */
export interface BodyAnswer {
  status: number;
  /** The URL that answered, after redirects. */
  url: string;
  /** Header names in lower case, repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Writes the body into `sink` as it arrives; settles when it has ended. Call it once. */
  receive(sink: ChunkSink, signal?: AbortSignal): Promise<void>;
  /** Drops the body; its connection goes back to the pool when that is cheaper than a new one. */
  discard(): Promise<void>;
}

/**
 * Writes every chunk of `body` into `sink` as it arrives. Settles when the body has ended, or rejects
 * with what stopped it: the connection (a dropped socket, a body cut short), a failed write, or the
 * signal (the body is destroyed with the signal's reason).
 */
export function receiveInto(body: Readable, sink: ChunkSink, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => body.destroy(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    finished(body, (error) => {
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve();
    });
    body.on("data", (chunk: Buffer) => {
      try {
        sink.write(chunk);
      } catch (error) {
        body.destroy(error as Error);
      }
    });
    if (signal?.aborted) onAbort();
  });
}
