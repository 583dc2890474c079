/**
 * `transferRepos` between a folder store and an S3 store (moto), both ways: only what is missing is
 * sent, a push killed midway leaves nothing half-visible and finishes when run again, a damaged blob
 * is found, and refs move forward only.
 */
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { useMoto } from "../../test/support/moto.js";
import { useTempFolders } from "../../test/support/temp-folders.js";
import type { RepoId } from "../hub/repo-id.js";
import { CorruptBlobError } from "./errors.js";
import { importFolder } from "./import-folder.js";
import { blobKey } from "./store/keys.js";
import { RepoStore } from "./store/repo-store.js";
import type { S3ObjectStore } from "./store/s3-object-store.js";
import { syncStores, transferRepos } from "./transfer.js";

const moto = useMoto();
const temp = useTempFolders("wharf-transfer-");
const DATA: RepoId = { type: "dataset", namespace: "team", name: "data" };
const MODEL: RepoId = { type: "model", namespace: "team", name: "model" };
let buckets = 0;

/** A folder with `count` small files, the first of them shared by every folder made here. */
async function folderOf(count: number, tag: string): Promise<string> {
  const folder = temp();
  await mkdir(join(folder, "parts"));
  await writeFile(join(folder, "shared.txt"), "the same in every repo\n");
  for (let i = 0; i < count; i++) await writeFile(join(folder, "parts", `${i}.txt`), `${tag} ${i}\n`);
  return folder;
}

async function folderStore(): Promise<RepoStore> {
  return RepoStore.inFolder(join(temp(), "store"), { metadataTtlMs: 0 });
}

async function s3Store(): Promise<{ store: RepoStore; address: string; s3: S3ObjectStore }> {
  const name = `transfer-${++buckets}`;
  const s3 = moto.current.store(await moto.current.bucket(name, "hub"));
  return { store: new RepoStore(s3, { metadataTtlMs: 0 }), address: `s3://${name}/hub`, s3 };
}

async function blobCount(store: RepoStore): Promise<number> {
  let count = 0;
  for await (const _ of store.objects.list("blobs/")) count++;
  return count;
}

