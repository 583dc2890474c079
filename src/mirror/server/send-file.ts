/**
 * Sends part of a local file as an answer's body, through core's `writeFileRange` (two reused buffers,
 * each filled from the file only after the socket has taken its previous contents). A read stream
 * allocates a fresh buffer per chunk instead, and in a process that had loaded undici (wharf's CLI did
 * then) that ran at about half the speed (bench/serve). At most two chunks per download are in memory,
 * however slow the client. Used by the resolve route when the store is a folder.
 */
import { closeSync, openSync } from "node:fs";
import type { OutgoingHttpHeaders } from "node:http";
import type { FastifyReply } from "fastify";
import { writeFileRange } from "../../core/http/file-range.js";

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
  const fd = openSync(path, "r");
  reply.hijack();
  const response = reply.raw;
  try {
    response.writeHead(reply.statusCode, reply.getHeaders() as OutgoingHttpHeaders);
    await writeFileRange(response, fd, start, start + length, path);
    response.end();
  } catch (error) {
    response.destroy(error as Error);
  } finally {
    closeSync(fd);
  }
}
