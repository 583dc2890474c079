/** wharf's commit client against a real wharf server: inline and LFS files, deletions, a stale parent, folders. */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import {
  createBranch as hfCreateBranch,
  createRepo as hfCreateRepo,
  deleteFile as hfDeleteFile,
  uploadFiles as hfUploadFiles,
} from "@huggingface/hub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect } from "../../test/support/collect.js";
import { ALICE, BOB, type SampleHub, startSampleHub } from "../../test/support/sample-hub.js";
import { AbortedError, BadRequestError, ForbiddenError, PreconditionFailedError } from "../core/errors.js";
import { gitBlobOid } from "../core/hash.js";
import { HttpClient, type HttpResponse, type RequestOptions } from "../core/http/client.js";
import type { ProgressEvent } from "../core/progress.js";
import {
  type CreateCommitOptions,
  createCommit,
  prepareCommit,
  sendCommit,
  uploadFile,
} from "./create-commit.js";
import { getPathsInfo } from "./get-paths-info.js";
import { hfHubDownload } from "./hf-hub-download.js";
import { listRepoCommits } from "./list-repo-commits.js";
import { listRepoFiles } from "./list-repo-files.js";
import { repoInfo } from "./repo-info.js";
import { uploadFolder } from "./upload-folder.js";

let hub: SampleHub;
let work: string;
const repo = { repoId: "team/secret-data", repoType: "dataset" as const };

