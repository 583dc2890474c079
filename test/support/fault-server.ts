/**
 * A real HTTP server on 127.0.0.1 that serves byte buffers and misbehaves on request: it drops the
 * connection mid-body, answers an error status first, ignores Range, sends a wrong length, or stalls.
 * Each file has a queue of faults, one consumed per request; when the queue is empty it answers
 * correctly (200, or 206 for a Range). It ignores If-Range, as a server behind a cache may, so tests can
 * see the client notice a changed ETag itself. It counts requests and body bytes so tests can prove how
 * many transfers happened. Used by the core tests and, later, the hub client's resume tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll } from "vitest";

export type Fault =
  /**
   * Send the headers of a whole answer, then this many body bytes, then cut the connection; with
   * `ignoreRange`, answer 200 from byte 0 even when a Range was asked for.
   */
  | { kind: "drop"; afterBytes: number; ignoreRange?: boolean }
  /** Answer with this status (and optional headers) instead of the file. */
  | { kind: "status"; status: number; headers?: Record<string, string>; body?: string }
  /** Answer 200 with the whole file even when a Range was asked for. */
  | { kind: "ignore-range" }
  /**
   * Send only this many bytes and end cleanly: as if they were the whole file (200), or a shorter
   * range than asked (206).
   */
  | { kind: "short"; bytes: number }
  /** The file was replaced just before this request: serve this body under this ETag from now on. */
  | { kind: "changed"; body: Buffer; etag: string }
  /** Answer a Range request with 206 and a range that starts at this byte instead of the one asked. */
  | { kind: "range-from"; start: number }
  /** Send this many bytes, then go silent with the connection open. */
  | { kind: "stall"; afterBytes: number };

export interface ServedFile {
  body: Buffer;
  faults: Fault[];
  /** Headers added to every answer for this file. */
  headers?: Record<string, string>;
  /** Wait this long between 64 KiB chunks, to make transfers slow enough to overlap. */
  chunkDelayMs?: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  /** When the request arrived and when its answer closed (performance.now()). */
  startedAt: number;
  endedAt?: number;
  /** Body bytes written for this answer. */
  bytesSent: number;
}

/** The most of these requests that were being answered at one time. */
export function mostAtOnce(requests: readonly RequestRecord[]): number {
  const edges = requests.flatMap((request) => [
    { at: request.startedAt, step: 1 },
    { at: request.endedAt ?? Number.POSITIVE_INFINITY, step: -1 },
  ]);
  // At equal times an end comes before a start: a slot freed and taken again is not two at once.
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let open = 0;
  let most = 0;
  for (const edge of edges) {
    open += edge.step;
    most = Math.max(most, open);
  }
  return most;
}

export class FaultServer {
  readonly files = new Map<string, ServedFile>();
  readonly requests: RequestRecord[] = [];
  /** Body bytes sent per path. */
  readonly bytesSent = new Map<string, number>();

  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Serves `body` at `path` with the given faults, returning the file's URL. */
  serve(path: string, body: Buffer, options: Partial<Omit<ServedFile, "body">> = {}): string {
    this.files.set(path, { ...options, body, faults: [...(options.faults ?? [])] });
    return `${this.url}${path}`;
  }

  requestsFor(path: string, method = "GET"): RequestRecord[] {
    return this.requests.filter((request) => request.path === path && request.method === method);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const record: RequestRecord = {
      method: req.method ?? "GET",
      path,
      headers: req.headers,
      startedAt: performance.now(),
      bytesSent: 0,
    };
    res.once("close", () => {
      record.endedAt = performance.now();
    });
    this.requests.push(record);
    const file = this.files.get(path);
    if (!file) {
      res.writeHead(404, { "x-error-code": "EntryNotFound", "x-error-message": `${path} does not exist` });
      res.end();
      return;
    }
    const fault = file.faults.shift();
    if (fault?.kind === "status") {
      res.writeHead(fault.status, fault.headers);
      res.end(fault.body);
      return;
    }
    if (fault?.kind === "changed") {
      file.body = fault.body;
      file.headers = { ...file.headers, etag: fault.etag };
    }
    const size = file.body.length;
    let start = 0;
    let end = size - 1;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    const ignoresRange = fault?.kind === "ignore-range" || (fault?.kind === "drop" && fault.ignoreRange);
    const honourRange = range && !ignoresRange;
    const headers: Record<string, string | number> = {
      "accept-ranges": "bytes",
      etag: '"v1"',
      ...file.headers,
    };
    if (honourRange && range) {
      start = fault?.kind === "range-from" ? fault.start : Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size) {
        res.writeHead(416, { "content-range": `bytes */${size}` });
        res.end();
        return;
      }
    }
    if (fault?.kind === "short") end = Math.min(end, start + fault.bytes - 1);
    if (honourRange) headers["content-range"] = `bytes ${start}-${end}/${size}`;
    headers["content-length"] = end - start + 1;
    res.writeHead(honourRange ? 206 : 200, headers);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    let limit = end - start + 1;
    if (fault?.kind === "drop" || fault?.kind === "stall") limit = Math.min(limit, fault.afterBytes);
    void this.pump(res, file, record, start, limit, () => {
      if (fault?.kind === "drop") res.socket?.destroySoon();
      else if (fault?.kind === "stall") res.socket?.pause();
      else res.end();
    });
  }

  private async pump(
    res: ServerResponse,
    file: ServedFile,
    record: RequestRecord,
    start: number,
    length: number,
    done: () => void,
  ): Promise<void> {
    const chunkSize = 64 * 1024;
    let offset = start;
    const stop = start + length;
    while (offset < stop && !res.destroyed) {
      const chunk = file.body.subarray(offset, Math.min(stop, offset + chunkSize));
      if (chunk.length === 0) break;
      offset += chunk.length;
      this.bytesSent.set(record.path, (this.bytesSent.get(record.path) ?? 0) + chunk.length);
      record.bytesSent += chunk.length;
      if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
      // Between chunks only: a pause after the last one would hold the answer open after the client
      // has every byte, and make it look in flight when it is not.
      if (file.chunkDelayMs && offset < stop)
        await new Promise((resolve) => setTimeout(resolve, file.chunkDelayMs));
    }
    if (!res.destroyed) done();
  }
}

/** A fault server started before a test file's tests and stopped after them; call the result to get it. */
export function useFaultServer(): () => FaultServer {
  let server: FaultServer | undefined;
  beforeAll(async () => {
    server = await new FaultServer().start();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("The fault server is not started yet: use it inside a test.");
    return server;
  };
}
