/**
 * A store that holds no local files (as an S3 store will not) has its downloads streamed from
 * `ObjectStore.read`: whole files and ranges alike.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { importFolder } from "../import-folder.js";
import { FsObjectStore } from "../store/fs-object-store.js";
import type { ObjectStore } from "../store/object-store.js";
import { RepoStore } from "../store/repo-store.js";
import { type StartedHubServer, startHubServer } from "./app.js";

let work: string;
let server: StartedHubServer;
const content = Buffer.from(Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join(""));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "wharf-stream-store-"));
  const files = new FsObjectStore(join(work, "store"));
  // Every operation but localPath, so the server cannot reach a file on disk.
  const remoteLike: ObjectStore = {
    location: files.location,
    read: (key, range) => files.read(key, range),
    readBytes: (key) => files.readBytes(key),
    head: (key) => files.head(key),
    put: (key, source) => files.put(key, source),
    delete: (key) => files.delete(key),
    list: (prefix) => files.list(prefix),
    children: (prefix) => files.children(prefix),
    compareAndSwap: (key, expected, next) => files.compareAndSwap(key, expected, next),
  };
  const store = new RepoStore(remoteLike);
  await mkdir(join(work, "repo"));
  await writeFile(join(work, "repo", "lines.txt"), content);
  await importFolder(store, join(work, "repo"), { type: "model", namespace: "me", name: "lines" });
  expect(store.blobPath("0".repeat(64))).toBeUndefined();
  server = await startHubServer(store, {});
});
afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

it("streams whole files and ranges from a store without local files", async () => {
  const url = `${server.url}/me/lines/resolve/main/lines.txt`;
  const whole = await fetch(url);
  expect(Buffer.from(await whole.arrayBuffer()).equals(content)).toBe(true);
  const part = await fetch(url, { headers: { range: "bytes=10-19" } });
  expect(part.status).toBe(206);
  expect(Buffer.from(await part.arrayBuffer()).equals(content.subarray(10, 20))).toBe(true);
});