describe("transferRepos", () => {
  it("pushes a folder store to S3 and back, sending each blob once and nothing twice", async () => {
    const local = await folderStore();
    const data = await importFolder(local, await folderOf(5, "data"), DATA, { private: true });
    const model = await importFolder(local, await folderOf(3, "model"), MODEL);
    await local.setRef(DATA, "tags", "v1", undefined, data.commit.id);
    const { store: remote } = await s3Store();

    const pushed = await transferRepos(local, remote);
    expect(pushed.repos.sort()).toEqual(["dataset/team/data", "model/team/model"]);
    // 5 + 3 distinct parts, and the shared file once.
    expect(pushed.blobsCopied).toBe(9);
    expect(await blobCount(remote)).toBe(9);
    expect(pushed.conflicts).toEqual([]);
    expect(await remote.refs(DATA)).toEqual({
      branches: { main: data.commit.id },
      tags: { v1: data.commit.id },
      pullRequests: {},
    });
    expect((await remote.getRepo(DATA))?.private).toBe(true);
    expect(await remote.getRepo(DATA)).toEqual(await local.getRepo(DATA));

    const again = await transferRepos(local, remote);
    expect({ blobs: again.blobsCopied, commits: again.commitsCopied, refs: again.refsUpdated }).toEqual({
      blobs: 0,
      commits: 0,
      refs: [],
    });

    const back = await folderStore();
    const pulled = await transferRepos(remote, back);
    expect(pulled.blobsCopied).toBe(9);
    expect(await back.getCommit(MODEL, model.commit.id)).toEqual(model.commit);
    const blob = back.blobPath(model.commit.files["shared.txt"]?.sha256 as string) as string;
    const { readFile } = await import("node:fs/promises");
    expect(await readFile(blob, "utf8")).toBe("the same in every repo\n");
  });

  it("shows nothing of a push killed midway, and finishes it when run again", async () => {
    const local = await folderStore();
    await importFolder(local, await folderOf(120, "many"), DATA);
    const { store: remote, address } = await s3Store();

    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/support/transfer-child.ts", local.objects.location, address],
      {
        env: { ...process.env, ...moto.current.env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      child.stdout.on("data", (chunk) => {
        seen += chunk;
        const done = Math.max(0, ...[...seen.matchAll(/blobs (\d+)/g)].map((match) => Number(match[1])));
        if (done >= 30) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.once("exit", (code) => reject(new Error(`the push ended (${code}) before it was killed`)));
    });
    await new Promise((resolve) => child.once("close", resolve));

    const sent = await blobCount(remote);
    expect(sent).toBeGreaterThanOrEqual(30);
    expect(sent).toBeLessThan(121);
    // Blobs only: no commit, no ref, no repo.
    expect(await remote.listRepos("dataset")).toEqual([]);
    expect(await remote.commitIds(DATA)).toEqual([]);

    const resumed = await transferRepos(local, remote);
    expect(resumed.blobsCopied).toBe(121 - sent);
    expect(await remote.listRepos("dataset")).toHaveLength(1);
    expect(await remote.resolveRevision(DATA, "main")).toBe(await local.resolveRevision(DATA, "main"));
  });

  it("finds a damaged blob in the bucket, and copies no commit that needs it", async () => {
    const local = await folderStore();
    const imported = await importFolder(local, await folderOf(2, "x"), DATA);
    const { store: remote, s3 } = await s3Store();
    await transferRepos(local, remote);
    const sha = imported.commit.files["parts/1.txt"]?.sha256 as string;
    await s3.client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: s3.keyOf(blobKey(sha)), Body: "x 9\n" }),
    );

    const back = await folderStore();
    await expect(transferRepos(remote, back)).rejects.toBeInstanceOf(CorruptBlobError);
    await expect(transferRepos(remote, back)).rejects.toThrow(sha);
    expect(await back.hasBlob(sha)).toBe(false);
    expect(await back.commitIds(DATA)).toEqual([]);
    expect(await back.getRepo(DATA)).toBeUndefined();
  });

  it("syncs both ways: each store ends with the other's repos and newer commits", async () => {
    const local = await folderStore();
    const { store: remote } = await s3Store();
    const first = await importFolder(local, await folderOf(1, "one"), DATA);
    await transferRepos(local, remote);
    // Afterwards each side moves on its own: a new commit here, a new repo there.
    const newer = await importFolder(local, await folderOf(2, "two"), DATA);
    const model = await importFolder(remote, await folderOf(1, "model"), MODEL, { private: true });

    const [there, back] = await syncStores(local, remote);
    expect(there.refsUpdated).toEqual(["dataset/team/data refs/heads/main"]);
    expect(back.refsUpdated).toEqual(["model/team/model refs/heads/main"]);
    expect([...there.conflicts, ...back.conflicts]).toEqual([]);
    for (const store of [local, remote]) {
      expect(await store.resolveRevision(DATA, "main")).toBe(newer.commit.id);
      expect(await store.resolveRevision(MODEL, "main")).toBe(model.commit.id);
      expect((await store.getCommit(DATA, newer.commit.id))?.parents).toEqual([first.commit.id]);
    }
    expect((await local.getRepo(MODEL))?.private).toBe(true);
    const level = await syncStores(local, remote);
    expect(
      level.map((result) => result.blobsCopied + result.commitsCopied + result.refsUpdated.length),
    ).toEqual([0, 0]);
  });

  it("moves refs forward only, and reports branches that diverged", async () => {
    const local = await folderStore();
    const first = await importFolder(local, await folderOf(1, "one"), DATA);
    const { store: remote } = await s3Store();
    await transferRepos(local, remote);

    // Each side commits on its own branch after the push: ahead on one side, then diverged on main.
    const ahead = await importFolder(remote, await folderOf(1, "remote"), DATA, { branch: "dev" });
    const localNext = await importFolder(local, await folderOf(1, "two"), DATA);
    const remoteNext = await importFolder(remote, await folderOf(1, "three"), DATA);
    expect(localNext.commit.parents).toEqual([first.commit.id]);
    expect(remoteNext.commit.parents).toEqual([first.commit.id]);

    const there = await transferRepos(remote, local);
    expect(there.refsUpdated).toEqual(["dataset/team/data refs/heads/dev"]);
    expect(there.conflicts).toEqual([
      {
        repo: "dataset/team/data",
        ref: "refs/heads/main",
        source: remoteNext.commit.id,
        target: localNext.commit.id,
      },
    ]);
    expect(await local.resolveRevision(DATA, "dev")).toBe(ahead.commit.id);
    expect(await local.resolveRevision(DATA, "main")).toBe(localNext.commit.id);
    // Nothing is lost: the diverged commit is there, by id, for whoever merges.
    expect(await local.getCommit(DATA, remoteNext.commit.id)).toEqual(remoteNext.commit);

    const forced = await transferRepos(remote, local, { force: true });
    expect(forced.refsUpdated).toEqual(["dataset/team/data refs/heads/main"]);
    expect(await local.resolveRevision(DATA, "main")).toBe(remoteNext.commit.id);
  });
});
