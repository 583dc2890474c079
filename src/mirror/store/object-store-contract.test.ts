/**
 * What every ObjectStore promises, run against each implementation: a folder, and an S3 bucket on a
 * real S3 server (moto).
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useMoto } from "../../../test/support/moto.js";
import { FileChangedError } from "../../core/errors.js";
import { FsObjectStore } from "./fs-object-store.js";
import type { ObjectStore } from "./object-store.js";

const moto = useMoto();
let work: string;
let buckets = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "wharf-contract-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const kinds: Array<[string, () => Promise<ObjectStore>]> = [
  ["a folder", async () => new FsObjectStore(await mkdtemp(join(work, "store-")))],
  // A prefix, so keys are proven to stay under it.
  [
    "an S3 bucket",
    async () => moto.current.store(await moto.current.bucket(`contract-${++buckets}`, "some/prefix")),
  ],
];

describe.each(kinds)("an object store in %s", (_kind, open) => {
  it("puts, reads whole and in ranges, heads and deletes objects", async () => {
    const store = await open();
    await store.put("a/b/c.txt", "hello world");
    expect((await store.readBytes("a/b/c.txt"))?.toString()).toBe("hello world");
    const part = await store.read("a/b/c.txt", { start: 6, end: 10 });
    expect(part && (await text(part))).toBe("world");
    expect(await store.head("a/b/c.txt")).toMatchObject({ key: "a/b/c.txt", size: 11 });
    await store.delete("a/b/c.txt");
    expect(await store.head("a/b/c.txt")).toBeUndefined();
    expect(await store.read("a/b/c.txt")).toBeUndefined();
    expect(await store.readBytes("missing")).toBeUndefined();
    await store.delete("missing");
  });

  it("copies a file in, and moves one in when asked", async () => {
    const store = await open();
    const source = join(work, `source-${Date.now()}.bin`);
    const bytes = Buffer.alloc(100_000, 7);
    await writeFile(source, bytes);
    await store.put("blobs/x", { file: source });
    expect((await store.readBytes("blobs/x"))?.equals(bytes)).toBe(true);
    await store.put("blobs/moved", { file: source, move: true });
    expect((await store.readBytes("blobs/moved"))?.equals(bytes)).toBe(true);
    await expect(rm(source)).rejects.toThrow();
    expect(await store.children("blobs/")).toEqual(["moved", "x"]);
  });

  it("refuses to store a file whose bytes are not the ones hashed, and stores nothing", async () => {
    const store = await open();
    const source = join(work, `changed-${Date.now()}.bin`);
    await writeFile(source, "now\n");
    const then = createHash("sha256").update("then\n").digest("hex");
    await expect(store.put("blobs/y", { file: source, sha256: then })).rejects.toBeInstanceOf(
      FileChangedError,
    );
    expect(await store.head("blobs/y")).toBeUndefined();
    expect(await store.children("blobs/")).toEqual([]);
    const now = createHash("sha256").update("now\n").digest("hex");
    await store.put("blobs/y", { file: source, sha256: now });
    expect((await store.readBytes("blobs/y"))?.toString()).toBe("now\n");
  });

  it("lists keys by prefix in order, and the children of a folder", async () => {
    const store = await open();
    for (const key of ["r/m/2.json", "r/m/10.json", "r/n/x", "r/o", "s/t"]) await store.put(key, key);
    const keys = async (prefix: string) => {
      const found: string[] = [];
      for await (const object of store.list(prefix)) found.push(object.key);
      return found;
    };
    expect(await keys("r/")).toEqual(["r/m/10.json", "r/m/2.json", "r/n/x", "r/o"]);
    expect(await keys("r/m/1")).toEqual(["r/m/10.json"]);
    expect(await keys("nothing/")).toEqual([]);
    expect(await store.children("r/")).toEqual(["m", "n", "o"]);
    expect(await store.children("")).toEqual(["r", "s"]);
    expect(await store.children("nothing/")).toEqual([]);
  });

  it("lets exactly one of many concurrent compare-and-swaps win", async () => {
    const store = await open();
    await store.put("refs/main", "a");
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.compareAndSwap("refs/main", "a", `b${i}`)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect((await store.readBytes("refs/main"))?.toString()).toBe(`b${winner}`);
    expect(await store.compareAndSwap("refs/new", undefined, "c")).toBe(true);
    expect(await store.compareAndSwap("refs/new", undefined, "d")).toBe(false);
    expect(await store.compareAndSwap("refs/new", "c", undefined)).toBe(true);
    expect(await store.head("refs/new")).toBeUndefined();
    expect(await store.children("refs/")).toEqual(["main"]);
  });
});
