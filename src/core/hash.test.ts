import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  digestFile,
  gitBlobOid,
  lfsPointerOid,
  lfsPointerText,
  parseLfsPointer,
  sha256Hex,
  sha256OfFile,
} from "./hash.js";
import { digestFileHere } from "./workers/file-digest.js";

describe("hashes", () => {
  it("computes git blob ids exactly as git hash-object", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wharf-hash-"));
    try {
      for (const [name, data] of [
        ["empty", Buffer.alloc(0)],
        ["text", Buffer.from("hello world\n")],
        ["random", randomBytes(300_000)],
        // Large enough to be hashed on a worker thread.
        ["large", Buffer.concat([randomBytes(1 << 20), Buffer.alloc(16 << 20, 7)])],
      ] as const) {
        const path = join(dir, name);
        await writeFile(path, data);
        const expected = execFileSync("git", ["hash-object", path], { encoding: "utf8" }).trim();
        expect(gitBlobOid(data)).toBe(expected);
        const digest = await digestFile(path);
        expect(digest).toEqual({ size: data.length, sha256: sha256Hex(data), gitBlobOid: expected });
        expect(await sha256OfFile(path)).toBe(sha256Hex(data));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("hashes several large files at once on workers, and stops waiting when aborted", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wharf-hash-"));
    try {
      const files = await Promise.all(
        [1, 2, 3].map(async (seed) => {
          const data = Buffer.alloc((16 << 20) + seed, seed);
          await writeFile(join(dir, `f${seed}`), data);
          return { path: join(dir, `f${seed}`), sha256: sha256Hex(data) };
        }),
      );
      const digests = await Promise.all(files.map((file) => sha256OfFile(file.path)));
      expect(digests).toEqual(files.map((file) => file.sha256));
      const controller = new AbortController();
      const hashing = sha256OfFile(files[0]?.path as string, controller.signal);
      controller.abort(new Error("stop"));
      await expect(hashing).rejects.toThrow("stop");
      await expect(sha256OfFile(join(dir, "missing"))).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("counts the bytes it has hashed into shared memory, for a caller showing progress", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wharf-hash-"));
    try {
      const data = randomBytes((3 << 20) + 5);
      const path = join(dir, "counted");
      await writeFile(path, data);
      const progress = new SharedArrayBuffer(8);
      const result = await digestFileHere({ path, git: false, size: data.length, progress });
      expect(result.sha256).toBe(sha256Hex(data));
      expect(Atomics.load(new BigInt64Array(progress), 0)).toBe(BigInt(data.length));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("knows the well-known empty digests", () => {
    expect(gitBlobOid("")).toBe("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("writes and reads LFS pointers as git-lfs does", () => {
    const oid = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";
    const text = lfsPointerText(oid, 12345);
    expect(text).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize 12345\n`);
    expect(parseLfsPointer(text)).toEqual({ sha256: oid, size: 12345 });
    expect(parseLfsPointer("not a pointer")).toBeUndefined();
    expect(lfsPointerOid(oid, 12345)).toBe(gitBlobOid(text));
  });
});
