import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VEGA_DATA } from "../../scripts/sample-repos.js";
import { lfsPointerText } from "../core/hash.js";
import type { ProgressEvent } from "../core/progress.js";
import type { RepoId } from "../hub/repo-id.js";
import { RefMovedError } from "./errors.js";
import { importFolder } from "./import-folder.js";
import { RepoStore } from "./store/repo-store.js";
import { RepoTree } from "./store/repo-tree.js";

let work: string;
let folder: string;
let store: RepoStore;
const repo: RepoId = { type: "dataset", namespace: "vega", name: "mixed" };
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "wharf-import-"));
  folder = join(work, "mixed");
  await mkdir(join(folder, "data", "nested"), { recursive: true });
  await cp(join(VEGA_DATA, "flights-3m.parquet"), join(folder, "data", "train.parquet"));
  await cp(join(VEGA_DATA, "seattle-weather.csv"), join(folder, "data", "weather.csv"));
  await cp(join(VEGA_DATA, "cars.json"), join(folder, "data", "nested", "cars.json"));
  await writeFile(join(folder, "README.md"), "# mixed\n");
  await writeFile(join(folder, "empty.txt"), "");
  // A symlink is imported as the file it points to; git's own folder is not imported.
  await symlink(join(VEGA_DATA, "penguins.json"), join(folder, "penguins.json"));
  await mkdir(join(folder, ".git"));
  await writeFile(join(folder, ".git", "HEAD"), "ref: refs/heads/main\n");
  store = RepoStore.inFolder(join(work, "store"), { metadataTtlMs: 0 });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("importFolder", () => {
  it("commits a folder's files with their hashes and LFS flags, storing each content once", async () => {
    const events: ProgressEvent[] = [];
    const first = await importFolder(store, folder, repo, {
      title: "First",
      onProgress: (event) => events.push(event),
    });
    expect(first.createdRepo).toBe(true);
    const fileCount = Object.keys(first.commit.files).length;
    expect(events.at(-1)).toEqual({
      id: "vega/mixed",
      phase: "files",
      done: fileCount,
      total: fileCount,
      finished: true,
    });
    const { files } = first.commit;
    expect(Object.keys(files)).toEqual([
      "README.md",
      "data/nested/cars.json",
      "data/train.parquet",
      "data/weather.csv",
      "empty.txt",
      "penguins.json",
    ]);
    const parquet = await readFile(join(folder, "data", "train.parquet"));
    expect(files["data/train.parquet"]).toMatchObject({
      size: parquet.length,
      sha256: sha256(parquet),
      lfs: true,
    });
    expect(files["data/weather.csv"]?.lfs).toBe(false);
    const csv = await readFile(join(folder, "data", "weather.csv"));
    expect(files["data/weather.csv"]?.gitOid).toBe(
      execFileSync("git", ["hash-object", join(folder, "data", "weather.csv")])
        .toString()
        .trim(),
    );
    expect(files["data/weather.csv"]?.sha256).toBe(sha256(csv));
    expect(first.newBlobs).toBe(6);
    expect((await store.readBlobBytes(sha256(parquet)))?.equals(parquet)).toBe(true);

    const second = await importFolder(store, folder, repo, { title: "Second" });
    expect(second.newBlobs).toBe(0);
    expect(second.createdRepo).toBe(false);
    expect(second.commit.parents).toEqual([first.commit.id]);
    expect(await store.resolveRevision(repo, "main")).toBe(second.commit.id);
    expect((await store.history(repo, second.commit.id, 0, 10)).map((c) => c.title)).toEqual([
      "Second",
      "First",
    ]);
  });

  it("gives folders and commits the ids git gives them", async () => {
    const head = await store.resolveRevision(repo, "main");
    const commit = head ? await store.getCommit(repo, head) : undefined;
    if (!commit) throw new Error("no commit");
    // The same files in a real git repo, LFS files as their pointer text.
    const git = join(work, "git");
    await rm(git, { recursive: true, force: true });
    await mkdir(git);
    const run = (args: string[], env: Record<string, string> = {}) =>
      execFileSync("git", args, { cwd: git, env: { ...process.env, ...env } })
        .toString()
        .trim();
    run(["init", "-q"]);
    for (const [path, file] of Object.entries(commit.files)) {
      await mkdir(join(git, path, ".."), { recursive: true });
      const bytes = file.lfs ? lfsPointerText(file.sha256, file.size) : await readFile(join(folder, path));
      await writeFile(join(git, path), bytes);
    }
    run(["add", "-A"]);
    const tree = run(["write-tree"]);
    const view = new RepoTree(commit.files);
    expect(view.directoryOid("")).toBe(tree);
    expect(view.directoryOid("data/nested")).toBe(run(["rev-parse", `${tree}:data/nested`]));
    // Both commits of the history hold these files; git must give each the id the store did.
    for (const past of (await store.history(repo, commit.id, 0, 10)).reverse()) {
      const seconds = Math.floor(Date.parse(past.date) / 1000);
      const person = (role: string) => ({
        [`GIT_${role}_NAME`]: past.author,
        [`GIT_${role}_EMAIL`]: `${past.author}@users.noreply.wharf`,
        [`GIT_${role}_DATE`]: `@${seconds} +0000`,
      });
      const parents = past.parents.flatMap((parent) => ["-p", parent]);
      const id = run(["commit-tree", tree, ...parents, "-m", past.title], {
        ...person("AUTHOR"),
        ...person("COMMITTER"),
      });
      expect(id).toBe(past.id);
    }
  });

  it("resolves branches, tags, HEAD, full and short commit ids", async () => {
    const head = (await store.resolveRevision(repo, "main")) as string;
    await store.setRef(repo, "tags", "v1.0", undefined, head);
    expect(await store.resolveRevision(repo, "HEAD")).toBe(head);
    expect(await store.resolveRevision(repo, "v1.0")).toBe(head);
    expect(await store.resolveRevision(repo, "refs/tags/v1.0")).toBe(head);
    expect(await store.resolveRevision(repo, "refs/heads/main")).toBe(head);
    expect(await store.resolveRevision(repo, head)).toBe(head);
    expect(await store.resolveRevision(repo, head.slice(0, 7))).toBe(head);
    expect(await store.resolveRevision(repo, "0".repeat(40))).toBeUndefined();
    expect(await store.resolveRevision(repo, "nope")).toBeUndefined();
    expect(await store.refs(repo)).toEqual({
      branches: { main: head },
      tags: { "v1.0": head },
      pullRequests: {},
    });
  });

  it("starts a new branch from the default branch and leaves main where it was", async () => {
    const main = await store.resolveRevision(repo, "main");
    const changed = join(work, "changed");
    await mkdir(changed);
    await writeFile(join(changed, "only.txt"), "one file\n");
    const result = await importFolder(store, changed, repo, { branch: "dev" });
    expect(result.commit.parents).toEqual([main]);
    expect(Object.keys(result.commit.files)).toEqual(["only.txt"]);
    expect(await store.resolveRevision(repo, "dev")).toBe(result.commit.id);
    expect(await store.resolveRevision(repo, "main")).toBe(main);
  });

  it("imports files named like object properties, skips nested .git, and refuses a dangling symlink", async () => {
    const odd = join(work, "odd");
    await mkdir(join(odd, "sub", ".git"), { recursive: true });
    await writeFile(join(odd, "__proto__"), "p\n");
    await writeFile(join(odd, "constructor"), "c\n");
    await writeFile(join(odd, "sub", ".git", "config"), "[core]\n");
    await writeFile(join(odd, "sub", "empty.parquet"), "");
    const oddRepo: RepoId = { type: "dataset", namespace: "vega", name: "odd" };
    const { commit } = await importFolder(store, odd, oddRepo);
    expect(Object.keys(commit.files).sort()).toEqual(["__proto__", "constructor", "sub/empty.parquet"]);
    expect(Object.hasOwn(commit.files, "__proto__")).toBe(true);
    expect(commit.files["sub/empty.parquet"]).toMatchObject({
      lfs: false,
      gitOid: "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391",
    });
    await symlink(join(odd, "gone"), join(odd, "dangling"));
    await expect(importFolder(store, odd, oddRepo)).rejects.toThrow(/symlink to nothing/);
  });

  it("keeps few commits in memory when told, and reads each once however many ask at once", async () => {
    const small = new RepoStore(store.objects, { cachedFiles: 1 });
    const head = (await small.resolveRevision(repo, "main")) as string;
    const [a, b] = await Promise.all([small.commitView(repo, head), small.commitView(repo, head)]);
    expect(a).toBe(b);
    const parent = a?.commit.parents[0] as string;
    const older = await small.commitView(repo, parent);
    expect(older?.commit.id).toBe(parent);
    // The first was evicted to stay within one commit's files, and comes back equal but new.
    const again = await small.commitView(repo, head);
    expect(again).not.toBe(a);
    expect(again?.commit).toEqual(a?.commit);
  });

  it("refuses to move a branch that moved meanwhile, and changes nothing", async () => {
    const main = (await store.resolveRevision(repo, "main")) as string;
    const commit = await store.getCommit(repo, main);
    const draft = {
      parents: [main],
      author: "someone",
      date: new Date().toISOString(),
      title: "Late",
      message: "",
      files: commit?.files ?? {},
    };
    const stale = commit?.parents[0];
    await expect(store.commit(repo, "main", draft, stale)).rejects.toBeInstanceOf(RefMovedError);
    expect(await store.resolveRevision(repo, "main")).toBe(main);
  });
});
