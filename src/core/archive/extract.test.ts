import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  buildZip,
  gzipWrap,
  writeTar,
  writeTarGzBomb,
  zeroBombDeflate,
} from "../../../test/support/archives.js";
import {
  ArchiveTooLargeError,
  CorruptArchiveError,
  InvalidArgumentError,
  UnsafeArchivePathError,
} from "../errors.js";
import { decompressFile } from "./decompress.js";
import { extractArchive } from "./extract.js";
import { detectFormat, stripCompressionSuffix } from "./formats.js";
import { ExtractionTarget } from "./target.js";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "wharf-archive-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const GiB = 1024;

/** A small tree with a nested folder, an executable and an inward symlink. */
async function makeTree(root: string): Promise<void> {
  await mkdir(join(root, "data", "nested"), { recursive: true });
  await writeFile(join(root, "data", "a.txt"), "alpha\n");
  await writeFile(join(root, "data", "nested", "b.bin"), randomBytes(70_000));
  await writeFile(join(root, "data", "run.sh"), "#!/bin/sh\necho hi\n");
  await chmod(join(root, "data", "run.sh"), 0o755);
  await symlink("nested/b.bin", join(root, "data", "link-to-b"));
}

async function expectSameTree(expected: string, actual: string): Promise<void> {
  expect(await readFile(join(actual, "data", "a.txt"), "utf8")).toBe("alpha\n");
  expect(
    (await readFile(join(actual, "data", "nested", "b.bin"))).equals(
      await readFile(join(expected, "data", "nested", "b.bin")),
    ),
  ).toBe(true);
  expect((await stat(join(actual, "data", "run.sh"))).mode & 0o111).not.toBe(0);
  expect(await readlink(join(actual, "data", "link-to-b"))).toBe("nested/b.bin");
}

/** Nothing but the archive is left beside the destination: no staging folder, no escaped file. */
async function expectNothingWritten(archiveName: string): Promise<void> {
  expect((await readdir(work)).sort()).toEqual([archiveName]);
  expect(existsSync(join(tmpdir(), "escaped.txt"))).toBe(false);
}

describe("extractArchive with real archives", () => {
  const tarFlags: Array<[string, string[]]> = [
    ["tree.tar", []],
    ["tree.tar.gz", ["-z"]],
    ["tree.tar.bz2", ["-j"]],
    ["tree.tar.xz", ["-J"]],
    ["tree.tar.zst", ["--zstd"]],
  ];

  it.each(tarFlags)("extracts %s written by tar", async (name, flags) => {
    const source = join(work, "source");
    await makeTree(source);
    execFileSync("tar", ["-c", ...flags, "-f", join(work, name), "-C", source, "data"]);
    const result = await extractArchive(join(work, name), join(work, "out"));
    await expectSameTree(source, join(work, "out"));
    expect(result.entries).toBeGreaterThanOrEqual(5);
    expect(result.bytes).toBe(70_000 + 6 + 18);
  });

  it("extracts a zip written by zip, symlink included", async () => {
    const source = join(work, "source");
    await makeTree(source);
    execFileSync("zip", ["-q", "-r", "-y", join(work, "tree.zip"), "data"], { cwd: source });
    await extractArchive(join(work, "tree.zip"), join(work, "out"));
    await expectSameTree(source, join(work, "out"));
  });

  it("detects formats from names and from first bytes", async () => {
    const source = join(work, "source");
    await makeTree(source);
    execFileSync("tar", ["-c", "-z", "-f", join(work, "mystery"), "-C", source, "data"]);
    expect(await detectFormat(join(work, "mystery"))).toBe("gzip");
    expect(await detectFormat("x.tar.zst")).toBe("tar.zstd");
    expect(stripCompressionSuffix("train.jsonl.gz")).toBe("train.jsonl");
    await extractArchive(join(work, "mystery"), join(work, "out"), { format: "tar.gzip" });
    await expectSameTree(source, join(work, "out"));
  });

  it("refuses to extract into a folder that has files", async () => {
    await writeTar(join(work, "a.tar"), [{ name: "x.txt", data: Buffer.from("x") }]);
    await mkdir(join(work, "out"));
    await writeFile(join(work, "out", "keep.txt"), "mine");
    await expect(extractArchive(join(work, "a.tar"), join(work, "out"))).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(await readFile(join(work, "out", "keep.txt"), "utf8")).toBe("mine");
  });

  it("reports a truncated archive as corrupt and keeps nothing", async () => {
    const source = join(work, "source");
    await makeTree(source);
    execFileSync("tar", ["-c", "-z", "-f", join(work, "full.tgz"), "-C", source, "data"]);
    const bytes = await readFile(join(work, "full.tgz"));
    await rm(source, { recursive: true });
    await rm(join(work, "full.tgz"));
    await writeFile(join(work, "cut.tgz"), bytes.subarray(0, bytes.length >> 1));
    await expect(extractArchive(join(work, "cut.tgz"), join(work, "out"))).rejects.toBeInstanceOf(
      CorruptArchiveError,
    );
    await expectNothingWritten("cut.tgz");
  });
});

