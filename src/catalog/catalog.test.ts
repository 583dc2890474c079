/**
 * The catalog against a real HTTP server on 127.0.0.1 serving files and archives: the resource DAG
 * (transient archives, copies, states, resumes, checksums, mirrors, hostile archives), `prepare`'s
 * JSON, and the persisted search index.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildZip, writeTar } from "../../test/support/archives.js";
import { useFaultServer } from "../../test/support/fault-server.js";
import { useTempFolders } from "../../test/support/temp-folders.js";
import { ChecksumMismatchError, UnsafeArchivePathError } from "../core/errors.js";
import { sha256Hex } from "../core/hash.js";
import { Catalog } from "./catalog.js";
import { ChecksumRegistry } from "./checksums.js";
import { dependencyOrder } from "./dag.js";
import { data } from "./data/data.js";
import { defineDataset } from "./definition.js";
import { DefinitionError, ResourceError } from "./errors.js";
import { formatVariantId, parseVariantId, qualifiedId } from "./ids.js";
import { defineRepository, type Repository } from "./repository.js";
import { fileDownloader, tarDownloader, zipDownloader } from "./resources/downloaders.js";
import { custom, filesCopy } from "./resources/local.js";
import { readStates } from "./state-file.js";

const temp = useTempFolders("wharf-catalog-");
const fault = useFaultServer();

const TRAIN = Buffer.from("x,y\n1,2\n3,4\n");
const TEST = Buffer.from("x,y\n5,6\n");

async function tarGzOf(entries: Array<{ name: string; data: Buffer }>): Promise<Buffer> {
  const path = join(temp(), "archive.tar");
  await writeTar(path, entries);
  return gzipSync(await readFile(path));
}

function catalogWith(...repositories: Repository[]): Promise<Catalog> {
  return Catalog.open({ catalogDir: temp(), repositories, onlyGiven: true });
}

describe("ids", () => {
  it("make qualified ids from the source's domain, and one spelling per variant", () => {
    expect(qualifiedId("http://yann.lecun.com/exdb/mnist/", "mnist")).toBe("com.lecun.mnist");
    expect(qualifiedId("https://www.bbc.co.uk/data", "News")).toBe("uk.co.bbc.news");
    expect(parseVariantId("com.lecun.mnist[size=small, split=a]")).toEqual({
      id: "com.lecun.mnist",
      params: { size: "small", split: "a" },
    });
    expect(formatVariantId("x.y", { split: "a", size: "big" }, { size: "big" })).toBe("x.y[split=a]");
    expect(formatVariantId("x.y", { b: "2", a: "1" })).toBe("x.y[a=1,b=2]");
    expect(() => parseVariantId("Not An Id")).toThrow(/not a dataset id/);
  });

  it("refuse a resource cycle, naming it", () => {
    const step = (dependsOn: string[]) => custom({ dependsOn, make: async () => {} });
    expect(() => dependencyOrder({ a: step(["b"]), b: step(["c"]), c: step(["a"]) })).toThrow(
      DefinitionError,
    );
    expect(() => dependencyOrder({ a: step(["b"]), b: step(["c"]), c: step(["a"]) })).toThrow(
      "a -> b -> c -> a",
    );
    expect(() => dependencyOrder({ a: step(["missing"]) })).toThrow(/depends on missing/);
  });
});

describe("the resource DAG", () => {
  it("ends a transient archive and a copy of two of its files with only the copied files", async () => {
    const url = fault().serve(
      "/csv.tar.gz",
      await tarGzOf([
        { name: "bundle/data/train.csv", data: TRAIN },
        { name: "bundle/data/test.csv", data: TEST },
        { name: "bundle/README", data: Buffer.from("about\n") },
      ]),
    );
    const dataset = defineDataset({
      url: "https://example.org/",
      name: "csvs",
      resources: {
        archive: tarDownloader({ url, transient: true }),
        files: filesCopy({
          from: "archive",
          files: { "train.csv": "data/train.csv", "test.csv": "data/test.csv" },
        }),
      },
      prepare: (paths) => ({
        train: data.csv(join(paths.files, "train.csv")),
        test: data.csv(join(paths.files, "test.csv")),
      }),
    });
    const catalog = await catalogWith(defineRepository({ id: "test", definitions: [dataset] }));
    const prepared = await catalog.prepare("org.example.csvs");
    const folder = join(catalog.dir, "data", "test", "org", "example", "csvs");
    expect(prepared).toEqual({
      train: { path: join(folder, "files", "train.csv"), delimiter: ",", header: true },
      test: { path: join(folder, "files", "test.csv"), delimiter: ",", header: true },
      id: "org.example.csvs",
    });
    expect((await readdir(folder)).filter((name) => name !== ".state.lock").sort()).toEqual([
      ".state.json",
      "files",
    ]);
    expect((await readdir(join(folder, "files"))).sort()).toEqual(["test.csv", "train.csv"]);
    expect(Object.fromEntries(await readStates(folder))).toEqual({ archive: "none", files: "complete" });
    const { train } = dataset.prepare({ files: join(folder, "files") }, {}) as {
      train: { load(): Promise<unknown> };
    };
    await expect(train.load()).resolves.toMatchObject({ numRows: 2 });

    // A second run has nothing to do: the transient archive is not fetched again.
    const requests = fault().requestsFor("/csv.tar.gz").length;
    expect((await catalog.download("org.example.csvs")).made).toEqual([]);
    expect(fault().requestsFor("/csv.tar.gz")).toHaveLength(requests);
  });

  it("leaves a resource none on a checksum mismatch, saying which file", async () => {
    const url = fault().serve("/wrong.csv", TRAIN);
    const dataset = defineDataset({
      url: "https://example.org/",
      name: "wrong",
      resources: { table: fileDownloader({ url, checksum: { sha256: sha256Hex("something else") } }) },
    });
    const catalog = await catalogWith(defineRepository({ id: "test", definitions: [dataset] }));
    const failure = await catalog.download("org.example.wrong").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ResourceError);
    expect((failure as ResourceError).resource).toBe("table");
    expect((failure as Error).cause).toBeInstanceOf(ChecksumMismatchError);
    expect((failure as Error).message).toContain(url);
    const folder = join(catalog.dir, "data", "test", "org", "example", "wrong");
    expect(Object.fromEntries(await readStates(folder))).toEqual({ table: "none" });
    expect(existsSync(join(folder, "wrong.csv"))).toBe(false);
    expect(await readdir(join(folder, ".downloads")).catch(() => [])).toEqual([]);
  });

  it("falls through a dead mirror to a live one, and checks md5 after the download", async () => {
    const url = fault().serve("/alive/table.csv.gz", gzipSync(TRAIN));
    fault().serve("/dead/table.csv.gz", Buffer.alloc(0), {
      faults: Array(10).fill({ kind: "status", status: 404 }),
    });
    const md5 = (await import("node:crypto")).createHash("md5").update(gzipSync(TRAIN)).digest("hex");
    const dataset = defineDataset({
      url: "https://example.org/",
      name: "mirrored",
      resources: {
        table: fileDownloader({ url: [`${fault().url}/dead/table.csv.gz`, url], checksum: { md5 } }),
      },
    });
    const catalog = await catalogWith(defineRepository({ id: "test", definitions: [dataset] }));
    const { paths } = await catalog.download("org.example.mirrored");
    // Decompressed by its extension, under the name without it.
    expect(paths.table).toBe(join(catalog.dir, "data", "test", "org", "example", "mirrored", "table.csv"));
    expect(await readFile(paths.table as string)).toEqual(TRAIN);
  });

  it("refuses an archive that writes outside its folder", async () => {
    const url = fault().serve(
      "/evil.zip",
      buildZip([
        { name: "ok.txt", data: Buffer.from("ok") },
        { name: "../../escaped.txt", data: Buffer.from("no") },
      ]),
    );
    const dataset = defineDataset({
      url: "https://example.org/",
      name: "evil",
      resources: { files: zipDownloader({ url }) },
    });
    const catalog = await catalogWith(defineRepository({ id: "test", definitions: [dataset] }));
    const failure = await catalog.download("org.example.evil").catch((error: unknown) => error);
    expect((failure as Error).cause).toBeInstanceOf(UnsafeArchivePathError);
    const folder = join(catalog.dir, "data", "test", "org", "example", "evil");
    expect(Object.fromEntries(await readStates(folder))).toEqual({ files: "partial" });
    expect(existsSync(join(folder, "..", "escaped.txt"))).toBe(false);
    expect(existsSync(join(folder, "escaped.txt"))).toBe(false);
  });

  it("runs a complete resource again when its file went missing, and adopts files found without a state", async () => {
    const url = fault().serve("/adopt.csv", TRAIN);
    const dataset = defineDataset({
      url: "https://example.org/",
      name: "adopt",
      resources: { table: fileDownloader({ url }) },
    });
    const catalog = await catalogWith(defineRepository({ id: "test", definitions: [dataset] }));
    const { paths } = await catalog.download("org.example.adopt");
    const before = fault().requestsFor("/adopt.csv").length;
    await (await import("node:fs/promises")).rm(paths.table as string);
    expect((await catalog.download("org.example.adopt")).made).toEqual(["table"]);
    expect(fault().requestsFor("/adopt.csv")).toHaveLength(before + 1);

    const folder = join(catalog.dir, "data", "test", "org", "example", "adopt");
    await (await import("node:fs/promises")).rm(join(folder, ".state.json"));
    expect((await catalog.download("org.example.adopt")).made).toEqual([]);
    expect(Object.fromEntries(await readStates(folder))).toEqual({ table: "complete" });
  });

  it("keeps a download killed midway partial, and the next run finishes it without starting over", async () => {
    const body = Buffer.alloc(6 * 1024 * 1024, 7);
    const url = fault().serve("/slow.bin", body, { chunkDelayMs: 20 });
    const catalogDir = temp();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/support/catalog-child.ts", catalogDir, url],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        if (
          /bytes (\d+)/.test(chunk.toString()) &&
          Number(/bytes (\d+)/.exec(chunk.toString())?.[1]) > 1024 * 1024
        ) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.once("exit", (code) => reject(new Error(`the download ended (${code}) before it was killed`)));
    });
    await new Promise((resolve) => child.once("close", resolve));
    const folder = join(catalogDir, "data", "test", "org", "example", "slow");
    expect(Object.fromEntries(await readStates(folder))).toEqual({ blob: "partial" });
    const partial = (await stat(join(folder, ".downloads", "blob.incomplete"))).size;
    expect(partial).toBeGreaterThan(0);

    const sentBefore = fault().bytesSent.get("/slow.bin") ?? 0;
    const child2 = spawn(
      process.execPath,
      ["--import", "tsx", "test/support/catalog-child.ts", catalogDir, url],
      { stdio: "ignore" },
    );
    expect(await new Promise((resolve) => child2.once("exit", resolve))).toBe(0);
    expect(Object.fromEntries(await readStates(folder))).toEqual({ blob: "complete" });
    expect((await readFile(join(folder, "slow.bin"))).equals(body)).toBe(true);
    // The second run fetched only what the first had not written.
    expect((fault().bytesSent.get("/slow.bin") ?? 0) - sentBefore).toBe(body.length - partial);
  });

  it("records checksums in register mode, then holds downloads to them", async () => {
    const registryFile = join(temp(), "checksums.tsv");
    const url = fault().serve("/registered.csv", TRAIN);
    const dataset = defineDataset({
      url: "https://example.org/",
      name: "registered",
      resources: { table: fileDownloader({ url }) },
    });
    const repository = defineRepository({ id: "test", definitions: [dataset], checksumsFile: registryFile });
    const registering = await Catalog.open({
      catalogDir: temp(),
      repositories: [repository],
      onlyGiven: true,
      registerChecksums: true,
    });
    await registering.download("org.example.registered");
    expect(await readFile(registryFile, "utf8")).toBe(
      `${url} ${TRAIN.length} ${sha256Hex(TRAIN)} registered.csv\n`,
    );
    expect(await new ChecksumRegistry(registryFile).lookup(url)).toEqual({
      sha256: sha256Hex(TRAIN),
      size: TRAIN.length,
    });

    fault().serve("/registered.csv", Buffer.from("x,y\nchanged\n"));
    const checking = await catalogWith(repository);
    await expect(checking.download("org.example.registered")).rejects.toThrow(/sha256|bytes/);
  });
});

describe("prepare and search", () => {
  it("prints MNIST-shaped data as JSON of absolute paths with the id, and the IDX files read back", async () => {
    const idx = (code: number, shape: number[], bytes: Buffer) => {
      const header = Buffer.alloc(4 + 4 * shape.length);
      header.writeUInt8(code, 2);
      header.writeUInt8(shape.length, 3);
      for (const [i, size] of shape.entries()) header.writeUInt32BE(size, 4 + 4 * i);
      return gzipSync(Buffer.concat([header, bytes]));
    };
    const images = idx(0x08, [2, 2, 2], Buffer.from([0, 1, 2, 3, 4, 5, 6, 255]));
    const labels = idx(0x08, [2], Buffer.from([7, 3]));
    for (const name of ["train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"])
      fault().serve(`/mnist/${name}`, images);
    for (const name of ["train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz"])
      fault().serve(`/mnist/${name}`, labels);
    const file = (name: string, fileName: string) =>
      fileDownloader({ url: `${fault().url}/mnist/${name}`, fileName });
    const dataset = defineDataset({
      url: "http://yann.lecun.com/exdb/mnist/",
      name: "mnist",
      type: "ImageClassification",
      resources: {
        train_images: file("train-images-idx3-ubyte.gz", "train_images.idx"),
        train_labels: file("train-labels-idx1-ubyte.gz", "train_labels.idx"),
        test_images: file("t10k-images-idx3-ubyte.gz", "test_images.idx"),
        test_labels: file("t10k-labels-idx1-ubyte.gz", "test_labels.idx"),
      },
      prepare: (paths) => ({
        train: { images: data.idx(paths.train_images), labels: data.idx(paths.train_labels) },
        test: { images: data.idx(paths.test_images), labels: data.idx(paths.test_labels) },
      }),
    });
    const catalog = await catalogWith(defineRepository({ id: "image", definitions: [dataset] }));
    const prepared = await catalog.prepare("com.lecun.mnist");
    const folder = join(catalog.dir, "data", "image", "com", "lecun", "mnist");
    expect(JSON.stringify(prepared)).toBe(
      JSON.stringify({
        train: {
          images: { path: join(folder, "train_images.idx") },
          labels: { path: join(folder, "train_labels.idx") },
        },
        test: {
          images: { path: join(folder, "test_images.idx") },
          labels: { path: join(folder, "test_labels.idx") },
        },
        id: "com.lecun.mnist",
      }),
    );
    const tensor = await data.idx(join(folder, "train_images.idx")).read();
    expect(tensor).toMatchObject({ dtype: "uint8", shape: [2, 2, 2] });
    expect([...tensor.data]).toEqual([0, 1, 2, 3, 4, 5, 6, 255]);
  });

  it("answers searches from its persisted index without importing the repositories again", async () => {
    const catalogDir = temp();
    const module = join(temp(), "catalog.mjs");
    const source = new URL("./index.ts", import.meta.url).href;
    const text = [
      `import { defineDataset, defineRepository, fileDownloader } from ${JSON.stringify(source)};`,
      "export default defineRepository({ id: 'local', definitions: [",
      "  defineDataset({ url: 'https://text.example.com/', name: 'reviews', tags: ['text', 'sentiment'], tasks: ['classification'], type: 'Csv', resources: { f: fileDownloader({ url: 'https://text.example.com/r.csv' }) } }),",
      "  defineDataset({ url: 'https://text.example.com/', name: 'wiki', tags: ['text'], variants: { lang: { default: 'en' } }, resources: {} }),",
      "]});",
    ].join("\n");
    await writeFile(module, text);
    await writeFile(join(catalogDir, "config.json"), JSON.stringify({ repositories: [module] }));
    const first = await Catalog.open({ catalogDir, cwd: temp() });
    expect((await first.search(["tag:sentiment"])).map((entry) => entry.id)).toEqual(["com.example.reviews"]);

    // The module now throws if imported; same size and time, so the index still stands for it.
    const { mtime } = await stat(module);
    await writeFile(module, `throw new Error("imported");`.padEnd(Buffer.byteLength(text), " "));
    await utimes(module, mtime, mtime);
    const second = await Catalog.open({ catalogDir, cwd: temp() });
    expect((await second.search(["tag:^text$", "repo:^local$"])).map((entry) => entry.id).sort()).toEqual([
      "com.example.reviews",
      "com.example.wiki",
    ]);
    expect((await second.search(["task:classif", "rev"])).map((entry) => entry.id)).toEqual([
      "com.example.reviews",
    ]);
    expect(await second.search(["tag:image", "repo:local"])).toEqual([]);
    // The built-in repository is indexed too.
    expect((await second.search(["mnist"])).map((entry) => entry.id)).toEqual([
      "com.lecun.mnist",
      "com.zalando.fashion-mnist",
    ]);
  });
});
