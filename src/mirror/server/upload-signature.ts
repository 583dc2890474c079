/**
 * Signed upload URLs. The LFS batch answer hands clients URLs to PUT bytes to; some clients send no
 * `Authorization` there (the Hub's part URLs point at S3), so each URL carries its own credentials: an
 * HMAC of what it allows (the object's oid and size) and until when, under the server's secret. Servers
 * that share a store share the secret (config), so a URL one signs another accepts.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** How long an upload URL stays good. */
const LIFETIME_MS = 60 * 60 * 1000;

export interface SignedGrant {
  oid: string;
  size: number;
  expires: number;
  sig: string;
}

export class UploadSigner {
  private readonly secret: Buffer;

  constructor(secret?: string) {
    this.secret = secret ? Buffer.from(secret) : randomBytes(32);
  }

  private mac(oid: string, size: number, expires: number): Buffer {
    return createHmac("sha256", this.secret).update(`${oid}:${size}:${expires}`).digest();
  }

  /** The query string that lets its bearer upload `size` bytes named `oid` for the next hour. */
  grant(oid: string, size: number, now = Date.now()): string {
    const expires = now + LIFETIME_MS;
    const sig = this.mac(oid, size, expires).toString("hex");
    return new URLSearchParams({ size: String(size), expires: String(expires), sig }).toString();
  }

  /** True when the query was signed here, names this oid and has not expired. */
  check(oid: string, query: Record<string, string | undefined>, now = Date.now()): SignedGrant | undefined {
    const size = Number(query.size);
    const expires = Number(query.expires);
    const sig = Buffer.from(query.sig ?? "", "hex");
    if (!Number.isSafeInteger(size) || !Number.isSafeInteger(expires) || expires < now) return undefined;
    const expected = this.mac(oid, size, expires);
    if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return undefined;
    return { oid, size, expires, sig: query.sig ?? "" };
  }
}
