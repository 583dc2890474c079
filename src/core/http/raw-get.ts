/**
 * The download fast path: a GET over plain HTTP/1.1 on a kept-alive socket that reads every chunk into
 * one buffer of its own (`onread`) and hands the body's bytes straight to the caller's sink. It carries
 * answers whose body has a `content-length` or is chunked, errors included (the HTTP client's retry loop
 * reads them as it reads any answer); a redirect, an informational answer or an unusual one is declined,
 * and the client sends that request again through Node's `http`. A connection that fails before its
 * answer rejects with Node's error, for the client's retries.
 *
 * Why, measured on a 1 GiB download from 127.0.0.1 beside curl's 0.60 to 0.69 s: `http.get` writing each
 * chunk synchronously took 0.88 to 0.96 s, and this path 0.58 to 0.70 s. Node's `http` allocates a fresh
 * buffer for every socket read and passes each through its parser's and a Readable's machinery; a read
 * buffer used again and again stays in the CPU's cache and never waits for the garbage collector.
 * For 2,000 small files it skips the request and answer objects that `http` builds per request.
 *
 * The answer's head is parsed here, strictly: anything unusual (a folded or nameless header line, a
 * transfer coding other than chunked, both a `transfer-encoding` and a `content-length`, a malformed
 * length, no framing at all, a head over 64 KiB) is left to Node's parser on the regular path. A
 * connection goes back to the pool only when its body ended exactly where its framing said; one that
 * sends more is closed.
 */
import { validateHeaderName, validateHeaderValue } from "node:http";
import { connect, type Socket } from "node:net";
import type { BodyAnswer, ChunkSink } from "./chunk-sink.js";
import { BODY_TIMEOUT, codedError, HEADERS_TIMEOUT } from "./retry.js";

/** Bytes each connection reads into. 256 KiB took fewer reads and writes than 64 KiB for big files. */
const READ_BUFFER_BYTES = 256 * 1024;
/** A head longer than this is left to the regular path. */
const MAX_HEAD_BYTES = 64 * 1024;
/** Request headers the fast path leaves to Node, which knows what they mean for the connection. */
const RESERVED_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding", "upgrade"]);
/** The characters of a header's name (an RFC 9110 token), by character code. */
const TOKEN_CHARS = new Uint8Array(128);
for (const char of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
  TOKEN_CHARS[char.charCodeAt(0)] = 1;
const HEAD_END = Buffer.from("\r\n\r\n");
const BARE_HEAD_END = Buffer.from("\n\n");

export interface RawGetOptions {
  /** How long to wait for the answer's head, connecting included. */
  headersMs: number;
  /** How long the body may go without a byte. */
  bodyMs: number;
  signal?: AbortSignal;
}

export interface ParsedHead {
  status: number;
  headers: Record<string, string>;
  /** The body's length (from `content-length`, or 0 for a 204 or 304), or "chunked". */
  length: number | "chunked";
  /** Whether the connection may carry another request afterwards. */
  keepAlive: boolean;
}

const hasToken = (list: string, token: string) =>
  list
    .toLowerCase()
    .split(",")
    .some((part) => part.trim() === token);

/** Whether `text` from `start` to `end` is a header name: a token, not empty. */
function isToken(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) if (TOKEN_CHARS[text.charCodeAt(i)] !== 1) return false;
  return true;
}

/** A space or a tab: the whitespace allowed around a header's value. */
const isBlank = (code: number) => code === 0x20 || code === 0x09;

/**
 * An answer's head (status line and header lines, without the blank line after them), or undefined when
 * the fast path must not take it. Read in one pass with character loops, not a split and regular
 * expressions per line: this runs for every small file, and took half as long again that way.
 */
