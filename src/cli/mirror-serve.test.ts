/**
 * `wharf mirror import|pull|list` and `wharf serve` as a user runs them: the built bin in child
 * processes, real store folders and an S3 bucket (moto), and requests to the URL the server prints.
 */
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useMoto } from "../../test/support/moto.js";

const run = promisify(execFile);
const moto = useMoto();
const bin = resolve(import.meta.dirname, "../../dist/cli/main.js");
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "wharf-cli-"));
  await mkdir(join(work, "folder", "data"), { recursive: true });
  await writeFile(join(work, "folder", "data", "train.csv"), "x,y\n1,2\n");
  await writeFile(join(work, "folder", "README.md"), "---\nlicense: mit\n---\n");
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Starts `wharf serve` and resolves with the URL it prints, and the process. */
function serve(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolvePromise, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      const url = /at (http:\/\/\S+)/.exec(chunk.toString())?.[1];
      if (url) {
        resolvePromise({
          url,
          stop: () =>
            new Promise((done) => {
              child.once("exit", (code) => done(code));
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`wharf serve exited with ${code}: ${stderr}`)));
  });
}

/** `wharf mirror import` of the test folder as the dataset me/tiny. */
function importTiny(store: string, extra: string[] = []) {
  const args = ["mirror", "import", join(work, "folder"), "--repo", "me/tiny", "--type", "dataset"];
  return run(process.execPath, [bin, ...args, "--store", store, ...extra]);
}

describe("wharf mirror import and wharf serve", () => {
  it("imports a folder, tags it, lists it and serves it", async () => {
    const store = join(work, "store");
    const imported = await importTiny(store, ["--message", "First"]);
    const commit = /commit ([0-9a-f]{40})/.exec(imported.stdout)?.[1];
    expect(imported.stdout).toContain("created dataset me/tiny");
    expect(commit).toBeDefined();
    const tagged = await run(process.execPath, [
      bin,
      "mirror",
      "tag",
      "me/tiny",
      "v1",
      "--type",
      "dataset",
      "--store",
      store,
    ]);
    expect(tagged.stdout.trim()).toBe(`tag v1 -> ${commit}`);
    const listed = await run(process.execPath, [bin, "mirror", "list", "--store", store]);
    expect(listed.stdout).toBe(`dataset\tme/tiny\tpublic\t${commit}\n`);

    const server = await serve(["--store", store]);
    try {
      const answer = await fetch(`${server.url}/datasets/me/tiny/resolve/v1/data/train.csv`);
      expect(answer.headers.get("x-repo-commit")).toBe(commit);
      expect(await answer.text()).toBe("x,y\n1,2\n");
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("pulls from one server into an S3 store, and serves the bucket", async () => {
    const store = join(work, "upstream");
    await importTiny(store);
    await moto.current.bucket("cli-store");
    const env = { ...process.env, ...moto.current.env };
    const upstream = await serve(["--store", store]);
    let commit: string;
    try {
      const pulled = await run(
        process.execPath,
        [
          bin,
          "mirror",
          "pull",
          "me/tiny",
          "--type",
          "dataset",
          "--from",
          upstream.url,
          "--store",
          "s3://cli-store/hub",
          "--json",
        ],
        { env },
      );
      const summary = JSON.parse(pulled.stdout) as { commit: string; files: number; ref: string };
      expect(summary).toMatchObject({ files: 2, ref: "refs/heads/main", createdRepo: true });
      commit = summary.commit;
    } finally {
      await upstream.stop();
    }
    const listed = await run(process.execPath, [bin, "mirror", "list", "--store", "s3://cli-store/hub"], {
      env,
    });
    expect(listed.stdout).toBe(`dataset\tme/tiny\tpublic\t${commit}\n`);
    // The bucket copied to a folder a machine without S3 access can use, then both kept level.
    const offline = join(work, "offline");
    const pushed = await run(
      process.execPath,
      [bin, "mirror", "push", "--store", "s3://cli-store/hub", "--to", offline, "--json"],
      { env },
    );
    expect(JSON.parse(pushed.stdout)).toMatchObject({
      repos: ["dataset/me/tiny"],
      commitsCopied: 1,
      blobsCopied: 2,
      conflicts: [],
    });
    const synced = await run(
      process.execPath,
      [bin, "mirror", "sync", "--store", offline, "--with", "s3://cli-store/hub"],
      { env },
    );
    expect(synced.stdout).toContain("0 commits, 0 blobs");
    const offlineList = await run(process.execPath, [bin, "mirror", "list", "--store", offline]);
    expect(offlineList.stdout).toBe(`dataset\tme/tiny\tpublic\t${commit}\n`);
    const mirror = await serve(["--store", "s3://cli-store/hub"], env);
    try {
      const answer = await fetch(`${mirror.url}/datasets/me/tiny/resolve/main/data/train.csv`);
      expect(answer.headers.get("x-repo-commit")).toBe(commit);
      expect(await answer.text()).toBe("x,y\n1,2\n");
    } finally {
      expect(await mirror.stop()).toBe(0);
    }
  });

  it("shares a dataset in a bucket, and a consumer without credentials lists and gets it", async () => {
    const store = join(work, "share-store");
    const imported = JSON.parse((await importTiny(store, ["--json"])).stdout);
    expect(imported).toMatchObject({
      repo: "me/tiny",
      type: "dataset",
      branch: "main",
      files: 2,
      createdRepo: true,
      newBlobs: 2,
    });
    await moto.current.bucket("cli-share");
    const owner = { ...process.env, ...moto.current.env };
    const shared = await run(
      process.execPath,
      [bin, "mirror", "share", "me/tiny", "--store", store, "--to", "s3://cli-share/data", "--json"],
      { env: owner },
    );
    expect(JSON.parse(shared.stdout)).toMatchObject({
      key: "me/tiny---default_config---default_revision",
      files: 5,
    });

    // The consumer knows the endpoint and the bucket's name, and has no keys at all.
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...rest } = process.env;
    const stranger = { ...rest, AWS_ENDPOINT_URL: moto.current.endpoint, HOME: work };
    const listed = await run(
      process.execPath,
      [bin, "mirror", "list", "--remote", "--store", "s3://cli-share/data", "--json"],
      { env: stranger },
    );
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { dataset_id: "me/tiny", config_name: null, revision: null },
    ]);
    const localStore = join(work, "copies");
    const got = await run(
      process.execPath,
      [
        bin,
        "mirror",
        "get",
        "me/tiny",
        "--from",
        "s3://cli-share/data",
        "--anonymous",
        "--local-store",
        localStore,
      ],
      { env: stranger },
    );
    const folder = got.stdout.trim();
    expect(folder).toBe(join(localStore, "public", "me_tiny", "default_config", "default_revision"));
    expect(JSON.parse(await readFile(join(folder, "dataset_dict.json"), "utf8"))).toEqual({
      splits: ["train"],
    });
  });

  it("refuses a bad repo id and a config file it cannot use, saying why", async () => {
    const badId = await run(process.execPath, [
      bin,
      "mirror",
      "import",
      work,
      "--repo",
      "no-slash",
      "--store",
      join(work, "s"),
    ]).catch((error) => error);
    expect(badId.code).toBe(1);
    expect(badId.stderr).toContain("must be namespace/name");
    await writeFile(join(work, "bad.yaml"), "tokens:\n  - token: short\n    user: x\n");
    const badConfig = await run(process.execPath, [
      bin,
      "serve",
      "--port",
      "0",
      "--config",
      join(work, "bad.yaml"),
    ]).catch((error) => error);
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toContain("tokens[0]");
  });
});
