import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_RETRY_POLICY, isNetworkError, parseRetryAfter } from "./retry.js";

describe("retry policy", () => {
  it("parses Retry-After in seconds and as an HTTP date", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("0.5")).toBe(500);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it("backs off exponentially within jittered bounds, capped, and obeys Retry-After up to the cap", () => {
    for (let attempt = 1; attempt <= 6; attempt++) {
      const bound = Math.min(8000, 1000 * 2 ** (attempt - 1));
      const delay = backoffDelay(DEFAULT_RETRY_POLICY, attempt);
      expect(delay).toBeGreaterThanOrEqual(bound / 2);
      expect(delay).toBeLessThanOrEqual(bound);
    }
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, 2500)).toBe(2500);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, 60_000)).toBe(8000);
  });

  it("recognises connection failures, also when wrapped", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(isNetworkError(reset)).toBe(true);
    expect(isNetworkError(new Error("wrapped", { cause: reset }))).toBe(true);
    expect(isNetworkError(new Error("plain"))).toBe(false);
  });
});
