/**
 * wharf's one HTTP client: Node's own `http`/`https` with a keep-alive connection pool, retries with
 * backoff on 429, 5xx and dropped connections, redirects followed as the Hub protocol wants (all, none,
 * or relative only, and the `Authorization` header dropped when the origin changes), a wharf user agent,
 * and typed errors for every failed answer. Every layer that talks HTTP goes through here; the download
 * engine adds resume on top.
 *
 * Node's `http` rather than undici, measured beside each other on this machine: importing undici took
 * 60 ms of every process's start, and 2,000 small GETs to 127.0.0.1, eight at a time, took 0.82 to 1.14 s
 * through undici's `request` and 0.51 to 0.83 s through `http.get` (Node's HTTP parser is native code;
 * undici's runs in WebAssembly and hands each chunk through more layers).
 *
 * `download` is the download engine's GET: over plain http it goes by the fast path (raw-get.ts), which
 * carries an answer's body from the socket to the caller's sink without Node's per-request and
 * per-chunk objects; a redirect or an unusual answer is asked for again through Node's `http`.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import { finished, pipeline, type Readable } from "node:stream";
import { AbortedError, InvalidArgumentError, NetworkError } from "../errors.js";
import { type BodyAnswer, type ChunkSink, receiveInto } from "./chunk-sink.js";
import { FileRange, sendFileRange } from "./file-range.js";
import { RawGetPool } from "./raw-get.js";
import { errorFromResponse } from "./response-error.js";
import {
  BODY_TIMEOUT,
  backoffDelay,
  codedError,
  DEFAULT_TIMEOUT_MS,
  HEADERS_TIMEOUT,
  isNetworkError,
  parseRetryAfter,
  type RetryPolicy,
  resolveRetryPolicy,
  waitBeforeRetry,
} from "./retry.js";
import { userAgent } from "./user-agent.js";

export type { BodyAnswer, ChunkSink } from "./chunk-sink.js";
export { FileRange } from "./file-range.js";

/**
 * A body that can be sent again on a retry: bytes, text, or a function that makes a fresh body (a
 * stream, or a range of a local file).
 */
export type RequestBody = string | Uint8Array | (() => Readable | Uint8Array | string | FileRange);

export type RedirectMode =
  /** Follow every redirect (the default). */
  | "follow"
  /** Return the 3xx answer as it is. */
  | "manual"
  /** Follow relative `Location`s only and return the first absolute one (Hub metadata requests). */
  | "relative";

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | undefined>;
  body?: RequestBody;
  signal?: AbortSignal;
  redirect?: RedirectMode;
  /** Overrides of the retry policy, or false for a single try. */
  retry?: Partial<RetryPolicy> | false;
  /**
   * Retry a POST or PATCH too. They are not idempotent, so a retry may do the work twice; say so only
   * when the endpoint tolerates it (for example a request that only reads).
   */
  retryUnsafeMethod?: boolean;
  /** How long to wait for the answer's headers, in milliseconds. */
  timeoutMs?: number;
  /** How long the body may go without a byte, in milliseconds. */
  bodyTimeoutMs?: number;
  /** Return 4xx/5xx answers instead of throwing their typed errors. */
  allowErrorStatus?: boolean;
  /** Names the operation in error messages ("download of config.json"). */
  context?: string;
}

export interface HttpResponse extends BodyAnswer {
  body: Readable;
  text(): Promise<string>;
  json<T = unknown>(): Promise<T>;
  bytes(): Promise<Uint8Array>;
}

export interface HttpClientOptions {
  /** Most sockets per origin. Downloads of many files share them. */
  connectionsPerOrigin?: number;
  /** Appended to the wharf user agent (`HF_HUB_USER_AGENT_ORIGIN` or a library's own name). */
  userAgentSuffix?: string;
  retry?: Partial<RetryPolicy>;
  /** Let `download` try the fast path over plain http (default true). */
  fastPath?: boolean;
}