/** How many of this process's file descriptors are open on `path`, once pending closes have run. */
async function descriptorsOpenOn(path: string): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const fds = await readdir("/proc/self/fd");
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => "")));
  return targets.filter((target) => target === path).length;
}

describe("extractArchive refuses entries that land outside the target", () => {
  const hostileTars: Array<[string, Parameters<typeof writeTar>[1]]> = [
    ["a ../ path", [{ name: "../escaped.txt", data: Buffer.from("x") }]],
    ["a deeper ../ path", [{ name: "ok/../../escaped.txt", data: Buffer.from("x") }]],
    ["an absolute path", [{ name: "/tmp/escaped.txt", data: Buffer.from("x") }]],
    ["an outward symlink", [{ name: "evil", type: "symlink", linkname: "../.." }]],
    ["an absolute symlink", [{ name: "evil", type: "symlink", linkname: "/etc" }]],
    ["a hardlink to an outside file", [{ name: "evil", type: "link", linkname: "../escaped.txt" }]],
    [
      "a symlink written through",
      [
        { name: "up", type: "symlink", linkname: ".." },
        { name: "up/escaped.txt", data: Buffer.from("x") },
      ],
    ],
    [
      "links that lead outside only once a later folder exists",
      [
        { name: "b", type: "symlink", linkname: "x/.." },
        { name: "x", type: "symlink", linkname: "d/.." },
        { name: "d", type: "directory" },
      ],
    ],
    [
      "a hardlink to an inward symlink, which means outward at its new place",
      [
        { name: "a", type: "directory" },
        { name: "a/s", type: "symlink", linkname: ".." },
        { name: "t", type: "link", linkname: "a/s" },
      ],
    ],
    [
      "a chain of links that is only lexically inside",
      [
        { name: "sub", type: "directory" },
        { name: "l", type: "symlink", linkname: "sub/.." },
        { name: "m", type: "symlink", linkname: "l/.." },
        { name: "m/escaped.txt", data: Buffer.from("x") },
      ],
    ],
  ];

  it.each(hostileTars)("tar with %s", async (_label, entries) => {
    await writeTar(join(work, "evil.tar"), entries);
    const error = await extractArchive(join(work, "evil.tar"), join(work, "out")).catch((e) => e);
    expect(error).toBeInstanceOf(UnsafeArchivePathError);
    expect(error.code).toBe("UnsafeArchivePath");
    await expectNothingWritten("evil.tar");
  });

  const hostileZips: Array<[string, Parameters<typeof buildZip>[0]]> = [
    ["a ../ path", [{ name: "../escaped.txt", data: Buffer.from("x") }]],
    ["an absolute path", [{ name: "/tmp/escaped.txt", data: Buffer.from("x") }]],
    ["a backslash path", [{ name: "..\\escaped.txt", data: Buffer.from("x") }]],
    ["an outward symlink", [{ name: "evil", data: Buffer.from("../../etc"), mode: 0o120777 }]],
    ["an absolute symlink", [{ name: "evil", data: Buffer.from("/etc/passwd"), mode: 0o120777 }]],
  ];

  it.each(hostileZips)("zip with %s", async (_label, entries) => {
    await writeFile(join(work, "evil.zip"), buildZip(entries));
    const error = await extractArchive(join(work, "evil.zip"), join(work, "out")).catch((e) => e);
    expect(error).toBeInstanceOf(UnsafeArchivePathError);
    await expectNothingWritten("evil.zip");
  });
});

