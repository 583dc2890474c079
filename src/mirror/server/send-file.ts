/**
 * Sends part of a local file as an answer's body, through two reused buffers: each is filled from the
 * file only after the socket has taken its previous contents. A read stream allocates a fresh buffer
 * per chunk instead, and in a process that had loaded undici (wharf's CLI did then) that ran at about
 * half the speed (bench/serve). At most two chunks per download are in memory, however slow the client.
 * Used by the resolve route when the store is a folder.
 */
import { once } from "node:events";
import { open } from "node:fs/promises";
import type { OutgoingHttpHeaders } from "node:http";
import type { FastifyReply } from "fastify";

const CHUNK = 1 << 20;

/**
 * Answers with the headers set on `reply` and `length` bytes of `path` from `start`. A failure after the
 * headers went out can only cut the connection, which clients see as a dropped download and resume.
 */
export async function sendFileRange(
  reply: FastifyReply,
  path: string,
  start: number,
  length: number,
): Promise<void> {
  // Opened before the answer is taken over, so a missing file is still an ordinary error answer.
  const file = await open(path, "r");
  reply.hijack();
  const response = reply.raw;
  const closed = once(response, "close").then(() => undefined);
  try {
    response.writeHead(reply.statusCode, reply.getHeaders() as OutgoingHttpHeaders);
    const buffers = [Buffer.allocUnsafeSlow(CHUNK), Buffer.allocUnsafeSlow(CHUNK)];
    const flushed: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()];
    for (let offset = 0, turn = 0; offset < length; turn ^= 1) {
      await Promise.race([flushed[turn], closed]);
      if (response.destroyed) return;
      const buffer = buffers[turn] as Buffer;
      const { bytesRead } = await file.read(buffer, 0, Math.min(CHUNK, length - offset), start + offset);
      if (bytesRead === 0) throw new Error(`${path} ended before byte ${start + length}`);
      offset += bytesRead;
      const write = new Promise<void>((resolve, reject) => {
        response.write(buffer.subarray(0, bytesRead), (error) => (error ? reject(error) : resolve()));
      });
      // A client that goes away fails the writes in flight; the loop sees that when it awaits them, or
      // has stopped already, and either way the failure is not an unhandled one.
      write.catch(() => {});
      flushed[turn] = write;
    }
    await Promise.race([Promise.all(flushed), closed]);
    response.end();
  } catch (error) {
    response.destroy(error as Error);
  } finally {
    await file.close();
  }
}
