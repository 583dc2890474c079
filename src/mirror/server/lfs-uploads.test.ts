import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { RepoStore } from "../store/repo-store.js";
import { completeParts, receivePart, removeExpiredParts } from "./lfs-uploads.js";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** A one-part upload's grant (its signature only names the upload's folder here). */
function grantFor(object: Buffer) {
  return {
    oid: sha256(object),
    size: object.length,
    expires: Date.now() + 60_000,
    sig: randomBytes(8).toString("hex"),
  };
}

/**
 * A store that keeps what it is given, taking `delayMs` to store a blob (as a slow disk or an S3
 * upload does), or with `gated`, until `release` is called; it says which blobs it holds.
 */
function slowStore(delayMs: number, gated = false) {
  const stored = new Map<string, Buffer>();
  let storing: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    storing = resolve;
  });
  let release: () => void = () => undefined;
  const gate = gated
    ? new Promise<void>((resolve) => {
        release = resolve;
      })
    : undefined;
  const store = {
    async putBlob(oid: string, source: { file: string }) {
      storing();
      await (gate ?? sleep(delayMs));
      stored.set(oid, await readFile(source.file));
      await rm(source.file);
    },
    async hasBlob(oid: string) {
      return stored.has(oid);
    },
  };
  return { store: store as unknown as RepoStore, stored, started, release };
}

const one = (bytes: Buffer) => Readable.from([bytes]);

describe("multipart completion", () => {
  it("gives a second completion at once the first one's outcome, and stores the object once", async () => {
    const object = randomBytes(1000);
    const grant = grantFor(object);
    await receivePart(one(object), grant, 1);
    const { store, stored } = slowStore(20);
    const parts = [{ partNumber: 1, etag: "x" }];
    await Promise.all([completeParts(store, grant, parts), completeParts(store, grant, parts)]);
    expect(stored.get(grant.oid)?.equals(object)).toBe(true);
    // Asked again once it is done: the object is there, so it succeeds.
    await completeParts(store, grant, parts);
  });

  it("refuses a part that arrives while its upload is being completed", async () => {
    const object = randomBytes(1000);
    const grant = grantFor(object);
    await receivePart(one(object), grant, 1);
    // The store takes until the test lets it finish, however slow the machine.
    const { store, stored, started, release } = slowStore(0, true);
    const completion = completeParts(store, grant, [{ partNumber: 1, etag: "x" }]);
    await started;
    // Many other uploads start meanwhile, enough to push this one's session out of the kept ones.
    const others = Array.from({ length: 70 }, (_, i) => Buffer.from(`other ${i}`)).map((bytes) => ({
      bytes,
      grant: grantFor(bytes),
    }));
    for (const other of others) await receivePart(one(other.bytes), other.grant, 1);
    await expect(receivePart(one(Buffer.alloc(1000, 9)), grant, 1)).rejects.toThrow(/being completed/);
    release();
    await completion;
    expect(stored.get(grant.oid)?.equals(object)).toBe(true);
    // The other uploads' parts are removed by completing them.
    const quick = slowStore(0).store;
    for (const other of others) await completeParts(quick, other.grant, [{ partNumber: 1, etag: "x" }]);
  });
});

describe("abandoned uploads", () => {
  /** A parts folder as an upload leaves it, for a grant that expires at `expires`. */
  async function partsFolderExpiring(expires: number): Promise<string> {
    const folder = join(
      tmpdir(),
      `wharf-parts-${randomBytes(32).toString("hex")}-0123456789abcdef-${expires}`,
    );
    await mkdir(folder);
    await writeFile(join(folder, "whole"), "a part");
    return folder;
  }

  it("removes the parts of uploads whose grant expired, and keeps the others", async () => {
    const now = Date.now();
    const expired = await partsFolderExpiring(now - 60 * 60_000);
    const justExpired = await partsFolderExpiring(now - 1000);
    const live = await partsFolderExpiring(now + 60_000);
    try {
      await removeExpiredParts(now);
      expect(existsSync(expired)).toBe(false);
      // Kept a while past its expiry: a request that began just before may still be writing.
      expect(existsSync(justExpired)).toBe(true);
      expect(existsSync(live)).toBe(true);
    } finally {
      await Promise.all(
        [expired, justExpired, live].map((folder) => rm(folder, { recursive: true, force: true })),
      );
    }
  });

  it("removes them when a new upload starts", async () => {
    const expired = await partsFolderExpiring(Date.now() - 60 * 60_000);
    const object = randomBytes(100);
    await receivePart(one(object), grantFor(object), 1);
    for (let waited = 0; existsSync(expired) && waited < 5000; waited += 20) await sleep(20);
    expect(existsSync(expired)).toBe(false);
  });
});
