import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../core/errors.js";
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

describe("FsObjectStore, beyond the contract", () => {
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

  it("refuses keys that could leave its folder", () => {
    for (const key of ["../x", "a/../../x", "/etc/passwd", "a\0b", ""]) {
      expect(() => store.pathOf(key)).toThrow(InvalidArgumentError);
    }
  });
});
