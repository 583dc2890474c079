import { createServer, type Server, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AbortedError, EntryNotFoundError, NetworkError } from "../errors.js";
import type { ChunkSink } from "./chunk-sink.js";
import { HttpClient } from "./client.js";
import { parseHead } from "./raw-get.js";
import { isNetworkError } from "./retry.js";

describe("parseHead", () => {
  it("reads the status, the headers and a content-length", () => {
    const head = parseHead(
      'HTTP/1.1 206 Partial Content\r\nContent-Length: 5\r\nETag: "x"\r\nVary: a\r\nvary:  b \r\nContent-Range: bytes 0-4/9',
    );
    expect(head).toEqual({
      status: 206,
      headers: { "content-length": "5", etag: '"x"', vary: "a, b", "content-range": "bytes 0-4/9" },
      length: 5,
      keepAlive: true,
    });
  });

  it("takes headers named like an object's own properties as headers", () => {
    const head = parseHead("HTTP/1.1 200 OK\r\nConstructor: x\r\n__proto__: y\r\nContent-Length: 1");
    expect(head?.headers.constructor).toBe("x");
    expect(Object.entries(head?.headers ?? {})).toContainEqual(["__proto__", "y"]);
  });

  it("says chunked, and when the connection may be kept", () => {
    expect(parseHead("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\nConnection: close")).toMatchObject({
      length: "chunked",
      keepAlive: false,
    });
    expect(parseHead("HTTP/1.0 200 OK\r\nContent-Length: 1")?.keepAlive).toBe(false);
    expect(parseHead("HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: Keep-Alive")?.keepAlive).toBe(true);
    expect(parseHead("HTTP/1.1 204 No Content")?.length).toBe(0);
    expect(parseHead("HTTP/1.1 204 No Content\r\nContent-Length: 5")?.length).toBe(0);
  });

  it("leaves anything unusual to Node's parser", () => {
    for (const head of [
      "HTTP/2 200\r\nContent-Length: 1",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n folded: continuation",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nno colon here",
      "HTTP/1.1 200 OK\r\nbad name: 1\r\nContent-Length: 1",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked",
      "HTTP/1.1 200 OK\r\nContent-Length: 1, 1",
      "HTTP/1.1 200 OK\r\nContent-Length: -1",
      "HTTP/1.1 200 OK",
    ]) {
      expect(parseHead(head), head).toBeUndefined();
    }
  });
});

/**
 * A TCP server that answers each request head it reads with the bytes `answer` gives for its path, so
 * a test decides the framing to the byte. Counts connections.
 */
class ScriptedServer {
  connections = 0;
  requests: string[] = [];
  /**
   * Close, without a word, the next connection that brings a second request: the race of a kept-alive
   * connection the server closes as the client sends on it.
   */
  closeKeptOnce = false;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  url = "";