const MAX_REDIRECTS = 10;
const ERROR_BODY_LIMIT = 64 * 1024;
/**
 * A body thrown away is read to its end when it is at most this long, so its connection goes back to the
 * pool; a longer one (or one of unknown length) costs less to drop with its connection.
 */
const DISCARD_READ_LIMIT = 128 * 1024;
/** Methods whose requests carry no body; any other sends `content-length: 0` when it has none. */
const BODILESS_METHODS = new Set(["GET", "HEAD", "DELETE", "OPTIONS", "TRACE"]);

function normalizeHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  // No prototype, as the fast path's: a header named `constructor` is a header like any other.
  const headers: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function cleanHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) clean[name] = value;
  return clean;
}

/** Methods that RFC 9110 calls idempotent: sending one twice has the effect of sending it once. */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/**
 * The headers to send where a redirect points. Credentials are for the origin they were given to, never
 * for where it points us, and never for the same host over plain http.
 */
export function headersForRedirect(
  from: URL,
  to: URL,
  headers: Record<string, string>,
): Record<string, string> {
  if (to.origin === from.origin) return headers;
  const { authorization: _dropped, Authorization: _alsoDropped, ...rest } = headers;
  return rest;
}

function materialize(body: RequestBody | undefined): Readable | Uint8Array | string | FileRange | undefined {
  return typeof body === "function" ? body() : body;
}

/** The start of an answer's body as text (an error's explanation), read to its end. */
async function readLimited(answer: BodyAnswer, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const keep: ChunkSink = {
    write(chunk) {
      // Copied: a fast-path chunk lives only during this call.
      if (size < limit) chunks.push(Buffer.from(chunk.subarray(0, limit - size)));
      size += chunk.length;
    },
  };
  try {
    await answer.receive(keep);
  } catch {
    // A broken error body must not hide the status that came before it.
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a body to its end; a failure is ignored (the connection is dropped then). */
function drain(body: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    finished(body, () => resolve());
    body.resume();
  });
}

/** The answer as an `HttpResponse`. */
function responseOf(url: URL, answer: IncomingMessage): HttpResponse {
  const bytes = async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of answer) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  return {
    status: answer.statusCode ?? 0,
    url: url.toString(),
    headers: normalizeHeaders(answer.headers),
    body: answer,
    receive: (sink, signal) => receiveInto(answer, sink, signal),
    text: async () => (await bytes()).toString("utf8"),
    json: async <T>() => JSON.parse((await bytes()).toString("utf8")) as T,
    bytes: async () => new Uint8Array(await bytes()),
    discard: async () => {
      if (answer.readableEnded || answer.destroyed) return;
      // A body that has all arrived still has to be read out before its socket goes back to the pool.
      const length = Number(answer.headers["content-length"] ?? Number.NaN);
      if (answer.complete || length <= DISCARD_READ_LIMIT) await drain(answer);
      else answer.destroy();
    },
  };
}

/**
 * Fails a body that goes `ms` without a byte: the socket's own inactivity timer, set while the body is
 * read and cleared when it ends, since the socket then goes back to the pool for other requests.
 */
function watchStalls(answer: IncomingMessage, socket: Socket, ms: number): void {
  const onStall = () =>
    answer.destroy(codedError(BODY_TIMEOUT, `The answer's body sent nothing for ${ms} ms.`));
  socket.setTimeout(ms);
  socket.on("timeout", onStall);
  finished(answer, () => {
    socket.removeListener("timeout", onStall);
    socket.setTimeout(0);
  });
}