describe("decompression bombs", () => {
  const limit = 256 * 2 ** 20;

  it("refuses a zip of ten 1 GiB entries (10 GiB inflated) before inflating", async () => {
    const bomb = zeroBombDeflate(GiB);
    const entries = Array.from({ length: 10 }, (_, i) => ({
      name: `zeros-${i}.bin`,
      deflated: { bytes: bomb, declaredSize: GiB * 2 ** 20 },
    }));
    await writeFile(join(work, "bomb.zip"), buildZip(entries));
    const error = await extractArchive(join(work, "bomb.zip"), join(work, "out"), { maxBytes: limit }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ArchiveTooLargeError);
    await expectNothingWritten("bomb.zip");
  });

  it("stops a zip entry that inflates far past the size it declares", async () => {
    const entries = [
      { name: "liar.bin", deflated: { bytes: zeroBombDeflate(10 * GiB), declaredSize: 1024 } },
    ];
    await writeFile(join(work, "liar.zip"), buildZip(entries));
    const error = await extractArchive(join(work, "liar.zip"), join(work, "out"), { maxBytes: limit }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(CorruptArchiveError);
    expect(error.message).toMatch(/too many bytes/);
    await expectNothingWritten("liar.zip");
  });

  it("refuses a tar.gz that inflates to 10 GiB", async () => {
    await writeTarGzBomb(join(work, "bomb.tar.gz"), 10, GiB);
    const error = await extractArchive(join(work, "bomb.tar.gz"), join(work, "out"), {
      maxBytes: limit,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ArchiveTooLargeError);
    await expectNothingWritten("bomb.tar.gz");
  });

  it("refuses a tar entry that declares more than the budget has left", async () => {
    await writeTarGzBomb(join(work, "two.tar.gz"), 2, 8);
    const error = await extractArchive(join(work, "two.tar.gz"), join(work, "out"), {
      maxBytes: 12 * 2 ** 20,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ArchiveTooLargeError);
    await expectNothingWritten("two.tar.gz");
  });

  it("stops an entry whose bytes outgrow the budget while streaming, whatever it declared", async () => {
    const target = await ExtractionTarget.create("stream.tar", join(work, "out"), 2 ** 20);
    async function* twoMebibytes() {
      for (let i = 0; i < 32; i++) yield Buffer.alloc(65_536);
    }
    const error = await target.file("big.bin", twoMebibytes()).catch((e) => e);
    expect(error).toBeInstanceOf(ArchiveTooLargeError);
    expect(target.written).toBeLessThanOrEqual(2 ** 20 + 65_536);
  });

  it("closes a tar.gz it could not finish", async () => {
    await writeTar(join(work, "inner.tar"), [{ name: "r.bin", data: randomBytes(4 * 2 ** 20) }]);
    execFileSync("gzip", ["-q", join(work, "inner.tar")]);
    const bytes = await readFile(join(work, "inner.tar.gz"));
    randomBytes(4096).copy(bytes, bytes.length >> 2);
    await writeFile(join(work, "inner.tar.gz"), bytes);
    const error = await extractArchive(join(work, "inner.tar.gz"), join(work, "out")).catch((e) => e);
    expect(error).toBeInstanceOf(CorruptArchiveError);
    expect(await descriptorsOpenOn(join(work, "inner.tar.gz"))).toBe(0);
  });

  it("stops a single .gz file that inflates to 10 GiB", async () => {
    await writeFile(join(work, "bomb.gz"), gzipWrap(zeroBombDeflate(10 * GiB), 10 * GiB * 2 ** 20));
    const error = await decompressFile(join(work, "bomb.gz"), join(work, "bomb"), {
      compression: "gzip",
      maxBytes: 64 * 2 ** 20,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ArchiveTooLargeError);
    await expectNothingWritten("bomb.gz");
  });
});

describe("decompressFile", () => {
  const tools: Array<[string, string, "gzip" | "bzip2" | "xz" | "zstd"]> = [
    ["gzip", ".gz", "gzip"],
    ["bzip2", ".bz2", "bzip2"],
    ["xz", ".xz", "xz"],
    ["zstd", ".zst", "zstd"],
  ];

  it.each(tools)("decompresses what %s writes", async (tool, suffix, compression) => {
    const original = Buffer.concat([randomBytes(300_000), Buffer.alloc(300_000, 7)]);
    await writeFile(join(work, "data.bin"), original);
    execFileSync(tool, ["-q", "-k", join(work, "data.bin")]);
    const size = await decompressFile(join(work, `data.bin${suffix}`), join(work, "copy.bin"), {
      compression,
    });
    expect(size).toBe(original.length);
    expect((await readFile(join(work, "copy.bin"))).equals(original)).toBe(true);
  });

  it.each(tools)(
    "closes the %s file it read when the data turns out corrupt",
    async (tool, suffix, compression) => {
      await writeFile(join(work, "big.bin"), randomBytes(4 * 2 ** 20));
      execFileSync(tool, ["-q", join(work, "big.bin")]);
      const packed = join(work, `big.bin${suffix}`);
      const bytes = await readFile(packed);
      randomBytes(4096).copy(bytes, bytes.length >> 2);
      await writeFile(packed, bytes);
      const error = await decompressFile(packed, join(work, "big.out"), { compression }).catch((e) => e);
      expect(error).toBeInstanceOf(CorruptArchiveError);
      expect(await descriptorsOpenOn(packed)).toBe(0);
    },
  );

  it("reports corrupt data and keeps no output", async () => {
    await writeFile(join(work, "bad.xz"), randomBytes(1000));
    await expect(
      decompressFile(join(work, "bad.xz"), join(work, "bad"), { compression: "xz" }),
    ).rejects.toBeInstanceOf(CorruptArchiveError);
    await expectNothingWritten("bad.xz");
  });
});
