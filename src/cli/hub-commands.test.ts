/**
 * `wharf download`, `wharf auth`, `wharf cache`, `wharf upload` and `wharf repo` as a user runs them: the built bin in child
 * processes, pointed at a real wharf server through `HF_ENDPOINT`, with its own `HF_HOME`.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VEGA_DATA } from "../../scripts/sample-repos.js";
import { ALICE, BOB, type SampleHub, startSampleHub } from "../../test/support/sample-hub.js";
import { listRepoFiles } from "../hub/list-repo-files.js";
import { listRepoRefs } from "../hub/list-repo-refs.js";
import { repoInfo } from "../hub/repo-info.js";

const bin = resolve(import.meta.dirname, "../../dist/cli/main.js");
let hub: SampleHub;
let home: string;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with the test's Hub and home; `input` goes to its stdin. */
function wharf(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Ran> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      {
        env: {
          PATH: process.env.PATH,
          HOME: home,
          HF_HOME: join(home, "hf"),
          HF_ENDPOINT: hub.url,
          ...options.env,
        },
      },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
    child.stdin?.end(options.input ?? "");
  });
}

beforeAll(async () => {
  hub = await startSampleHub();
  home = await mkdtemp(join(tmpdir(), "wharf-cli-hub-"));
});
afterAll(async () => {
  await hub.close();
  await rm(home, { recursive: true, force: true });
});

