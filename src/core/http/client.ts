/**
 * wharf's one HTTP client: a pooled undici Agent, retries with backoff on 429, 5xx and dropped
 * connections, redirects followed as the Hub protocol wants (all, none, or relative only, and the
 * `Authorization` header dropped when the origin changes), a wharf user agent, and typed errors for every
 * failed answer. Every layer that talks HTTP goes through here; the download engine adds resume on top.
 */
import type { Readable } from "node:stream";
import { Agent, type Dispatcher, request as undiciRequest } from "undici";
import { AbortedError, NetworkError } from "../errors.js";
import { errorFromResponse } from "./response-error.js";
import {
  backoffDelay,
  isNetworkError,
  parseRetryAfter,
  type RetryPolicy,
  resolveRetryPolicy,
  waitBeforeRetry,
} from "./retry.js";
import { userAgent } from "./user-agent.js";

/** A body that can be sent again on a retry: bytes, text, or a function that makes a fresh stream. */
export type RequestBody = string | Uint8Array | (() => Readable | Uint8Array | string);

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

export interface HttpResponse {
  status: number;
  /** The URL that answered, after redirects. */
  url: string;
  /** Header names in lower case, repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Dispatcher.ResponseData["body"];
  text(): Promise<string>;
  json<T = unknown>(): Promise<T>;
  bytes(): Promise<Uint8Array>;
  /** Reads and discards the body so the connection goes back to the pool. */
  discard(): Promise<void>;
}

export interface HttpClientOptions {
  /** Most sockets per origin. Downloads of many files share them. */
  connectionsPerOrigin?: number;
  /** Appended to the wharf user agent (`HF_HUB_USER_AGENT_ORIGIN` or a library's own name). */
  userAgentSuffix?: string;
  retry?: Partial<RetryPolicy>;
}

const MAX_REDIRECTS = 10;
const ERROR_BODY_LIMIT = 64 * 1024;

function normalizeHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
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

function materialize(body: RequestBody | undefined): Readable | Uint8Array | string | undefined {
  return typeof body === "function" ? body() : body;
}

async function readLimited(body: Dispatcher.ResponseData["body"], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      if (size < limit) chunks.push(buffer.subarray(0, limit - size));
      size += buffer.length;
    }
  } catch {
    // A broken error body must not hide the status that came before it.
  }
  return Buffer.concat(chunks).toString("utf8");
}

export class HttpClient {
  readonly dispatcher: Agent;
  readonly userAgent: string;
  private readonly retry: Partial<RetryPolicy> | undefined;

  constructor(options: HttpClientOptions = {}) {
    this.dispatcher = new Agent({
      connections: options.connectionsPerOrigin ?? 64,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
    });
    this.userAgent = userAgent(options.userAgentSuffix);
    this.retry = options.retry;
  }

  /** Sends a request, retrying and following redirects as configured; throws typed errors. */
  async request(url: string | URL, options: RequestOptions = {}): Promise<HttpResponse> {
    const policy = resolveRetryPolicy(options.retry === false ? false : { ...this.retry, ...options.retry });
    const canRetry =
      IDEMPOTENT_METHODS.has((options.method ?? "GET").toUpperCase()) || options.retryUnsafeMethod === true;
    let attempt = 0;
    for (;;) {
      let response: HttpResponse;
      try {
        response = await this.followRedirects(String(url), options);
      } catch (error) {
        if (options.signal?.aborted) throw new AbortedError(`Request to ${String(url)} was cancelled.`);
        if (!isNetworkError(error)) throw error;
        if (canRetry && policy.retryNetworkErrors && attempt < policy.maxRetries) {
          attempt++;
          await waitBeforeRetry(backoffDelay(policy, attempt), options.signal);
          continue;
        }
        throw new NetworkError(
          `${options.context ? `${options.context}: ` : ""}could not reach ${String(url)} ` +
            `(${(error as Error).message})${attempt > 0 ? ` after ${attempt + 1} tries` : ""}. ` +
            "Check the network and the endpoint, or work offline from the cache.",
          String(url),
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
          options.method === "HEAD" ? undefined : await readLimited(response.body, ERROR_BODY_LIMIT);
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

  private async followRedirects(url: string, options: RequestOptions): Promise<HttpResponse> {
    const mode = options.redirect ?? "follow";
    let current = new URL(url);
    let method = options.method ?? "GET";
    let body = options.body;
    let headers = cleanHeaders({ "user-agent": this.userAgent, ...options.headers });
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

  private async send(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: RequestBody | undefined,
    options: RequestOptions,
  ): Promise<HttpResponse> {
    const answer = await undiciRequest(url, {
      method: method as Dispatcher.HttpMethod,
      headers,
      body: materialize(body),
      signal: options.signal,
      dispatcher: this.dispatcher,
      headersTimeout: options.timeoutMs ?? 60_000,
      bodyTimeout: options.bodyTimeoutMs ?? 60_000,
      // undici closes the connection after every HEAD (for servers that wrongly send a body), so each
      // file's metadata request would open a new connection: half of a small-file snapshot's cost.
      // Hub servers answer HEAD correctly; keep the connection.
      ...(method === "HEAD" && { reset: false }),
    });
    const responseBody = answer.body;
    return {
      status: answer.statusCode,
      url: url.toString(),
      headers: normalizeHeaders(answer.headers),
      body: responseBody,
      text: () => responseBody.text(),
      json: <T>() => responseBody.json() as Promise<T>,
      bytes: async () => new Uint8Array(await responseBody.arrayBuffer()),
      discard: async () => {
        try {
          await responseBody.dump();
        } catch {
          // A body we are throwing away may fail; the connection is dropped either way.
        }
      },
    };
  }

  /** Closes the pool's sockets; in-flight requests finish first. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

let shared: HttpClient | undefined;

/** The process-wide client, created on first use, so every caller shares one connection pool. */
export function defaultHttpClient(): HttpClient {
  shared ??= new HttpClient();
  return shared;
}