export function parseHead(text: string): ParsedHead | undefined {
  let lineEnd = text.indexOf("\r\n");
  if (lineEnd < 0) lineEnd = text.length;
  const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(text.slice(0, lineEnd));
  if (!statusLine) return undefined;
  // No prototype: a header named `constructor` or `__proto__` is a header like any other.
  const headers: Record<string, string> = Object.create(null);
  while (lineEnd < text.length) {
    const start = lineEnd + 2;
    lineEnd = text.indexOf("\r\n", start);
    if (lineEnd < 0) lineEnd = text.length;
    const colon = text.indexOf(":", start);
    // No name, or a folded continuation (obsolete, and a way to smuggle headers past a parser).
    if (colon < 0 || colon > lineEnd || !isToken(text, start, colon)) return undefined;
    const key = text.slice(start, colon).toLowerCase();
    let from = colon + 1;
    let to = lineEnd;
    while (from < to && isBlank(text.charCodeAt(from))) from++;
    while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
    const value = text.slice(from, to);
    const earlier = headers[key];
    headers[key] = earlier === undefined ? value : `${earlier}, ${value}`;
  }
  const status = Number(statusLine[2]);
  const length = bodyLength(status, headers["content-length"], headers["transfer-encoding"]);
  if (length === undefined) return undefined;
  const connection = headers.connection ?? "";
  const keepAlive =
    statusLine[1] === "1" ? !hasToken(connection, "close") : hasToken(connection, "keep-alive");
  return { status, headers, length, keepAlive };
}

/** How the body is framed, or undefined when the fast path leaves it to Node's parser. */
function bodyLength(
  status: number,
  contentLength: string | undefined,
  transferEncoding: string | undefined,
): number | "chunked" | undefined {
  if (transferEncoding !== undefined) {
    // Both at once is how requests are smuggled; any other coding is Node's to undo.
    if (contentLength !== undefined || transferEncoding.trim().toLowerCase() !== "chunked") return undefined;
    return "chunked";
  }
  // These never have a body, whatever their headers say (RFC 9112, section 6.3).
  if (status === 204 || status === 304) return 0;
  if (contentLength !== undefined)
    return /^\d{1,15}$/.test(contentLength) ? Number(contentLength) : undefined;
  // A body that ends when the connection does is rare enough to leave to Node.
  return undefined;
}

