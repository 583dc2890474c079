/**
 * `wharf mirror import` and `wharf serve` as a user runs them: the built bin in child processes, a real
 * store folder, and a request to the URL the server prints.
 */
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
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
function serve(args: string[]): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
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

describe("wharf mirror import and wharf serve", () => {
  it("imports a folder, tags it, lists it and serves it", async () => {
    const store = join(work, "store");
    const imported = await run(process.execPath, [
      bin,
      "mirror",
      "import",
      join(work, "folder"),
      "--repo",
      "me/tiny",
      "--type",
      "dataset",
      "--store",
      store,
      "--message",
      "First",
    ]);
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
