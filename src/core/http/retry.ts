/**
 * When and how long to wait before trying an HTTP request again: exponential backoff with full jitter,
 * capped, and the server's `Retry-After` honoured when it sends one. Used by the HTTP client and by the
 * download engine's resume loop, so both back off the same way.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { AbortedError } from "../errors.js";

export interface RetryPolicy {
  /** Tries after the first one. 0 disables retries. */
  maxRetries: number;
  /** The first wait, in milliseconds; it doubles on each try. */
  baseDelayMs: number;
  /** No single wait is longer than this (nor is a `Retry-After`). */
  maxDelayMs: number;
  /** Statuses that are worth another try: rate limiting and transient server failures. */
  retryStatuses: readonly number[];
  /** Whether a refused, reset or timed-out connection is worth another try. */
  retryNetworkErrors: boolean;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxRetries: 5,
  baseDelayMs: 1000,
  maxDelayMs: 8000,
  retryStatuses: Object.freeze([429, 500, 502, 503, 504]),
  retryNetworkErrors: true,
});

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> | false | undefined): RetryPolicy {
  if (overrides === false) return { ...DEFAULT_RETRY_POLICY, maxRetries: 0 };
  return { ...DEFAULT_RETRY_POLICY, ...overrides };
}

/**
 * Seconds or an HTTP date, as RFC 9110 allows, in milliseconds from `now`; undefined when absent or
 * unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before try number `attempt` (1 for the first retry): a uniformly random time up to the
 * exponential bound ("full jitter"), so many clients that failed together do not return together.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(bound / 2 + (Math.random() * bound) / 2);
}

/** Waits, or throws AbortedError as soon as the signal fires. */
export async function waitBeforeRetry(delayMs: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(delayMs, undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw new AbortedError("The operation was cancelled while waiting to retry.");
    throw error;
  }
}

/** The codes of the HTTP client's two timeouts (client.ts): no answer yet, and a body that stalled. */
export const HEADERS_TIMEOUT = "WHARF_HEADERS_TIMEOUT";
export const BODY_TIMEOUT = "WHARF_BODY_TIMEOUT";
/** How long either timeout is unless a request says (both paths of the client). */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** An error with a `code`, as Node's network errors carry one (`isNetworkError` reads it). */
export function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** Error codes that mean the connection failed or dropped, not the request: Node's, and the timeouts. */
const NETWORK_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ERR_STREAM_PREMATURE_CLOSE",
  HEADERS_TIMEOUT,
  BODY_TIMEOUT,
]);

/** True for a failure of the connection (worth a retry or a resume), false for anything else. */
export function isNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) return true;
    current = current.cause;
  }
  return false;
}