describe("wharf download", () => {
  it("prints the path of one file, or the folder of a snapshot", async () => {
    const one = await wharf(["download", "vega/cars-regressor", "training/cars.json"]);
    expect(one.code).toBe(0);
    const path = one.stdout.trim();
    expect(path).toMatch(
      /hf\/hub\/models--vega--cars-regressor\/snapshots\/[0-9a-f]{40}\/training\/cars\.json$/,
    );
    expect(await readFile(path, "utf8")).toBe(await readFile(join(VEGA_DATA, "cars.json"), "utf8"));

    const local = join(home, "weather");
    const snapshot = await wharf([
      "download",
      "vega/seattle-weather",
      "--repo-type",
      "dataset",
      "--include",
      "data/*",
      "--local-dir",
      local,
      "--quiet",
    ]);
    expect(snapshot).toMatchObject({ code: 0, stdout: `${local}\n`, stderr: "" });
    expect(await readFile(join(local, "data", "train.csv"), "utf8")).toBe(
      await readFile(join(VEGA_DATA, "seattle-weather.csv"), "utf8"),
    );
  });

  it("lists a dry run's plan, and draws progress when asked to", async () => {
    const plan = await wharf(["download", "vega/flights", "--type", "dataset", "--dry-run", "--json"]);
    const files = JSON.parse(plan.stdout) as Array<{ filename: string; willDownload: boolean }>;
    expect(files.map((file) => file.filename).sort()).toEqual([
      "README.md",
      "data/train-00000-of-00001.parquet",
    ]);
    expect(files.every((file) => file.willDownload)).toBe(true);

    const drawn = await wharf(["download", "vega/flights", "--type", "dataset"], {
      env: { HF_HUB_DISABLE_PROGRESS_BARS: "0" },
    });
    expect(drawn.code).toBe(0);
    expect(drawn.stderr).toMatch(/vega\/flights .*100% 2\/2 files/);
  });

  it("fails with one line and exit code 1 for a repo that is not there", async () => {
    const missing = await wharf(["download", "vega/nothing", "x.json"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(/^wharf: /);
  });
});

describe("wharf auth", () => {
  it("logs in from a flag or stdin, lists, switches, and logs out", async () => {
    expect(JSON.parse((await wharf(["auth", "login", "--token", ALICE, "--json"])).stdout)).toMatchObject({
      user: "alice",
      tokenName: "alice-token",
    });
    expect((await wharf(["auth", "login"], { input: `${BOB}\n` })).stdout).toMatch(/logged in as bob/);
    expect((await wharf(["auth", "whoami"])).stdout).toBe("bob\n");
    const list = await wharf(["auth", "list"]);
    expect(list.stdout).toMatch(/\* +bob-token/);
    expect(list.stdout).not.toContain(BOB);
    expect(JSON.parse((await wharf(["auth", "switch", "alice-token", "--json"])).stdout)).toEqual({
      tokenName: "alice-token",
    });
    expect(JSON.parse((await wharf(["auth", "whoami", "--json"])).stdout)).toMatchObject({
      name: "alice",
      orgs: [{ name: "team" }],
    });
    // The stored token opens the private repo.
    expect((await wharf(["download", "team/secret-data", "data.csv", "--type", "dataset"])).code).toBe(0);
    expect((await wharf(["auth", "switch", "nobody"])).code).toBe(1);
    expect((await wharf(["auth", "logout"])).stdout).toBe("logged out\n");
    expect((await wharf(["auth", "whoami"])).code).toBe(1);
  });
});

describe("wharf cache", () => {
  it("scans, verifies, and deletes only with consent", async () => {
    const cacheDir = join(home, "cache");
    await wharf(["download", "vega/flights", "--type", "dataset", "--cache-dir", cacheDir, "--quiet"]);
    await wharf(["download", "vega/cars-regressor", "--cache-dir", cacheDir, "--quiet"]);
    const scan = JSON.parse((await wharf(["cache", "scan", "--cache-dir", cacheDir, "--json"])).stdout) as {
      repos: Array<{ repoId: string }>;
    };
    expect(scan.repos.map((repo) => repo.repoId)).toEqual(["vega/flights", "vega/cars-regressor"]);
    expect((await wharf(["cache", "ls", "--cache-dir", cacheDir])).stdout).toMatch(
      /vega\/flights +dataset +12\.9 MiB/,
    );

    expect((await wharf(["cache", "verify", "--cache-dir", cacheDir])).stdout).toMatch(/0 corrupt/);
    const dry = await wharf([
      "cache",
      "delete",
      "dataset/vega/flights",
      "--cache-dir",
      cacheDir,
      "--dry-run",
    ]);
    expect(dry.stdout).toBe("would delete 1 repo, freeing 12.9 MiB\n");
    const refused = await wharf(["cache", "rm", "dataset/vega/flights", "--cache-dir", cacheDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    const done = await wharf(["cache", "rm", "dataset/vega/flights", "--cache-dir", cacheDir, "--yes"]);
    expect(done.stdout).toBe("deleted 1 repo, freeing 12.9 MiB\n");
    expect((await wharf(["cache", "rm", "dataset/vega/flights", "--cache-dir", cacheDir])).code).toBe(1);

    const config = JSON.parse((await wharf(["cache", "scan", "--cache-dir", cacheDir, "--json"])).stdout) as {
      repos: Array<{ revisions: Array<{ files: Array<{ fileName: string; blobPath: string }> }> }>;
    };
    const blob = config.repos[0]?.revisions[0]?.files.find(
      (file) => file.fileName === "config.json",
    )?.blobPath;
    await appendFile(blob as string, " ");
    const corrupt = await wharf(["cache", "verify", "--cache-dir", cacheDir]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stdout).toContain(`corrupt ${blob}`);

    const pruned = await wharf(["cache", "prune", "--max-size", "0", "--cache-dir", cacheDir, "--yes"]);
    expect(pruned.stdout).toMatch(/^deleted 1 repo,/);
    expect((await wharf(["cache", "prune", "--max-size", "lots", "--cache-dir", cacheDir])).code).toBe(1);
  });
});

describe("wharf upload and wharf repo", () => {
  it("create a repo, upload a folder and a file, name revisions, change settings, move and delete", async () => {
    const as = ["--type", "dataset", "--token", ALICE];
    expect((await wharf(["repo", "create", "alice/cli-data", "--private", ...as])).stdout).toBe(
      `${hub.url}/datasets/alice/cli-data\n`,
    );
    expect((await wharf(["repo", "create", "alice/cli-data", ...as])).code).toBe(1);
    expect((await wharf(["repo", "create", "alice/cli-data", "--exist-ok", ...as])).code).toBe(0);

    const folder = join(home, "to-upload");
    await mkdir(join(folder, "data"), { recursive: true });
    await writeFile(join(folder, "data", "train.csv"), "x,y\n1,2\n");
    await writeFile(join(folder, "scratch.tmp"), "no");
    const folderUpload = await wharf(["upload", "alice/cli-data", folder, "--exclude", "*.tmp", ...as]);
    expect(folderUpload.stdout).toMatch(
      new RegExp(`^${hub.url}/datasets/alice/cli-data/commit/[0-9a-f]{40}\\n$`),
    );
    await writeFile(join(home, "notes.txt"), "notes\n");
    expect(
      (await wharf(["upload", "alice/cli-data", join(home, "notes.txt"), "docs/notes.txt", ...as])).code,
    ).toBe(0);
    // A file over one 8 MiB part goes up in parts, with a progress bar when asked for one.
    await writeFile(join(home, "weights.bin"), randomBytes(9 * 2 ** 20));
    const big = await wharf(["upload", "alice/cli-data", join(home, "weights.bin"), ...as], {
      env: { HF_HUB_DISABLE_PROGRESS_BARS: "0" },
    });
    expect(big.code).toBe(0);
    expect(big.stderr).toMatch(/weights\.bin .*100% 9\.0 MiB\/9\.0 MiB/);
    const snapshot = (await wharf(["download", "alice/cli-data", "--quiet", ...as])).stdout.trim();
    expect(await readFile(join(snapshot, "data", "train.csv"), "utf8")).toBe("x,y\n1,2\n");
    expect(await readFile(join(snapshot, "docs", "notes.txt"), "utf8")).toBe("notes\n");
    expect(existsSync(join(snapshot, "scratch.tmp"))).toBe(false);

    expect(
      JSON.parse(
        (await wharf(["repo", "branch", "create", "alice/cli-data", "dev", "--json", ...as])).stdout,
      ),
    ).toEqual({ repoId: "alice/cli-data", branch: "dev", created: true });
    expect(
      (await wharf(["repo", "tag", "create", "alice/cli-data", "v1", "--revision", "dev", ...as])).code,
    ).toBe(0);
    expect(
      (await wharf(["download", "alice/cli-data", "docs/notes.txt", "--revision", "v1", "--quiet", ...as]))
        .code,
    ).toBe(0);
    expect(
      (await wharf(["download", "alice/cli-data", "docs/notes.txt", "--type", "dataset", "--quiet"])).code,
    ).toBe(1);
    expect((await wharf(["repo", "settings", "alice/cli-data", "--public", ...as])).code).toBe(0);
    expect(
      (await wharf(["download", "alice/cli-data", "docs/notes.txt", "--type", "dataset", "--quiet"])).code,
    ).toBe(0);
    const api = { endpoint: hub.url, token: ALICE, repoId: "alice/cli-data", repoType: "dataset" as const };
    expect((await wharf(["repo", "settings", "alice/cli-data", "--gated", "manual", ...as])).code).toBe(0);
    expect((await repoInfo(api)).gated).toBe("manual");
    expect((await wharf(["repo", "settings", "alice/cli-data", "--gated", "false", ...as])).code).toBe(0);
    expect((await repoInfo(api)).gated).toBe(false);
    expect((await wharf(["repo", "settings", "alice/cli-data", "--private", "--public", ...as])).code).toBe(
      1,
    );

    // A folder upload that replaces files by pattern: only data/ is sent, and its old CSV goes.
    const second = join(home, "second");
    await mkdir(join(second, "data"), { recursive: true });
    await writeFile(join(second, "data", "new.txt"), "new\n");
    await writeFile(join(second, "README.md"), "not sent\n");
    const args = ["--include", "data/*", "--delete", "data/*.csv", ...as];
    expect((await wharf(["upload", "alice/cli-data", second, ...args])).code).toBe(0);
    const files = await listRepoFiles(api);
    expect(files).toContain("data/new.txt");
    expect(files).not.toContain("data/train.csv");
    expect(files).not.toContain("README.md");

    expect((await wharf(["repo", "tag", "delete", "alice/cli-data", "v1", ...as])).stdout).toBe(
      "deleted tag v1 of alice/cli-data\n",
    );
    expect((await wharf(["repo", "branch", "delete", "alice/cli-data", "dev", ...as])).code).toBe(0);
    const refs = await listRepoRefs(api);
    expect([refs.branches.map((ref) => ref.name), refs.tags]).toEqual([["main"], []]);

    expect(
      JSON.parse((await wharf(["repo", "move", "alice/cli-data", "team/cli-data", "--json", ...as])).stdout),
    ).toEqual({ from: "alice/cli-data", to: "team/cli-data", moved: true });
    expect((await wharf(["repo", "delete", "team/cli-data", ...as])).stdout).toBe("deleted team/cli-data\n");
    expect((await wharf(["repo", "delete", "team/cli-data", "--missing-ok", ...as])).code).toBe(0);
    expect((await wharf(["repo", "create", "vega/intrusion", "--token", BOB])).code).toBe(1);
  });
});

describe("wharf repo discussions, pr and like", () => {
  it("opens, comments on, lists, shows and closes a discussion; opens and merges a pull request; likes", async () => {
    const repo = ["vega/movies", "--type", "dataset"];
    const opened = await wharf([
      "repo",
      "discussions",
      "create",
      ...repo,
      "--title",
      "Missing years?",
      "--description",
      "Some rows have no year.",
      "--token",
      BOB,
    ]);
    expect(opened.code, opened.stderr).toBe(0);
    const num = /^#(\d+)$/.exec(opened.stdout.trim())?.[1] as string;
    expect(num).toBeDefined();
    const comment = await wharf([
      "repo",
      "discussions",
      "comment",
      ...repo,
      num,
      "Yes, 3 of them.",
      "--token",
      ALICE,
      "--json",
    ]);
    expect(JSON.parse(comment.stdout)).toMatchObject({
      type: "comment",
      author: "alice",
      content: "Yes, 3 of them.",
    });
    const listed = JSON.parse(
      (await wharf(["repo", "discussions", "list", ...repo, "--status", "open", "--json"])).stdout,
    ) as Array<{ num: number; title: string }>;
    expect(listed.map((d) => [d.num, d.title])).toContainEqual([Number(num), "Missing years?"]);
    const shown = await wharf(["repo", "discussions", "show", ...repo, num]);
    expect(shown.stdout).toContain(`#${num} Missing years? (open, by bob)`);
    expect(shown.stdout).toContain("alice: Yes, 3 of them.");
    expect(
      (await wharf(["repo", "discussions", "close", ...repo, num, "--comment", "Thanks", "--token", BOB]))
        .stdout,
    ).toBe(`#${num} is closed\n`);
    expect((await wharf(["repo", "discussions", "show", ...repo, num])).stdout).toContain("bob: -> closed");

    const secret = ["team/secret-data", "--type", "dataset", "--token", ALICE];
    const draft = await wharf(["repo", "pr", "create", ...secret, "--title", "Draft change"]);
    expect(draft.stdout).toMatch(/^#\d+ refs\/pr\/\d+\n$/);
    const prNum = /^#(\d+)/.exec(draft.stdout)?.[1] as string;
    const prs = JSON.parse((await wharf(["repo", "pr", "list", ...secret, "--json"])).stdout) as Array<{
      num: number;
    }>;
    expect(prs.map((p) => p.num)).toContain(Number(prNum));
    // A draft with no commits merges as a fast-forward of nothing once opened.
    expect((await wharf(["repo", "discussions", "reopen", ...secret, prNum])).code).toBe(0);
    expect((await wharf(["repo", "pr", "merge", ...secret, prNum])).stdout).toBe(`merged #${prNum}\n`);

    expect(JSON.parse((await wharf(["repo", "like", ...repo, "--token", BOB, "--json"])).stdout)).toEqual({
      repoId: "vega/movies",
      liked: true,
    });
    const info = JSON.parse(await (await fetch(`${hub.url}/api/datasets/vega/movies`)).text()) as {
      likes: number;
    };
    expect(info.likes).toBe(1);
    expect((await wharf(["repo", "like", ...repo, "--undo", "--token", BOB])).code).toBe(0);
  });
});

describe("wharf datasets", () => {
  it("lists configs and splits, previews, loads, converts to parquet and saves a Hub dataset", async () => {
    const cache = ["--cache-dir", join(home, "datasets-cache")];
    expect((await wharf(["datasets", "configs", "vega/seattle-weather"])).stdout).toBe("default\n");
    expect((await wharf(["datasets", "splits", "vega/seattle-weather"])).stdout).toBe("train\n");
    const preview = JSON.parse(
      (await wharf(["datasets", "preview", "vega/seattle-weather", "--rows", "2", "--json"])).stdout,
    );
    expect(preview).toEqual([
      { date: "2012-01-01", precipitation: 0, temp_max: 12.8, temp_min: 5, wind: 4.7, weather: "drizzle" },
      { date: "2012-01-02", precipitation: 10.9, temp_max: 10.6, temp_min: 2.8, wind: 4.5, weather: "rain" },
    ]);
    const loaded = await wharf(["datasets", "load", "vega/seattle-weather", ...cache], {
      env: { HF_HUB_DISABLE_PROGRESS_BARS: "0" },
    });
    // The data files came from the Hub under an overall bar.
    expect(loaded.stderr).toMatch(/vega\/seattle-weather .* 100% 1\/1 files/);
    expect(loaded.stdout).toBe(
      "train: 1461 rows; date: string, precipitation: float64, temp_max: float64, temp_min: float64, wind: float64, weather: string\n",
    );
    const converted = JSON.parse(
      (
        await wharf([
          "datasets",
          "convert",
          "vega/seattle-weather",
          "--to",
          join(home, "parquet"),
          ...cache,
          "--json",
        ])
      ).stdout,
    );
    expect(converted).toEqual({
      train: { path: join(home, "parquet", "default", "train-00000-of-00001.parquet"), rows: 1461 },
    });
    expect(
      (await wharf(["datasets", "save", "vega/seattle-weather", "--to", join(home, "saved"), ...cache]))
        .stdout,
    ).toBe(`${join(home, "saved")}\n`);
    expect(JSON.parse(await readFile(join(home, "saved", "dataset_dict.json"), "utf8"))).toEqual({
      splits: ["train"],
    });
    const missing = await wharf(["datasets", "load", "vega/seattle-weather", "--name", "nope", ...cache]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no config "nope"');
  });
});
