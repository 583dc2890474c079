import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileChangedError, InvalidArgumentError } from "../../core/errors.js";
import { FsObjectStore } from "./fs-object-store.js";

let root: string;
let store: FsObjectStore;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "wharf-objects-"));
  store = new FsObjectStore(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("FsObjectStore", () => {
  it("puts, reads whole and in ranges, heads and deletes objects", async () => {
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

  it("copies a file in and leaves no temporary file behind", async () => {
    const source = join(root, "..", `source-${Date.now()}.bin`);
    await writeFile(source, Buffer.alloc(100_000, 7));
    try {
      await store.put("blobs/x", { file: source });
      expect((await store.readBytes("blobs/x"))?.equals(Buffer.alloc(100_000, 7))).toBe(true);
      expect(await readdir(join(root, "blobs"))).toEqual(["x"]);
    } finally {
      await rm(source, { force: true });
    }
  });

  it("refuses to store a copied file whose bytes are not the ones hashed", async () => {
    const source = join(root, "..", `changed-${Date.now()}.bin`);
    await writeFile(source, "now\n");
    try {
      const then = createHash("sha256").update("then\n").digest("hex");
      await expect(store.put("blobs/y", { file: source, sha256: then })).rejects.toBeInstanceOf(
        FileChangedError,
      );
      expect(await store.head("blobs/y")).toBeUndefined();
      expect(await store.children("blobs/")).toEqual([]);
      const now = createHash("sha256").update("now\n").digest("hex");
      await store.put("blobs/y", { file: source, sha256: now });
      expect((await store.readBytes("blobs/y"))?.toString()).toBe("now\n");
    } finally {
      await rm(source, { force: true });
    }
  });

  it("lists keys by prefix in order, and the children of a folder", async () => {
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
    expect(await store.children("nothing/")).toEqual([]);
  });

  it("lets exactly one of many concurrent compare-and-swaps win", async () => {
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

  it("refuses keys that could leave its folder", () => {
    for (const key of ["../x", "a/../../x", "/etc/passwd", "a\0b", ""]) {
      expect(() => store.pathOf(key)).toThrow(InvalidArgumentError);
    }
  });
});
