/**
 * The server over an S3 store (moto): downloads stream from the bucket, whole and in ranges, and two
 * servers sharing one bucket, as instances behind a load balancer would, lose no commit when clients
 * race commits on one branch through both.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downloadFile, listFiles } from "@huggingface/hub";
import { afterAll, beforeAll, expect, it } from "vitest";
import { useMoto } from "../../../test/support/moto.js";
import { commitLines, postNdjsonCommit } from "../../../test/support/ndjson-commit.js";
import { importFolder } from "../import-folder.js";
import { RepoStore } from "../store/repo-store.js";
import { S3ObjectStore } from "../store/s3-object-store.js";
import type { S3Settings } from "../store/s3-settings.js";
import { type StartedHubServer, startHubServer } from "./app.js";
import { readServerConfig } from "./config.js";

const TOKEN = "hf_me_0123456789";
const config = readServerConfig({ tokens: [{ token: TOKEN, user: "me", role: "write" }] });
const moto = useMoto();
let work: string;
let settings: S3Settings;
let servers: StartedHubServer[];
const content = Buffer.from(Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join(""));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "wharf-s3-server-"));
  settings = await moto.current.bucket("hub-store", "mirror");
  await mkdir(join(work, "repo"));
  await writeFile(join(work, "repo", "lines.txt"), content);
  await importFolder(new RepoStore(new S3ObjectStore(settings)), join(work, "repo"), {
    type: "model",
    namespace: "me",
    name: "lines",
  });
  // Two servers, each with its own client and its own caches, over the one bucket.
  servers = await Promise.all(
    [0, 1].map(() => startHubServer(new RepoStore(new S3ObjectStore(settings)), {}, { config })),
  );
});
afterAll(async () => {
  for (const server of servers ?? []) await server.close();
  await rm(work, { recursive: true, force: true });
});

it("streams whole files and ranges out of the bucket", async () => {
  const [server] = servers;
  const url = `${server?.url}/me/lines/resolve/main/lines.txt`;
  const part = await fetch(url, { headers: { range: "bytes=10-19" } });
  expect(part.status).toBe(206);
  expect(Buffer.from(await part.arrayBuffer()).equals(content.subarray(10, 20))).toBe(true);
  const blob = await downloadFile({ repo: "me/lines", path: "lines.txt", hubUrl: server?.url });
  expect(Buffer.from((await blob?.arrayBuffer()) ?? new ArrayBuffer(0)).equals(content)).toBe(true);
});

it("loses no commit when clients race on one branch through two servers", async () => {
  const commitThrough = (server: StartedHubServer, n: number) =>
    postNdjsonCommit(
      `${server.url}/api/models/me/lines/commit/main`,
      commitLines(`race ${n}`, { [`race/${n}.txt`]: `${n}` }),
      TOKEN,
    );
  const numbers = [1, 2, 3, 4, 5, 6];
  const answers = await Promise.all(numbers.map((n) => commitThrough(servers[n % 2] as StartedHubServer, n)));
  expect(answers.map((answer) => answer.status)).toEqual(numbers.map(() => 200));
  // Each server sees every commit: the branch holds all six files, and the history all six commits.
  for (const server of servers) {
    const paths: string[] = [];
    for await (const file of listFiles({ repo: "me/lines", hubUrl: server.url, recursive: true }))
      paths.push(file.path);
    expect(paths.filter((path) => path.startsWith("race/")).sort()).toEqual(
      numbers.map((n) => `race/${n}.txt`),
    );
    const history = (await (await fetch(`${server.url}/api/models/me/lines/commits/main`)).json()) as Array<{
      title: string;
    }>;
    expect(
      history
        .map((commit) => commit.title)
        .filter((title) => title.startsWith("race"))
        .sort(),
    ).toEqual(numbers.map((n) => `race ${n}`));
  }
});