export class HttpClient {
  readonly userAgent: string;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };
  private readonly retry: Partial<RetryPolicy> | undefined;
  private readonly raw: RawGetPool | undefined;

  constructor(options: HttpClientOptions = {}) {
    // Idle sockets stay open until the server's Keep-Alive hint (less a margin) runs out; they do not
    // keep the process alive.
    const pool = { keepAlive: true, maxSockets: options.connectionsPerOrigin ?? 64 };
    this.agents = { http: new HttpAgent(pool), https: new HttpsAgent(pool) };
    this.userAgent = userAgent(options.userAgentSuffix);
    this.retry = options.retry;
    this.raw = options.fastPath === false ? undefined : new RawGetPool(pool.maxSockets);
  }

  /**
   * A GET whose body the caller writes into a sink (the download engine's file), with `request`'s
   * retries and typed errors. Over plain http it goes by the fast path, which carries every answer but
   * a redirect or an unusual one: those, and every https request, are sent through Node's `http`.
   * Takes `request`'s options but `method` and `body`.
   */
  async download(url: string, options: RequestOptions = {}): Promise<BodyAnswer> {
    const get = { ...options, method: "GET", body: undefined };
    const target = new URL(url);
    const raw = this.raw;
    if (raw === undefined || target.protocol !== "http:") return this.request(url, get);
    const headers = this.headersOf(options);
    const timeouts = {
      headersMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      bodyMs: options.bodyTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: options.signal,
    };
    return this.withRetries(
      url,
      get,
      async () => (await raw.get(target, headers, timeouts)) ?? this.followRedirects(url, get),
    );
  }

  /** Sends a request, retrying and following redirects as configured; throws typed errors. */
  async request(url: string | URL, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.withRetries(String(url), options, () => this.followRedirects(String(url), options));
  }

  /** Runs `send` until it gets an answer worth returning, as the retry policy says; throws typed errors. */
  private async withRetries<T extends BodyAnswer>(
    url: string,
    options: RequestOptions,
    send: () => Promise<T>,
  ): Promise<T> {
    const policy = resolveRetryPolicy(options.retry === false ? false : { ...this.retry, ...options.retry });
    const canRetry =
      IDEMPOTENT_METHODS.has((options.method ?? "GET").toUpperCase()) || options.retryUnsafeMethod === true;
    let attempt = 0;
    for (;;) {
      let response: T;
      try {
        response = await send();
      } catch (error) {
        if (options.signal?.aborted) throw new AbortedError(`Request to ${url} was cancelled.`);
        if (!isNetworkError(error)) throw error;
        if (canRetry && policy.retryNetworkErrors && attempt < policy.maxRetries) {
          attempt++;
          await waitBeforeRetry(backoffDelay(policy, attempt), options.signal);
          continue;
        }
        throw new NetworkError(
          `${options.context ? `${options.context}: ` : ""}could not reach ${url} ` +
            `(${(error as Error).message})${attempt > 0 ? ` after ${attempt + 1} tries` : ""}. ` +
            "Check the network and the endpoint, or work offline from the cache.",
          url,
          { cause: error },
        );
      }
      if (
        canRetry &&
        policy.retryStatuses.includes(response.status) &&
        attempt < policy.maxRetries &&
        !options.signal?.aborted
      ) {
        attempt++;
        const retryAfter = parseRetryAfter(response.headers["retry-after"]);
        await response.discard();
        await waitBeforeRetry(backoffDelay(policy, attempt, retryAfter), options.signal);
        continue;
      }
      if (response.status >= 400 && !options.allowErrorStatus) {
        const bodyText =
          options.method === "HEAD" ? undefined : await readLimited(response, ERROR_BODY_LIMIT);
        throw errorFromResponse(
          {
            status: response.status,
            url: response.url,
            method: options.method ?? "GET",
            headers: response.headers,
            bodyText,
          },
          options.context,
        );
      }
      return response;
    }
  }

  /** The headers a request sends: wharf's user agent, then the caller's (undefined ones left out). */
  private headersOf(options: RequestOptions): Record<string, string> {
    return cleanHeaders({ "user-agent": this.userAgent, ...options.headers });
  }

  private async followRedirects(url: string, options: RequestOptions): Promise<HttpResponse> {
    const mode = options.redirect ?? "follow";
    let current = new URL(url);
    let method = options.method ?? "GET";
    let body = options.body;
    let headers = this.headersOf(options);
    for (let hop = 0; ; hop++) {
      const response = await this.send(current, method, headers, body, options);
      const location = response.headers.location;
      if (mode === "manual" || response.status < 300 || response.status >= 400 || location === undefined) {
        return response;
      }
      const isAbsolute = /^[a-z][a-z0-9+.-]*:/i.test(location) || location.startsWith("//");
      if (mode === "relative" && isAbsolute) return response;
      if (hop >= MAX_REDIRECTS) {
        await response.discard();
        throw new NetworkError(`Too many redirects starting at ${url}.`, url);
      }
      await response.discard();
      const next = new URL(location, current);
      headers = headersForRedirect(current, next, headers);
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === "POST")
      ) {
        method = method === "HEAD" ? "HEAD" : "GET";
        body = undefined;
      }
      current = next;
    }
  }

  private send(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: RequestBody | undefined,
    options: RequestOptions,
  ): Promise<HttpResponse> {
    const secure = url.protocol === "https:";
    if (!secure && url.protocol !== "http:")
      throw new InvalidArgumentError(`${url} is not an http or https URL.`);
    const payload = materialize(body);
    const sent: Record<string, string> = { ...headers };
    const hasLength = Object.keys(sent).some((name) => name.toLowerCase() === "content-length");
    if (!hasLength && typeof payload === "string")
      sent["content-length"] = String(Buffer.byteLength(payload));
    else if (!hasLength && payload instanceof Uint8Array) sent["content-length"] = String(payload.byteLength);
    else if (!hasLength && payload instanceof FileRange) sent["content-length"] = String(payload.length);
    else if (!hasLength && payload === undefined && !BODILESS_METHODS.has(method))
      sent["content-length"] = "0";
    const headersMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const bodyMs = options.bodyTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<HttpResponse>((resolve, reject) => {
      const request = (secure ? httpsRequest : httpRequest)(url, {
        method,
        headers: sent,
        agent: secure ? this.agents.https : this.agents.http,
        signal: options.signal,
      });
      let answered = false;
      // From the request until the answer's headers, connecting included.
      const headersTimer = setTimeout(
        () =>
          request.destroy(
            codedError(HEADERS_TIMEOUT, `No answer from ${url.origin} within ${headersMs} ms.`),
          ),
        headersMs,
      );
      // Kept after the answer: a failure then reaches the body, and must not go unhandled here.
      request.on("error", (error) => {
        clearTimeout(headersTimer);
        if (!answered) reject(error);
      });
      request.once("response", (answer) => {
        answered = true;
        clearTimeout(headersTimer);
        watchStalls(answer, answer.socket, bodyMs);
        // A HEAD answer has no body, but its socket goes back to the pool only once the (empty) body
        // has been read: an unread one would hold a connection, and the process, open.
        if (method === "HEAD") answer.resume();
        resolve(responseOf(url, answer));
      });
      if (payload === undefined || typeof payload === "string" || payload instanceof Uint8Array) {
        request.end(payload);
      } else if (payload instanceof FileRange) {
        // A failure reaches the caller through the request's error listener above.
        sendFileRange(request, payload).catch((error: Error) => request.destroy(error));
      } else {
        // A failure on either side destroys both (the file behind a stream body is closed); the
        // request's failure reaches the caller through its error listener above.
        pipeline(payload, request, () => undefined);
      }
    });
  }

  /** Closes the pool's sockets. */
  async close(): Promise<void> {
    this.raw?.close();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

let shared: HttpClient | undefined;

/** The process-wide client, created on first use, so every caller shares one connection pool. */
export function defaultHttpClient(): HttpClient {
  shared ??= new HttpClient();
  return shared;
}