/** The request's head, or undefined when a header is one the fast path leaves to Node (or invalid). */
function requestHead(url: URL, headers: Record<string, string>): string | undefined {
  // Credentials in the URL become a header that Node's `http` builds.
  if (url.username !== "" || url.password !== "") return undefined;
  let head = `GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) return undefined;
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      return undefined;
    }
    head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}

/** Where a body ends. `read` passes the body's part of `bytes` to `emit` and says how much it took. */
interface BodyFraming {
  readonly done: boolean;
  read(bytes: Buffer, emit: (piece: Buffer) => void): number;
}

/** A body of `content-length` bytes. */
class SizedBody implements BodyFraming {
  constructor(private remaining: number) {}

  get done(): boolean {
    return this.remaining === 0;
  }

  read(bytes: Buffer, emit: (piece: Buffer) => void): number {
    const taken = Math.min(bytes.length, this.remaining);
    this.remaining -= taken;
    if (taken > 0) emit(bytes.subarray(0, taken));
    return taken;
  }
}

/** A line of a chunked body's framing longer than this is refused. */
const MAX_CHUNK_LINE = 4096;

/**
 * A chunked body (RFC 9112, section 7.1): a hex size line, that many bytes and a line end, again until
 * a zero size, then trailer lines (skipped) up to an empty one.
 */
class ChunkedBody implements BodyFraming {
  private state: "size" | "data" | "data-end" | "trailer" | "done" = "size";
  private line = "";
  private left = 0;

  get done(): boolean {
    return this.state === "done";
  }

  read(bytes: Buffer, emit: (piece: Buffer) => void): number {
    let at = 0;
    while (at < bytes.length && this.state !== "done") {
      if (this.state === "data") {
        const taken = Math.min(this.left, bytes.length - at);
        emit(bytes.subarray(at, at + taken));
        at += taken;
        this.left -= taken;
        if (this.left === 0) this.state = "data-end";
        continue;
      }
      const newline = bytes.indexOf(0x0a, at);
      const end = newline < 0 ? bytes.length : newline + 1;
      this.line += bytes.toString("latin1", at, end);
      at = end;
      if (this.line.length > MAX_CHUNK_LINE) throw malformedChunk();
      if (newline < 0) break;
      const line = this.line.replace(/\r?\n$/, "");
      this.line = "";
      if (this.state === "size") {
        const size = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(line);
        if (!size) throw malformedChunk();
        this.left = Number.parseInt(size[1] as string, 16);
        this.state = this.left === 0 ? "trailer" : "data";
      } else if (this.state === "data-end") {
        if (line !== "") throw malformedChunk();
        this.state = "size";
      } else if (line === "") this.state = "done";
    }
    return at;
  }
}

function malformedChunk(): Error {
  return codedError("WHARF_BAD_CHUNK", "The server sent a malformed chunked body.");
}

/** One socket, and the exchange it is carrying now (none while it waits in the pool). */
class Connection {
  readonly socket: Socket;
  /** Host and port: the pool's key. */
  readonly origin: string;
  exchange: RawExchange | undefined;

  constructor(url: URL, onClose: (connection: Connection) => void) {
    this.origin = url.host;
    const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    this.socket = connect({
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port || 80),
      noDelay: true,
      onread: {
        buffer,
        callback: (read) => {
          this.received(buffer.subarray(0, read));
          return true;
        },
      },
    });
    this.socket.on("error", (error) => this.lost(error));
    this.socket.on("end", () => this.lost());
    this.socket.on("close", () => this.lost());
    this.socket.once("close", () => onClose(this));
    this.socket.on("timeout", () =>
      this.exchange?.fail(codedError(BODY_TIMEOUT, "The answer's body stalled.")),
    );
  }

  private received(bytes: Buffer): void {
    if (this.exchange) this.exchange.received(bytes);
    // An idle connection has nothing to say; whatever it says, it cannot be trusted with a request.
    else this.socket.destroy();
  }

  private lost(error?: Error): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    this.socket.destroy();
    exchange?.lost(
      error ??
        codedError("ERR_STREAM_PREMATURE_CLOSE", "The server closed the connection before the answer ended."),
    );
  }
}

/**
 * Said by an exchange on a kept-alive connection that failed before a byte of its answer came: the
 * server closed it meanwhile, and the request is worth sending on another.
 */
const STALE = Symbol("stale");

/** One GET on one connection: its head, then its body into a sink. */
class RawExchange implements BodyAnswer {
  readonly url: string;
  status = 0;
  headers: Record<string, string> = {};
  private phase: "head" | "held" | "body" | "done" = "head";
  private headChunks: Buffer[] = [];
  private framing: BodyFraming = new SizedBody(0);
  private reusable = false;
  /** Body bytes that came with the head, before `receive` gave a sink (copies: the read buffer is reused). */
  private held: Buffer[] = [];
  private sink: ChunkSink | undefined;
  private failure: Error | undefined;
  private answered: (answer: BodyAnswer | undefined | typeof STALE) => void = () => undefined;
  private unanswered: (error: Error) => void = () => undefined;
  private settled: ((error?: Error) => void) | undefined;
  private headTimer: NodeJS.Timeout | undefined;
  private readonly onAbort = () => this.fail(this.options.signal?.reason ?? new Error("aborted"));

  constructor(
    url: URL,
    private readonly connection: Connection,
    private readonly reused: boolean,
    private readonly release: (connection: Connection) => void,
    private readonly options: RawGetOptions,
  ) {
    this.url = url.toString();
  }

  /** Sends the request; settles with the answer, undefined when declined, or STALE. */
  start(head: string): Promise<BodyAnswer | undefined | typeof STALE> {
    return new Promise((resolve, reject) => {
      this.answered = resolve;
      this.unanswered = reject;
      this.connection.exchange = this;
      this.headTimer = setTimeout(
        () => this.fail(codedError(HEADERS_TIMEOUT, `No answer within ${this.options.headersMs} ms.`)),
        this.options.headersMs,
      );
      this.options.signal?.addEventListener("abort", this.onAbort, { once: true });
      this.connection.socket.write(head, "latin1");
    });
  }

  received(bytes: Buffer): void {
    if (this.phase === "head") this.readHead(bytes);
    else this.readBody(bytes);
  }

  private readHead(bytes: Buffer): void {
    // The usual head arrives whole in one read: find its end there without copying the read.
    let all = bytes;
    if (this.headChunks.length > 0) {
      this.headChunks.push(bytes);
      all = Buffer.concat(this.headChunks);
    }
    const end = all.indexOf(HEAD_END);
    // Lines ended by a bare LF (which Node's parser takes): not a head this path reads.
    if (all.subarray(0, end < 0 ? all.length : end).includes(BARE_HEAD_END)) {
      this.decline();
      return;
    }
    if (end < 0) {
      if (all.length > MAX_HEAD_BYTES) {
        this.decline();
        return;
      }
      if (this.headChunks.length === 0) this.headChunks.push(Buffer.from(bytes));
      else this.headChunks = [all];
      return;
    }
    this.headChunks = [];
    clearTimeout(this.headTimer);
    const parsed = parseHead(all.toString("latin1", 0, end));
    if (parsed === undefined || parsed.status < 200 || (parsed.status >= 300 && parsed.status < 400)) {
      this.decline();
      return;
    }
    this.status = parsed.status;
    this.headers = parsed.headers;
    this.framing = parsed.length === "chunked" ? new ChunkedBody() : new SizedBody(parsed.length);
    this.reusable = parsed.keepAlive;
    this.phase = "held";
    this.answered(this);
    this.readBody(all.subarray(end + HEAD_END.length));
    // Until a sink comes, the socket's bytes wait in the kernel.
    if (this.phase === "held") this.connection.socket.pause();
  }

  private readBody(bytes: Buffer): void {
    if (this.phase === "done") return;
    let taken: number;
    try {
      taken = this.framing.read(bytes, this.deliver);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (!this.framing.done) return;
    // More than the framing said: what follows is not an answer to anything we asked.
    if (taken < bytes.length) this.reusable = false;
    this.complete();
  }

  /** A piece of the body to the sink, or held (copied: the read buffer is reused) until there is one. */
  private readonly deliver = (piece: Buffer) => {
    if (this.phase === "held") this.held.push(Buffer.from(piece));
    else this.sink?.write(piece);
  };

  /** Every byte has come: the connection goes back to the pool (or is closed) and the body settles. */
  private complete(): void {
    const wasHeld = this.phase === "held";
    this.phase = "done";
    this.options.signal?.removeEventListener("abort", this.onAbort);
    this.connection.exchange = undefined;
    // The stall timer was this body's (set by `receive`); the connection's next exchange sets its own.
    if (!wasHeld) this.connection.socket.setTimeout(0);
    if (this.reusable) this.release(this.connection);
    else this.connection.socket.destroy();
    if (!wasHeld) this.settled?.();
  }

  /** Ends the exchange with `error`, which the request rejects with, or else the body. */
  fail(error: Error): void {
    const phase = this.close();
    if (phase === "head") this.unanswered(error);
    else if (phase === "held") this.failure = error;
    else if (phase === "body") this.settled?.(error);
  }

  /**
   * The connection was lost. Before a byte of the answer came on a kept-alive connection, the server
   * had closed it while it waited in the pool: the request is worth sending on another (STALE). Only
   * then: a timeout or a cancellation is no reason to ask again.
   */
  lost(error: Error): void {
    // (In the head phase, every byte read so far is held in `headChunks`.)
    if (this.phase === "head" && this.reused && this.headChunks.length === 0) {
      this.close();
      this.answered(STALE);
    } else this.fail(error);
  }

  /** Leaves an answer the fast path does not carry to the regular path. */
  private decline(): void {
    if (this.close() === "head") this.answered(undefined);
  }

  /** Ends the exchange and its connection, unless it has ended; returns the phase it was in. */
  private close(): RawExchange["phase"] {
    const phase = this.phase;
    // A finished exchange's connection may be carrying another one now.
    if (phase === "done") return phase;
    this.phase = "done";
    clearTimeout(this.headTimer);
    this.options.signal?.removeEventListener("abort", this.onAbort);
    if (this.connection.exchange === this) this.connection.exchange = undefined;
    this.connection.socket.destroy();
    return phase;
  }

  receive(sink: ChunkSink, signal?: AbortSignal): Promise<void> {
    if (this.sink !== undefined) return Promise.reject(new Error("The body was already received."));
    this.sink = sink;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => this.fail(signal?.reason ?? new Error("aborted"));
      this.settled = (error) => {
        signal?.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve();
      };
      try {
        for (const chunk of this.held) sink.write(chunk);
      } catch (error) {
        this.held = [];
        if (this.phase === "held") this.fail(error as Error);
        return this.settled(error as Error);
      }
      this.held = [];
      if (this.failure !== undefined) return this.settled(this.failure);
      if (this.phase === "done") return this.settled();
      this.phase = "body";
      signal?.addEventListener("abort", onAbort, { once: true });
      this.connection.socket.setTimeout(this.options.bodyMs);
      this.connection.socket.resume();
      if (signal?.aborted) onAbort();
    });
  }

  async discard(): Promise<void> {
    this.held = [];
    if (this.phase !== "done") this.fail(new Error("The body was discarded."));
  }
}

/**
 * Plain-HTTP GETs on kept-alive connections, at most `maxConnections` of them open per origin (as
 * Node's agent keeps `maxSockets`): a request past that waits for one to come free.
 */
export class RawGetPool {
  private readonly idle = new Map<string, Connection[]>();
  private readonly open = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly maxConnections: number) {}

  /**
   * GETs `url` (plain http) with `headers`: the answer when this path can carry it, else undefined with
   * nothing left open, for the caller to send the request on its regular path. Rejects with the
   * connection's error when it fails before the answer.
   */
  async get(
    url: URL,
    headers: Record<string, string>,
    options: RawGetOptions,
  ): Promise<BodyAnswer | undefined> {
    const head = requestHead(url, headers);
    if (head === undefined) return undefined;
    const origin = url.host;
    for (;;) {
      options.signal?.throwIfAborted();
      const pooled = this.take(origin);
      if (pooled === undefined && (this.open.get(origin) ?? 0) >= this.maxConnections) {
        await this.turn(origin, options.signal);
        continue;
      }
      const connection = pooled ?? this.connect(url);
      const answer = await new RawExchange(url, connection, pooled !== undefined, this.keep, options).start(
        head,
      );
      if (answer !== STALE) return answer;
    }
  }

  /** Closes the waiting connections. */
  close(): void {
    for (const connections of this.idle.values()) for (const { socket } of connections) socket.destroy();
    this.idle.clear();
  }

  private connect(url: URL): Connection {
    this.open.set(url.host, (this.open.get(url.host) ?? 0) + 1);
    return new Connection(url, this.closed);
  }

  private take(origin: string): Connection | undefined {
    const connections = this.idle.get(origin);
    const connection = connections?.pop();
    connection?.socket.ref();
    return connection;
  }

  /** Waits until a connection to `origin` comes free or closes (or the signal fires). */
  private turn(origin: string, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const queue = this.waiting.get(origin) ?? [];
      this.waiting.set(origin, queue);
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        queue.splice(queue.indexOf(wake), 1);
        resolve();
      };
      queue.push(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private wake(origin: string): void {
    this.waiting.get(origin)?.shift()?.();
  }

  private readonly keep = (connection: Connection) => {
    const connections = this.idle.get(connection.origin) ?? [];
    // A waiting connection does not keep the process alive.
    connection.socket.unref();
    connections.push(connection);
    this.idle.set(connection.origin, connections);
    this.wake(connection.origin);
  };

  private readonly closed = (connection: Connection) => {
    const connections = this.idle.get(connection.origin);
    const at = connections?.indexOf(connection) ?? -1;
    if (at >= 0) connections?.splice(at, 1);
    this.open.set(connection.origin, (this.open.get(connection.origin) ?? 1) - 1);
    this.wake(connection.origin);
  };
}
