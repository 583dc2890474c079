/**
 * The server's answers checked at the HTTP level, with node's own client so that paths go out exactly
 * as written (no URL normalization), each on a fresh connection: headers, ranges, error codes, access
 * rules, path traversal.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, readlink } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VEGA_DATA } from "../../../scripts/sample-repos.js";
import { ALICE, BOB, MANY_FILES, type SampleHub, startSampleHub } from "../../../test/support/sample-hub.js";
import { gitBlobOid, lfsPointerText } from "../../core/hash.js";
import type { StoredFile } from "../store/commit.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json<T = unknown>(): T;
}

let hub: SampleHub;
let port: number;

function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const bytes = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: bytes,
          json: <T>() => JSON.parse(bytes.toString("utf8")) as T,
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const parquetPath = "/datasets/vega/flights/resolve/main/data/train-00000-of-00001.parquet";
const csvPath = "/datasets/vega/seattle-weather/resolve/main/data/train.csv";
let parquet: Buffer;
let csv: Buffer;

beforeAll(async () => {
  hub = await startSampleHub();
  port = Number(new URL(hub.url).port);
  parquet = await readFile(join(VEGA_DATA, "flights-3m.parquet"));
  csv = await readFile(join(VEGA_DATA, "seattle-weather.csv"));
});
afterAll(async () => {
  await hub.close();
});

describe("resolve", () => {
  it("answers HEAD with the commit, a quoted ETag, the length and Accept-Ranges", async () => {
    const lfs = await raw("HEAD", parquetPath);
    expect(lfs.status).toBe(200);
    expect(lfs.headers["x-repo-commit"]).toMatch(/^[0-9a-f]{40}$/);
    expect(lfs.headers.etag).toBe(`"${createHash("sha256").update(parquet).digest("hex")}"`);
    expect(lfs.headers["content-length"]).toBe(String(parquet.length));
    expect(lfs.headers["accept-ranges"]).toBe("bytes");
    expect(lfs.body.length).toBe(0);
    const regular = await raw("HEAD", csvPath);
    expect(regular.headers.etag).toBe(`"${gitBlobOid(csv)}"`);
    expect(regular.headers["content-disposition"]).toContain('filename="train.csv"');
  });

  it("serves the file's bytes on GET", async () => {
    const answer = await raw("GET", csvPath);
    expect(answer.status).toBe(200);
    expect(answer.body.equals(csv)).toBe(true);
    const big = await raw("GET", parquetPath);
    expect(big.body.equals(parquet)).toBe(true);
  });

  it("answers ranges with 206 and Content-Range, and 416 outside the file", async () => {
    const first = await raw("GET", parquetPath, { range: "bytes=0-3" });
    expect(first.status).toBe(206);
    expect(first.headers["content-range"]).toBe(`bytes 0-3/${parquet.length}`);
    expect(first.body.toString()).toBe("PAR1");
    const tail = await raw("GET", parquetPath, { range: "bytes=-4" });
    expect(tail.headers["content-range"]).toBe(
      `bytes ${parquet.length - 4}-${parquet.length - 1}/${parquet.length}`,
    );
    expect(tail.body.toString()).toBe("PAR1");
    const middle = await raw("GET", csvPath, { range: "bytes=100-" });
    expect(middle.body.equals(csv.subarray(100))).toBe(true);
    const outside = await raw("GET", csvPath, { range: `bytes=${csv.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers["content-range"]).toBe(`bytes */${csv.length}`);
  });

  it("serves an empty file whole to a range probe, and ignores a reversed range", async () => {
    const probe = await raw("GET", "/datasets/vega/many-files/resolve/main/empty.bin", {
      range: "bytes=0-0",
    });
    expect([probe.status, probe.headers["content-length"], probe.headers["content-range"]]).toEqual([
      200,
      "0",
      "bytes */0",
    ]);
    expect(probe.headers.etag).toBe('"e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"');
    const reversed = await raw("GET", csvPath, { range: "bytes=5-3" });
    expect(reversed.status).toBe(200);
    expect(reversed.body.equals(csv)).toBe(true);
  });

  it("finds no file where a path names what every object inherits", async () => {
    for (const name of ["constructor", "__proto__", "toString"]) {
      const answer = await raw("HEAD", `/datasets/vega/seattle-weather/resolve/main/${name}`);
      expect([answer.status, answer.headers["x-error-code"]], name).toEqual([404, "EntryNotFound"]);
    }
    const info = await raw(
      "POST",
      "/api/datasets/vega/seattle-weather/paths-info/main",
      { "content-type": "application/json" },
      JSON.stringify({ paths: ["constructor", "hasOwnProperty"] }),
    );
    expect(info.json()).toEqual([]);
  });

  it("answers a revision that is only a folder of refs as missing, not as a failure", async () => {
    const repo = { type: "dataset" as const, namespace: "vega", name: "seattle-weather" };
    // feature/x exists, so "feature" is a folder of branches.
    const answer = await raw("HEAD", csvPath.replace("/main/", "/feature/"));
    expect([answer.status, answer.headers["x-error-code"]]).toEqual([404, "RevisionNotFound"]);
    const head = (await hub.store.resolveRevision(repo, "main")) as string;
    await expect(hub.store.setRef(repo, "heads", "feature", undefined, head)).rejects.toThrow(
      /clash with the branch feature\/x/,
    );
    await expect(hub.store.setRef(repo, "heads", "main/sub", undefined, head)).rejects.toThrow(
      /clash with the branch main/,
    );
  });

  it("serves an LFS file's pointer text under /raw/", async () => {
    const answer = await raw("GET", parquetPath.replace("/resolve/", "/raw/"));
    const sha = createHash("sha256").update(parquet).digest("hex");
    expect(answer.body.toString()).toBe(lfsPointerText(sha, parquet.length));
    expect(answer.headers.etag).toBe(`"${gitBlobOid(lfsPointerText(sha, parquet.length))}"`);
  });

  it("resolves tags, branches with slashes, short and full commit ids", async () => {
    const head = (await raw("HEAD", csvPath)).headers["x-repo-commit"] as string;
    for (const revision of ["v1.0", "feature%2Fx", "refs%2Ftags%2Fv1.0", head, head.slice(0, 8), "HEAD"]) {
      const answer = await raw("HEAD", csvPath.replace("/main/", `/${revision}/`));
      expect(answer.status, revision).toBe(200);
      expect(answer.headers["x-repo-commit"]).toBe(head);
    }
  });

  it("answers missing things with the Hub's error codes", async () => {
    const head = (await raw("HEAD", csvPath)).headers["x-repo-commit"];
    const file = await raw("GET", "/datasets/vega/seattle-weather/resolve/main/seattle-weather.py");
    expect(file.status).toBe(404);
    expect(file.headers["x-error-code"]).toBe("EntryNotFound");
    expect(file.headers["x-repo-commit"]).toBe(head);
    const revision = await raw("HEAD", csvPath.replace("/main/", "/nope/"));
    expect([revision.status, revision.headers["x-error-code"]]).toEqual([404, "RevisionNotFound"]);
    const repo = await raw("HEAD", "/datasets/vega/nothing/resolve/main/x");
    expect([repo.status, repo.headers["x-error-code"]]).toEqual([404, "RepoNotFound"]);
    const wrongType = await raw("HEAD", "/vega/flights/resolve/main/README.md");
    expect(wrongType.headers["x-error-code"]).toBe("RepoNotFound");
  });

  it("never serves a file from outside the store, whatever the path says", async () => {
    const attempts = [
      "/datasets/vega/seattle-weather/resolve/main/../../../../../../etc/passwd",
      "/datasets/vega/seattle-weather/resolve/main/..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
      "/datasets/vega/seattle-weather/resolve/main/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
      "/datasets/vega/..%2F..%2F..%2Fetc/resolve/main/passwd",
      "/datasets/..%2F..%2F..%2F/etc/resolve/main/passwd",
      "/datasets/vega/seattle-weather/resolve/..%2F..%2Frepo.json/README.md",
      "/datasets/vega/seattle-weather/resolve/main/%2Fetc%2Fpasswd",
    ];
    for (const path of attempts) {
      const answer = await raw("GET", path);
      expect([400, 404], path).toContain(answer.status);
      expect(answer.body.toString(), path).not.toContain("root:");
    }
    const nul = await raw("GET", "/datasets/vega/seattle-weather/resolve/main/data%00.csv");
    expect(nul.status).toBe(400);
  });
});

describe("access", () => {
  const secretFile = "/datasets/team/secret-data/resolve/main/data.csv";

  it("hides a private repo from strangers exactly as a missing one, and shows it to its members", async () => {
    const missing = await raw("GET", "/api/datasets/team/no-such-repo");
    for (const headers of [{}, { authorization: `Bearer ${BOB}` }] as Array<Record<string, string>>) {
      const info = await raw("GET", "/api/datasets/team/secret-data", headers);
      expect(info.status).toBe(404);
      expect(info.headers["x-error-code"]).toBe("RepoNotFound");
      expect(info.body.equals(missing.body)).toBe(true);
      expect((await raw("GET", secretFile, headers)).status).toBe(404);
    }
    const alice = { authorization: `Bearer ${ALICE}` };
    expect((await raw("GET", "/api/datasets/team/secret-data", alice)).json()).toMatchObject({
      private: true,
    });
    expect((await raw("GET", secretFile, alice)).body.toString()).toBe("a,b\n1,2\n");
  });

  it("refuses an unknown token, and asks for a sign-in on a gated repo", async () => {
    const unknown = await raw("GET", "/api/datasets/vega/flights", {
      authorization: "Bearer hf_nobody_123456",
    });
    expect(unknown.status).toBe(401);
    const anonymous = await raw("HEAD", "/vega/gated-model/resolve/main/config.json");
    expect([anonymous.status, anonymous.headers["x-error-code"]]).toEqual([401, "GatedRepo"]);
    const bob = await raw("HEAD", "/vega/gated-model/resolve/main/config.json", {
      authorization: `Bearer ${BOB}`,
    });
    expect(bob.status).toBe(200);
  });

  it("lists private repos only to those who may see them", async () => {
    const ids = async (headers: Record<string, string>) =>
      (await raw("GET", "/api/datasets?search=secret", headers))
        .json<Array<{ id: string }>>()
        .map((r) => r.id);
    expect(await ids({})).toEqual([]);
    expect(await ids({ authorization: `Bearer ${BOB}` })).toEqual([]);
    expect(await ids({ authorization: `Bearer ${ALICE}` })).toEqual(["team/secret-data"]);
  });

  it("says who a token belongs to", async () => {
    const me = (await raw("GET", "/api/whoami-v2", { authorization: `Bearer ${ALICE}` })).json();
    expect(me).toMatchObject({ type: "user", name: "alice", orgs: [{ name: "team" }] });
    expect((await raw("GET", "/api/whoami-v2")).status).toBe(401);
  });
});

describe("api", () => {
  it("answers repo info with the fields clients read, at a revision too", async () => {
    const info = (await raw("GET", "/api/datasets/vega/flights?blobs=true")).json<{
      sha: string;
      siblings: Array<{ rfilename: string; size: number; lfs?: { sha256: string } }>;
      cardData: { configs: unknown[] };
    }>();
    expect(info).toMatchObject({ id: "vega/flights", private: false, gated: false, tags: ["vega"] });
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(info.cardData.configs).toHaveLength(1);
    const parquetSibling = info.siblings.find((s) => s.rfilename.endsWith(".parquet"));
    expect(parquetSibling).toMatchObject({
      size: parquet.length,
      lfs: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const atTag = (await raw("GET", "/api/datasets/vega/seattle-weather/revision/v1.0")).json<{
      sha: string;
    }>();
    const atMain = (await raw("GET", "/api/datasets/vega/seattle-weather")).json<{ sha: string }>();
    expect(atTag.sha).toBe(atMain.sha);
    expect((await raw("GET", "/api/models/vega/cars-regressor")).json()).toMatchObject({
      modelId: "vega/cars-regressor",
    });
  });

  it("lists a tree, one folder or all of it, with paths sent with %2F", async () => {
    const top = (await raw("GET", "/api/models/vega/cars-regressor/tree/main")).json<
      Array<{ path: string; type: string }>
    >();
    expect(top.map((e) => [e.type, e.path])).toEqual([
      ["directory", "training"],
      ["file", "README.md"],
      ["file", "config.json"],
    ]);
    const all = (await raw("GET", "/api/models/vega/cars-regressor/tree/main?recursive=true")).json<
      unknown[]
    >();
    expect(all).toHaveLength(4);
    const inside = (await raw("GET", "/api/datasets/vega/flights/tree/main/data")).json<
      Array<Record<string, unknown>>
    >();
    expect(inside).toEqual([
      {
        type: "file",
        oid: expect.stringMatching(/^[0-9a-f]{40}$/),
        size: parquet.length,
        path: "data/train-00000-of-00001.parquet",
        lfs: {
          oid: createHash("sha256").update(parquet).digest("hex"),
          size: parquet.length,
          pointerSize: 133,
        },
      },
    ]);
    const encoded = await raw("GET", "/api/models/vega/cars-regressor/tree/main/training%2F?expand=true");
    expect(encoded.json()).toEqual([
      expect.objectContaining({
        path: "training/cars.json",
        lastCommit: expect.objectContaining({ title: "Import vega/cars-regressor" }),
      }),
    ]);
    const missing = await raw("GET", "/api/models/vega/cars-regressor/tree/main/nothing");
    expect(missing.headers["x-error-code"]).toBe("EntryNotFound");
  });

  it("pages a long tree with a Link header", async () => {
    const seen: string[] = [];
    let next: string | undefined = "/api/datasets/vega/many-files/tree/main/shards";
    let pages = 0;
    while (next) {
      const answer = await raw("GET", next);
      seen.push(...answer.json<Array<{ path: string }>>().map((entry) => entry.path));
      const link = answer.headers.link as string | undefined;
      const url = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
      next = url ? `${new URL(url).pathname}${new URL(url).search}` : undefined;
      pages++;
    }
    expect(pages).toBe(2);
    expect(seen).toHaveLength(MANY_FILES);
    expect(new Set(seen).size).toBe(MANY_FILES);
  });

  it("answers paths-info for form and JSON bodies", async () => {
    const form = await raw(
      "POST",
      "/api/models/vega/cars-regressor/paths-info/main",
      { "content-type": "application/x-www-form-urlencoded" },
      "paths=config.json&paths=training&paths=absent.txt&expand=false",
    );
    expect(form.json<Array<{ path: string; type: string }>>().map((e) => [e.type, e.path])).toEqual([
      ["file", "config.json"],
      ["directory", "training"],
    ]);
    const json = await raw(
      "POST",
      "/api/models/vega/cars-regressor/paths-info/main",
      { "content-type": "application/json" },
      JSON.stringify({ paths: ["training/cars.json"], expand: true }),
    );
    expect(json.json()).toEqual([
      expect.objectContaining({ path: "training/cars.json", size: 100492, lastCommit: expect.any(Object) }),
    ]);
    const tooBig = await raw(
      "POST",
      "/api/models/vega/cars-regressor/paths-info/main",
      { "content-type": "application/json" },
      JSON.stringify({ paths: ["x".repeat(2 << 20)] }),
    );
    expect(tooBig.status).toBe(413);
  });

  it("lists refs with converts, and pages commits", async () => {
    const refs = (await raw("GET", "/api/datasets/vega/seattle-weather/refs")).json<
      Record<string, unknown[]>
    >();
    expect(refs.converts).toEqual([]);
    expect(refs.branches?.map((b) => (b as { name: string }).name)).toEqual(["feature/x", "main"]);
    expect(refs.tags).toEqual([expect.objectContaining({ name: "v1.0", ref: "refs/tags/v1.0" })]);

    const repo = { type: "model" as const, namespace: "vega", name: "cars-regressor" };
    let head = (await hub.store.resolveRevision(repo, "main")) as string;
    const files = (await hub.store.getCommit(repo, head))?.files as Record<string, StoredFile>;
    for (let i = 0; i < 55; i++) {
      const draft = {
        parents: [head],
        author: "bot",
        date: new Date(Date.now() + i * 1000).toISOString(),
        title: `Step ${i}`,
        message: "",
        files,
      };
      head = (await hub.store.commit(repo, "main", draft, head)).id;
    }
    const first = await raw("GET", "/api/models/vega/cars-regressor/commits/main");
    const page = first.json<Array<{ id: string; title: string; authors: Array<{ user: string }> }>>();
    expect(page).toHaveLength(50);
    expect(page[0]).toMatchObject({ id: head, title: "Step 54", authors: [{ user: "bot" }] });
    const link = first.headers.link as string;
    const second = await raw(
      "GET",
      new URL(/<([^>]+)>/.exec(link)?.[1] ?? "").pathname + new URL(/<([^>]+)>/.exec(link)?.[1] ?? "").search,
    );
    expect((await raw("GET", "/api/models/vega/cars-regressor/commits/main?p=100")).status).toBe(400);
    expect(second.json<Array<{ title: string }>>().map((c) => c.title)).toEqual([
      "Step 4",
      "Step 3",
      "Step 2",
      "Step 1",
      "Step 0",
      "Import vega/cars-regressor",
    ]);
  });

  it("lists repos with search, author, sort and limit", async () => {
    const ids = async (query: string) =>
      (await raw("GET", `/api/datasets${query}`)).json<Array<{ id: string }>>().map((repo) => repo.id);
    expect(await ids("")).toEqual(["vega/flights", "vega/many-files", "vega/movies", "vega/seattle-weather"]);
    expect(await ids("?search=WEATHER")).toEqual(["vega/seattle-weather"]);
    expect(await ids("?author=team")).toEqual([]);
    expect(await ids("?limit=2")).toEqual(["vega/flights", "vega/many-files"]);
    const limited = await raw("GET", "/api/datasets?limit=2");
    expect(limited.headers.link).toMatch(/cursor=2.*rel="next"/);
    expect(await ids("?search=weather&search=flights")).toEqual(["vega/seattle-weather"]);
    expect(await ids("?sort=trendingScore&author=team")).toEqual([]);
    expect(await ids("?sort=id&direction=-1&limit=1")).toEqual(["vega/seattle-weather"]);
    expect((await raw("GET", "/api/datasets?sort=stars")).status).toBe(400);
    expect((await raw("GET", "/api/models")).json<Array<{ id: string }>>().map((r) => r.id)).toEqual([
      "vega/cars-regressor",
      "vega/gated-model",
    ]);
  });
});

describe("limits", () => {
  it("refuses request headers past Node's limit", async () => {
    const answer = await raw("GET", csvPath, { "x-padding": "x".repeat(32 * 1024) }).catch((error) => error);
    // Node answers 431 and closes; a client may see the close first.
    expect(answer instanceof Error ? answer.message : answer.status).toSatisfy(
      (outcome: unknown) => outcome === 431 || /socket hang up|ECONNRESET/.test(String(outcome)),
    );
  });
});

describe("aborted downloads", () => {
  it("closes the blob when a client goes away mid-download", async () => {
    const sha = createHash("sha256").update(parquet).digest("hex");
    const blob = hub.store.blobPath(sha) as string;
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: parquetPath, agent: false }, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", (error) => (req.destroyed ? undefined : reject(error)));
      req.end();
    });
    let open = 1;
    for (let tries = 0; tries < 50 && open > 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const fds = await readdir("/proc/self/fd");
      const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => "")));
      open = targets.filter((target) => target === blob).length;
    }
    expect(open).toBe(0);
  });
});

describe("shutdown", () => {
  it("finishes a download under way before it closes", async () => {
    const answer = new Promise<Answer>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: parquetPath, agent: false }, (res) => {
        res.pause();
        // The server is asked to close while this body has barely started to flow.
        void hub.server.app.close();
        setTimeout(() => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
              json: () => undefined as never,
            }),
          );
          res.resume();
        }, 200);
      });
      req.on("error", reject);
      req.end();
    });
    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(body.equals(parquet)).toBe(true);
  });
});