  constructor(answer: (path: string, socket: Socket) => void) {
    this.server = createServer((socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => undefined);
      let pending = "";
      let served = 0;
      socket.on("data", (bytes) => {
        pending += bytes.toString("latin1");
        for (let end = pending.indexOf("\r\n\r\n"); end >= 0; end = pending.indexOf("\r\n\r\n")) {
          const head = pending.slice(0, end);
          pending = pending.slice(end + 4);
          if (served++ > 0 && this.closeKeptOnce) {
            this.closeKeptOnce = false;
            socket.destroy();
            return;
          }
          this.requests.push(head);
          answer(head.split(" ")[1] ?? "/", socket);
        }
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    if (address === null || typeof address === "string") throw new Error("no address");
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  /** Closes every open connection, as a server whose keep-alive timeout ran out does. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const BODY = Buffer.from("0123456789abcdefghij");
const sized = (body: Buffer, extra = "") =>
  Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}${extra}\r\n\r\n`), body]);

let server: ScriptedServer;
let client: HttpClient;

beforeAll(async () => {
  server = await new ScriptedServer((path, socket) => {
    if (path === "/sized") socket.write(sized(BODY));
    else if (path === "/split") {
      // The head in two writes and the body a byte at a time, each its own read at the client.
      const whole = sized(BODY);
      let at = 0;
      const next = () => {
        if (at >= whole.length) return;
        const size = at === 0 ? 10 : 1;
        socket.write(whole.subarray(at, at + size));
        at += size;
        setTimeout(next, 1);
      };
      next();
    } else if (path === "/chunked") {
      socket.write(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
          "5;name=value\r\n01234\r\na\r\n56789abcde\r\n5\r\nfghij\r\n0\r\nTrailer: yes\r\n\r\n",
      );
    } else if (path === "/bad-chunk") {
      socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n0123\r\n");
    } else if (path === "/too-long") {
      // Says 20 bytes and sends 25: the rest is not an answer to anything asked.
      socket.write(Buffer.concat([sized(BODY), Buffer.from("XXXXX")]));
    } else if (path === "/cut") {
      socket.end(sized(BODY).subarray(0, 50));
    } else if (path === "/redirect") {
      socket.write("HTTP/1.1 302 Found\r\nLocation: /sized\r\nContent-Length: 0\r\n\r\n");
    } else if (path === "/missing") {
      const body = JSON.stringify({ error: "no such file" });
      socket.write(
        `HTTP/1.1 404 Not Found\r\nX-Error-Code: EntryNotFound\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      );
    } else if (path === "/bare-lf") {
      socket.write(Buffer.concat([Buffer.from("HTTP/1.1 200 OK\nContent-Length: 20\n\n"), BODY]));
    } else if (path === "/hang") {
      // Never answers.
    } else if (path === "/slow") {
      socket.write(sized(BODY).subarray(0, 45));
    }
  }).start();
  client = new HttpClient({ retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 2 } });
});
afterAll(async () => {
  await client.close();
  await server.stop();
});
afterEach(async () => {
  // Each test starts with no connection kept, so it counts its own.
  server.dropConnections();
  await new Promise((resolve) => setTimeout(resolve, 10));
  server.connections = 0;
  server.requests = [];
});

/** A sink that keeps copies of what it is given (a fast-path chunk lives only during the call). */
function collector(): ChunkSink & { bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  return { write: (chunk) => chunks.push(Buffer.from(chunk)), bytes: () => Buffer.concat(chunks) };
}

async function fetchBytes(path: string, options: { bodyTimeoutMs?: number; signal?: AbortSignal } = {}) {
  const answer = await client.download(`${server.url}${path}`, options);
  const sink = collector();
  await answer.receive(sink, options.signal);
  return { answer, bytes: sink.bytes() };
}

describe("the download fast path", () => {
  it("carries an answer in one read or in many, and keeps one connection for the next", async () => {
    expect((await fetchBytes("/sized")).bytes).toEqual(BODY);
    expect((await fetchBytes("/split")).bytes).toEqual(BODY);
    expect((await fetchBytes("/sized")).bytes).toEqual(BODY);
    expect(server.connections).toBe(1);
    expect(server.requests[0]).toMatch(
      /^GET \/sized HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\nuser-agent: wharf/,
    );
  });

  it("decodes a chunked body, with an extension and trailers, and reuses the connection after it", async () => {
    expect((await fetchBytes("/chunked")).bytes).toEqual(BODY);
    expect((await fetchBytes("/sized")).bytes).toEqual(BODY);
    expect(server.connections).toBe(1);
  });

  it("fails a malformed chunked body with an error that is not a dropped connection", async () => {
    const error = await fetchBytes("/bad-chunk").catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("WHARF_BAD_CHUNK");
    expect(isNetworkError(error)).toBe(false);
  });

  it("closes a connection that sent more than its content-length", async () => {
    expect((await fetchBytes("/too-long")).bytes).toEqual(BODY);
    expect((await fetchBytes("/sized")).bytes).toEqual(BODY);
    // Asked once each, on two connections: the second was not sent where the extra bytes were.
    expect(server.requests).toHaveLength(2);
    expect(server.connections).toBe(2);
  });

  it("asks again on a new connection when the server closes the kept one as it is asked", async () => {
    await fetchBytes("/sized");
    server.closeKeptOnce = true;
    expect((await fetchBytes("/sized")).bytes).toEqual(BODY);
    expect(server.closeKeptOnce).toBe(false);
    expect(server.connections).toBe(2);
    // Asked again by the fast path itself (Node's http would have written "Host").
    expect(server.requests.at(-1)).toMatch(/\r\nhost: /);
  });

  it("does not ask again on another kept connection when the answer times out", async () => {
    // Two connections kept in the pool.
    await Promise.all([fetchBytes("/sized"), fetchBytes("/split")]);
    const error = await client
      .download(`${server.url}/hang`, { timeoutMs: 100, retry: { maxRetries: 0 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(server.requests.filter((head) => head.startsWith("GET /hang"))).toHaveLength(1);
  });

  it("leaves a head with bare line feeds to Node's parser", async () => {
    const attempt = await fetchBytes("/bare-lf").then(
      ({ bytes }) => bytes,
      (error: unknown) => error,
    );
    // Node's parser takes the answer or refuses it; either way the fast path did not wait for a
    // CRLF that never comes.
    expect(server.requests.filter((head) => head.startsWith("GET /bare-lf"))).toHaveLength(2);
    expect(attempt instanceof Error || (attempt as Buffer).equals(BODY)).toBe(true);
  });

  it("opens a new connection when the server closed the kept one while it waited", async () => {
    await fetchBytes("/sized");
    server.dropConnections();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await fetchBytes("/sized")).bytes).toEqual(BODY);
    expect(server.connections).toBe(2);
  });

  it("fails a body cut short as a dropped connection, for the engine to resume", async () => {
    const error = await fetchBytes("/cut").catch((e: unknown) => e);
    expect(isNetworkError(error)).toBe(true);
  });

  it("fails a body that stalls, and a cancelled one", async () => {
    const stalled = await fetchBytes("/slow", { bodyTimeoutMs: 50 }).catch((e: unknown) => e);
    expect((stalled as { code?: string }).code).toBe("WHARF_BODY_TIMEOUT");
    const controller = new AbortController();
    const answer = await client.download(`${server.url}/slow`, { signal: controller.signal });
    const receiving = answer.receive(collector(), controller.signal);
    controller.abort(new Error("stop"));
    await expect(receiving).rejects.toThrow("stop");
  });

  it("leaves a redirect to Node's http, which follows it", async () => {
    const { answer, bytes } = await fetchBytes("/redirect");
    expect(bytes).toEqual(BODY);
    expect(answer.url).toBe(`${server.url}/sized`);
  });

  it("raises the typed error of a chunked error answer, asking only once", async () => {
    const error = await fetchBytes("/missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntryNotFoundError);
    expect(server.requests).toHaveLength(1);
  });

  it("fails with NetworkError when nothing listens", async () => {
    const closed = await new ScriptedServer(() => undefined).start();
    await closed.stop();
    await expect(client.download(`${closed.url}/x`)).rejects.toBeInstanceOf(NetworkError);
  });

  it("keeps at most connectionsPerOrigin connections open; the other requests wait their turn", async () => {
    const narrow = new HttpClient({ connectionsPerOrigin: 2 });
    try {
      const bodies = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const answer = await narrow.download(`${server.url}/split`);
          const sink = collector();
          await answer.receive(sink);
          return sink.bytes();
        }),
      );
      for (const bytes of bodies) expect(bytes).toEqual(BODY);
      expect(server.connections).toBe(2);
      // A request waiting for its turn gives up when cancelled.
      const held = await Promise.all([
        narrow.download(`${server.url}/slow`),
        narrow.download(`${server.url}/slow`),
      ]);
      const controller = new AbortController();
      const waiting = narrow.download(`${server.url}/sized`, { signal: controller.signal });
      controller.abort();
      await expect(waiting).rejects.toBeInstanceOf(AbortedError);
      for (const answer of held) await answer.discard();
    } finally {
      await narrow.close();
    }
  });

  it("leaves a header it must not write itself to Node's http", async () => {
    const { bytes } = await fetchBytes("/sized");
    expect(bytes).toEqual(BODY);
    await expect(
      client.download(`${server.url}/sized`, { headers: { "x-bad": "a\r\nInjected: yes" } }),
    ).rejects.toThrow(/Invalid character/);
    expect(server.requests.some((head) => head.includes("Injected"))).toBe(false);
  });
});