// This file's temporary files (streams spooled, upload parts on the server) go to a folder of its
// own, so a test can count them and nothing is left behind.
const systemTemp = process.env.TMPDIR;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "wharf-commit-"));
  process.env.TMPDIR = await mkdtemp(join(work, "tmp-"));
  hub = await startSampleHub();
});
afterAll(async () => {
  await hub.close();
  if (systemTemp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = systemTemp;
  await rm(work, { recursive: true, force: true });
});

describe("createCommit", () => {
  it("adds inline and LFS files and deletes others in one commit", async () => {
    const api = { endpoint: hub.url, token: ALICE, ...repo };
    const weights = randomBytes(12 * 2 ** 20);
    const more = randomBytes(17 * 2 ** 20);
    const weightsPath = join(work, "weights.bin");
    await writeFile(weightsPath, weights);
    const before = (await repoInfo(api)).sha;
    const result = await createCommit({
      ...api,
      commitMessage: "Weights and a note",
      parentCommit: before,
      operations: [
        { type: "add", pathInRepo: "README.md", content: "---\nlicense: mit\n---\n# Secret\n" },
        { type: "add", pathInRepo: "model/weights.bin", file: weightsPath },
        { type: "add", pathInRepo: "tables/part.parquet", content: new Uint8Array([80, 65, 82, 49]) },
        // Over one 8 MiB part each: both go up in parts (from a file above, from bytes here).
        { type: "add", pathInRepo: "model/more.bin", content: more },
        { type: "delete", pathInRepo: "data.csv" },
      ],
    });
    expect(result.oid).toBe((await repoInfo(api)).sha);
    expect(result.commitUrl).toBe(`${hub.url}/datasets/team/secret-data/commit/${result.oid}`);
    expect((await listRepoFiles(api)).sort()).toEqual([
      "README.md",
      "model/more.bin",
      "model/weights.bin",
      "tables/part.parquet",
    ]);
    const info = await repoInfo({ ...api, filesMetadata: true });
    const stored = info.siblings.find((file) => file.rfilename === "model/weights.bin");
    expect(stored?.lfs?.sha256).toBe(createHash("sha256").update(weights).digest("hex"));
    expect(info.siblings.find((file) => file.rfilename === "tables/part.parquet")?.lfs).toBeDefined();
    const cacheDir = join(work, "cache");
    const back = await hfHubDownload({ ...api, filename: "model/weights.bin", cacheDir });
    expect((await readFile(back)).equals(weights)).toBe(true);
    const moreBack = await hfHubDownload({ ...api, filename: "model/more.bin", cacheDir });
    expect((await readFile(moreBack)).equals(more)).toBe(true);

    // The same commit's parent again: the branch has moved, so the Hub refuses it.
    await expect(
      uploadFile({ ...api, pathInRepo: "late.txt", content: "late", parentCommit: before }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    const folder = await createCommit({
      ...api,
      commitMessage: "Drop tables",
      operations: [{ type: "delete", pathInRepo: "tables", isFolder: true }],
    });
    expect((await listRepoFiles({ ...api, revision: folder.oid })).sort()).toEqual([
      "README.md",
      "model/more.bin",
      "model/weights.bin",
    ]);
  });

  it("copies files: LFS ones by reference, regular ones through their bytes", async () => {
    const api = { endpoint: hub.url, token: ALICE, ...repo };
    const before = await getPathsInfo({ ...api, paths: ["model/weights.bin", "README.md"] });
    await createCommit({
      ...api,
      commitMessage: "Copies",
      operations: [
        { type: "copy", srcPathInRepo: "model/weights.bin", pathInRepo: "copies/weights.bin" },
        { type: "copy", srcPathInRepo: "README.md", pathInRepo: "copies/README.md" },
      ],
    });
    const after = await getPathsInfo({ ...api, paths: ["copies/weights.bin", "copies/README.md"] });
    const oidOf = (entries: typeof before, path: string) => {
      const entry = entries.find((candidate) => candidate.path === path);
      return entry?.type === "file" ? (entry.lfs?.oid ?? entry.oid) : undefined;
    };
    expect(oidOf(after, "copies/weights.bin")).toBe(oidOf(before, "model/weights.bin"));
    expect(oidOf(after, "copies/README.md")).toBe(oidOf(before, "README.md"));
    await expect(
      createCommit({
        ...api,
        commitMessage: "x",
        operations: [{ type: "copy", srcPathInRepo: "absent.bin", pathInRepo: "x.bin" }],
      }),
    ).rejects.toThrow(/cannot be copied/);
  });

  it("adds files from streams, and leaves no temporary file behind, whether the commit is made or not", async () => {
    const api = { endpoint: hub.url, token: ALICE, ...repo };
    const spooledNow = async () =>
      (await readdir(tmpdir())).filter((name) => name.startsWith("wharf-stream-"));
    const leftBefore = await spooledNow();
    // Over 10 MB, so it goes through LFS, in parts; from a web stream, the small one from a Node stream.
    const big = randomBytes(12 * 2 ** 20 + 5);
    const made = await createCommit({
      ...api,
      commitMessage: "From streams",
      operations: [
        {
          type: "add",
          pathInRepo: "streams/notes.txt",
          stream: Readable.from([Buffer.from("first, "), Buffer.from("then")]),
        },
        { type: "add", pathInRepo: "streams/big.bin", stream: new Blob([big]).stream() },
      ],
    });
    expect(made.oid).toBe((await repoInfo(api)).sha);
    const cacheDir = join(work, "stream-cache");
    const notes = await hfHubDownload({ ...api, filename: "streams/notes.txt", cacheDir });
    expect(await readFile(notes, "utf8")).toBe("first, then");
    expect(
      (await readFile(await hfHubDownload({ ...api, filename: "streams/big.bin", cacheDir }))).equals(big),
    ).toBe(true);
    const [stored] = await getPathsInfo({ ...api, paths: ["streams/big.bin"] });
    expect(stored?.type === "file" && stored.lfs?.oid).toBe(createHash("sha256").update(big).digest("hex"));
    expect(await spooledNow()).toEqual(leftBefore);

    // A stream that fails midway, beside one that is fine: no commit, no file left.
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000));
        this.destroy(new Error("the source went away"));
      },
    });
    await expect(
      createCommit({
        ...api,
        commitMessage: "Half a stream",
        operations: [
          { type: "add", pathInRepo: "streams/ok.txt", stream: Readable.from([Buffer.from("ok")]) },
          { type: "add", pathInRepo: "streams/broken.bin", stream: failing },
        ],
      }),
    ).rejects.toThrow(/the source went away/);
    // Text instead of bytes is refused with what to do.
    await expect(
      uploadFile({ ...api, pathInRepo: "streams/text.txt", stream: Readable.from(["some text"]) }),
    ).rejects.toThrow(/gave text, not bytes/);
    expect((await repoInfo(api)).sha).toBe(made.oid);
    expect(await spooledNow()).toEqual(leftBefore);
  });

  it("sends several LFS files at once, and after a refused commit, run again, sends none of them again", async () => {
    const api = { endpoint: hub.url, token: ALICE, ...repo };
    // Counts the uploads (PUTs) as wharf's own client makes them, and the most under way at once.
    let puts = 0;
    let running = 0;
    let most = 0;
    class CountingClient extends HttpClient {
      override async request(url: string | URL, options: RequestOptions = {}): Promise<HttpResponse> {
        if (options.method !== "PUT") return super.request(url, options);
        puts++;
        most = Math.max(most, ++running);
        try {
          return await super.request(url, options);
        } finally {
          running--;
        }
      }
    }
    const client = new CountingClient();
    const files = Array.from({ length: 6 }, (_, n) => ({
      path: `batch/${n}.bin`,
      bytes: randomBytes(2 ** 20 + n),
    }));
    // The first file's bytes again under a second path: one object, sent once.
    const again = { path: "batch/again.bin", bytes: files[0]?.bytes as Buffer };
    const operations = [...files, again].map(({ path, bytes }) => ({
      type: "add" as const,
      pathInRepo: path,
      content: bytes,
    }));
    // The files go up, then the commit is refused (its parent is stale): as if the client had died there.
    await expect(
      createCommit({ ...api, client, operations, commitMessage: "x", parentCommit: "0".repeat(40) }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(puts).toBe(files.length);
    expect(most).toBeGreaterThan(1);
    puts = 0;
    const made = await createCommit({ ...api, client, operations, commitMessage: "Seven paths" });
    expect(puts).toBe(0);
    expect(made.oid).toBe((await repoInfo(api)).sha);
    const stored = await getPathsInfo({ ...api, paths: [...files, again].map((file) => file.path) });
    expect(stored.map((entry) => (entry.type === "file" ? entry.lfs?.oid : undefined)).sort()).toEqual(
      [...files, again].map((file) => createHash("sha256").update(file.bytes).digest("hex")).sort(),
    );
  });

  it("leaves the branch as it was when an upload is cut midway or a file changes under it", async () => {
    const api = { endpoint: hub.url, token: ALICE, ...repo };
    const head = (await repoInfo(api)).sha;
    const path = join(work, "cut.bin");
    await writeFile(path, randomBytes(5 * 8 * 2 ** 20)); // five parts
    const commit = (extra: Partial<CreateCommitOptions> = {}): CreateCommitOptions => ({
      ...api,
      commitMessage: "Cut",
      operations: [{ type: "add", pathInRepo: "cut/big.bin", file: path }],
      ...extra,
    });
    // The client dies after its first part: nothing is committed.
    const stop = new AbortController();
    await expect(
      createCommit(
        commit({
          signal: stop.signal,
          onProgress: (event) => {
            if (event.phase === "upload") stop.abort();
          },
        }),
      ),
    ).rejects.toBeInstanceOf(AbortedError);
    expect((await repoInfo(api)).sha).toBe(head);
    // The file changes between its hashing and its upload: the server refuses the bytes.
    const prepared = await prepareCommit(commit());
    await writeFile(path, randomBytes(5 * 8 * 2 ** 20));
    await expect(sendCommit(commit(), prepared)).rejects.toBeInstanceOf(BadRequestError);
    expect((await repoInfo(api)).sha).toBe(head);
    // Run again, it goes through, with the file as it is now; the file's hashing is reported first.
    const events: ProgressEvent[] = [];
    const made = await createCommit(commit({ onProgress: (event) => events.push(event) }));
    expect(events[0]?.phase).toBe("hash");
    expect(events.filter((event) => event.phase === "hash").at(-1)).toEqual({
      id: "cut/big.bin",
      phase: "hash",
      done: 5 * 8 * 2 ** 20,
      total: 5 * 8 * 2 ** 20,
      finished: true,
    });
    expect(events.at(-1)).toMatchObject({ phase: "upload", done: 5 * 8 * 2 ** 20, finished: true });
    const [stored] = await getPathsInfo({ ...api, paths: ["cut/big.bin"] });
    expect(stored?.type === "file" && stored.lfs?.oid).toBe(
      createHash("sha256")
        .update(await readFile(path))
        .digest("hex"),
    );
    expect(made.oid).toBe((await repoInfo(api)).sha);
  });

  it("is refused for a token that may not write", async () => {
    await expect(
      uploadFile({
        endpoint: hub.url,
        token: ALICE,
        repoId: "vega/seattle-weather",
        repoType: "dataset",
        pathInRepo: "x.txt",
        content: "x",
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      uploadFile({
        endpoint: hub.url,
        token: BOB,
        repoId: "vega/seattle-weather",
        repoType: "dataset",
        pathInRepo: "x.txt",
        content: "x",
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("uploadFolder", () => {
  it("uploads what the patterns select, sends nothing twice, deletes by pattern, and splits commits", async () => {
    const api = { endpoint: hub.url, token: ALICE, ...repo };
    const folder = join(work, "folder");
    for (const [path, text] of [
      ["a.txt", "a"],
      ["sub/b.json", "{}"],
      ["sub/c.json", "[]"],
      ["scratch.tmp", "x"],
      [".git/config", "[core]"],
      [".cache/huggingface/upload/a.txt.metadata", "x"],
    ] as const) {
      await mkdir(join(folder, dirname(path)), { recursive: true });
      await writeFile(join(folder, path), text);
    }
    const first = await uploadFolder({
      ...api,
      folderPath: folder,
      pathInRepo: "up",
      ignorePatterns: "*.tmp",
      maxFilesPerCommit: 2,
    });
    const files = (await listRepoFiles(api)).filter((path) => path.startsWith("up/")).sort();
    expect(files).toEqual(["up/a.txt", "up/sub/b.json", "up/sub/c.json"]);
    const history = await collect(listRepoCommits(api));
    expect(history.slice(0, 2).map((commit) => commit.title)).toEqual([
      "Upload folder using wharf (part 2 of 2)",
      "Upload folder using wharf (part 1 of 2)",
    ]);
    // Again: every file is there, so no commit is made.
    const again = await uploadFolder({
      ...api,
      folderPath: folder,
      pathInRepo: "up",
      ignorePatterns: "*.tmp",
    });
    expect(again.oid).toBe(first.oid);
    // A remote file the patterns name goes; an uploaded one stays.
    await uploadFile({ ...api, pathInRepo: "up/old.txt", content: "old" });
    await uploadFolder({
      ...api,
      folderPath: folder,
      pathInRepo: "up",
      ignorePatterns: "*.tmp",
      deletePatterns: "*.txt",
    });
    expect((await listRepoFiles(api)).filter((path) => path.startsWith("up/")).sort()).toEqual(files);
  });
});

describe("@huggingface/hub writing, wharf reading", () => {
  it("reads back what createRepo, uploadFiles, createBranch and deleteFile wrote: the same bytes and oids", async () => {
    const hfRepo = { type: "dataset" as const, name: "alice/from-js" };
    const hf = { hubUrl: hub.url, accessToken: ALICE };
    await hfCreateRepo({ ...hf, repo: hfRepo });
    const api = { endpoint: hub.url, token: ALICE, repoId: "alice/from-js", repoType: "dataset" as const };
    const lfs = randomBytes(20 * 2 ** 20); // 20 MB: one LFS upload in three parts
    const bigger = randomBytes(30 * 2 ** 20);
    const text = "plain text\n";
    await hfUploadFiles({
      ...hf,
      repo: hfRepo,
      files: [
        { path: "js/lfs.bin", content: new Blob([lfs]) },
        { path: "js/bigger.bin", content: new Blob([bigger]) },
        { path: "js/readme.txt", content: new Blob([text]) },
      ],
    });
    const infos = await getPathsInfo({ ...api, paths: ["js/lfs.bin", "js/bigger.bin", "js/readme.txt"] });
    const byPath = new Map(infos.map((entry) => [entry.path, entry]));
    const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
    expect(byPath.get("js/lfs.bin")).toMatchObject({ size: lfs.length, lfs: { oid: sha(lfs) } });
    expect(byPath.get("js/bigger.bin")).toMatchObject({ size: bigger.length, lfs: { oid: sha(bigger) } });
    expect(byPath.get("js/readme.txt")).toMatchObject({ oid: gitBlobOid(text) });
    const cacheDir = join(work, "js-cache");
    const readBack = async (path: string, revision?: string) =>
      readFile(await hfHubDownload({ ...api, filename: path, cacheDir, revision }));
    expect((await readBack("js/lfs.bin")).equals(lfs)).toBe(true);
    expect((await readBack("js/bigger.bin")).equals(bigger)).toBe(true);
    expect((await readBack("js/readme.txt")).toString()).toBe(text);

    // A branch made by @huggingface/hub keeps the file its deleteFile then removes from main.
    await hfCreateBranch({ ...hf, repo: hfRepo, branch: "before-delete" });
    await hfDeleteFile({ ...hf, repo: hfRepo, path: "js/readme.txt" });
    expect((await listRepoFiles(api)).sort()).toEqual([".gitattributes", "js/bigger.bin", "js/lfs.bin"]);
    expect((await readBack("js/readme.txt", "before-delete")).toString()).toBe(text);
  });
});
