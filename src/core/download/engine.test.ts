import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FaultServer, mostAtOnce } from "../../../test/support/fault-server.js";
import {
  AbortedError,
  ChecksumMismatchError,
  EntryNotFoundError,
  InvalidArgumentError,
  NetworkError,
  ServerError,
  SizeMismatchError,
} from "../errors.js";
import { HttpClient } from "../http/client.js";
import { acquireLock } from "../lock.js";
import { defaultLockPath, downloadFile, parseContentRange } from "./engine.js";
import { downloadMany } from "./many.js";

const fast = { baseDelayMs: 5, maxDelayMs: 20, maxRetries: 4 };
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

let server: FaultServer;
/** The client of the tests running now: one of the two below. */
let client: HttpClient;
let fastPathClient: HttpClient;
let nodeHttpClient: HttpClient;
let dir: string;
const body = randomBytes(1024 * 1024 + 123);

beforeAll(async () => {
  server = await new FaultServer().start();
  fastPathClient = new HttpClient({ retry: fast });
  nodeHttpClient = new HttpClient({ retry: fast, fastPath: false });
  client = fastPathClient;
});
afterAll(async () => {
  await fastPathClient.close();
  await nodeHttpClient.close();
  await server.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wharf-engine-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The destination holds exactly `body`, and nothing else is left in the folder. */
async function expectOnlyComplete(dest: string, expected: Buffer): Promise<void> {
  expect((await readFile(dest)).equals(expected)).toBe(true);
  expect(await readdir(dir)).toEqual([dest.split("/").pop()]);
}

/** Starts downloading `url` and cancels once a third of `body` has arrived. */
function abortPartWay(url: string, dest: string): Promise<unknown> {
  const controller = new AbortController();
  return downloadFile({
    url,
    dest,
    client,
    signal: controller.signal,
    onProgress: (event) => {
      if (event.done > body.length / 3) controller.abort();
    },
  });
}

// Every case runs on both of the client's paths for a GET: its fast path, and Node's http.
describe.each([
  { path: "the fast path", fastPath: true },
  { path: "Node's http", fastPath: false },
])("downloadFile through $path", ({ fastPath }) => {
  beforeAll(() => {
    client = fastPath ? fastPathClient : nodeHttpClient;
  });
  afterAll(() => {
    client = fastPathClient;
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.bytesSent.clear();
  });

  it("downloads a file whole and reports its sha256", async () => {
    const url = server.serve("/plain.bin", body);
    const dest = join(dir, "plain.bin");
    const result = await downloadFile({ url, dest, client, computeSha256: true });
    expect(result).toMatchObject({
      size: body.length,
      transferred: body.length,
      skipped: false,
      sha256: sha256(body),
    });
    await expectOnlyComplete(dest, body);
  });

  it("resumes with Range after the connection drops mid-body", async () => {
    const url = server.serve("/drop.bin", body, {
      faults: [{ kind: "drop", afterBytes: Math.floor(body.length / 2) }],
    });
    const dest = join(dir, "drop.bin");
    const result = await downloadFile({ url, dest, client, expectedSha256: sha256(body), retry: fast });
    const gets = server.requestsFor("/drop.bin");
    expect(gets).toHaveLength(2);
    expect(gets[1]?.headers.range).toMatch(/^bytes=\d+-$/);
    expect(Number(gets[1]?.headers.range?.slice(6, -1))).toBeGreaterThan(0);
    expect(result.transferred).toBe(body.length);
    await expectOnlyComplete(dest, body);
  });

  it("retries a 503 and a 429 with Retry-After, then succeeds", async () => {
    const url = server.serve("/flaky.bin", body, {
      faults: [
        { kind: "status", status: 503 },
        { kind: "status", status: 429, headers: { "retry-after": "0" } },
      ],
    });
    const dest = join(dir, "flaky.bin");
    await downloadFile({ url, dest, client, expectedSize: body.length, retry: fast });
    expect(server.requestsFor("/flaky.bin")).toHaveLength(3);
    await expectOnlyComplete(dest, body);
  });

  it("starts over when the server ignores Range", async () => {
    const url = server.serve("/norange.bin", body, {
      faults: [{ kind: "drop", afterBytes: 300_000 }, { kind: "ignore-range" }],
    });
    const dest = join(dir, "norange.bin");
    const result = await downloadFile({ url, dest, client, expectedSha256: sha256(body), retry: fast });
    expect(server.requestsFor("/norange.bin")[1]?.headers.range).toBeDefined();
    expect(result.size).toBe(body.length);
    await expectOnlyComplete(dest, body);
  });

  it("refuses a whole-looking answer shorter than the expected size and keeps nothing", async () => {
    const url = server.serve("/short.bin", body, { faults: [{ kind: "short", bytes: 1000 }] });
    const dest = join(dir, "short.bin");
    const error = await downloadFile({ url, dest, client, expectedSize: body.length }).catch((e) => e);
    expect(error).toBeInstanceOf(SizeMismatchError);
    expect(await readdir(dir)).toEqual([]);
  });

  it("asks for the rest when a server answers a Range with a shorter range", async () => {
    const url = server.serve("/short-range.bin", body, {
      faults: [
        { kind: "drop", afterBytes: 300_000 },
        { kind: "short", bytes: 100_000 },
      ],
    });
    const dest = join(dir, "short-range.bin");
    const result = await downloadFile({ url, dest, client, computeSha256: true, retry: fast });
    const starts = server.requestsFor("/short-range.bin").map((r) => Number(r.headers.range?.slice(6, -1)));
    expect(starts).toHaveLength(3);
    expect(starts[2]).toBe((starts[1] ?? Number.NaN) + 100_000);
    expect(result.sha256).toBe(sha256(body));
    await expectOnlyComplete(dest, body);
  });

  it("keeps the bytes before a range that starts earlier than asked", async () => {
    const url = server.serve("/earlier.bin", body, {
      faults: [
        { kind: "drop", afterBytes: 300_000 },
        { kind: "range-from", start: 1000 },
      ],
    });
    const dest = join(dir, "earlier.bin");
    const result = await downloadFile({ url, dest, client, computeSha256: true, retry: fast });
    expect(server.requestsFor("/earlier.bin")).toHaveLength(2);
    expect(result.sha256).toBe(sha256(body));
    await expectOnlyComplete(dest, body);
  });

  it("asks for the whole file when a range starts beyond the bytes it has", async () => {
    const url = server.serve("/later.bin", body, {
      faults: [
        { kind: "drop", afterBytes: 300_000 },
        { kind: "range-from", start: 500_000 },
      ],
    });
    const dest = join(dir, "later.bin");
    const result = await downloadFile({ url, dest, client, computeSha256: true, retry: fast });
    const gets = server.requestsFor("/later.bin");
    expect(gets).toHaveLength(3);
    expect(gets[2]?.headers.range).toBeUndefined();
    expect(result.sha256).toBe(sha256(body));
    await expectOnlyComplete(dest, body);
  });

  it("gives up on a server that ignores Range and keeps dropping, instead of starting over forever", async () => {
    const faults = Array.from({ length: 12 }, () => ({
      kind: "drop" as const,
      afterBytes: 300_000,
      ignoreRange: true,
    }));
    const url = server.serve("/no-progress.bin", body, { faults });
    const dest = join(dir, "no-progress.bin");
    const error = await downloadFile({ url, dest, client, retry: { ...fast, maxRetries: 2 } }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(server.requestsFor("/no-progress.bin").length).toBeLessThanOrEqual(4);
    expect(existsSync(dest)).toBe(false);
  });

  it("starts over when the file changes between two requests of one download", async () => {
    const next = randomBytes(body.length);
    const url = server.serve("/changes.bin", body, {
      faults: [
        { kind: "drop", afterBytes: 300_000 },
        { kind: "changed", body: next, etag: '"v2"' },
      ],
    });
    const dest = join(dir, "changes.bin");
    await downloadFile({ url, dest, client, retry: fast });
    const gets = server.requestsFor("/changes.bin");
    expect(gets).toHaveLength(3);
    expect(gets[1]?.headers["if-range"]).toBe('"v1"');
    expect(gets[2]?.headers.range).toBeUndefined();
    await expectOnlyComplete(dest, next);
  });

  it("does not resume an earlier run's partial file when the file's ETag changed", async () => {
    const url = server.serve("/etag.bin", body, { chunkDelayMs: 5 });
    const dest = join(dir, "etag.bin");
    await expect(abortPartWay(url, dest)).rejects.toBeInstanceOf(AbortedError);
    expect(await readFile(`${dest}.incomplete.etag`, "utf8")).toBe('"v1"');

    const next = randomBytes(body.length);
    server.serve("/etag.bin", next, { headers: { etag: '"v2"' } });
    const second = await downloadFile({ url, dest, client });
    expect(second.transferred).toBe(next.length);
    await expectOnlyComplete(dest, next);
  });

  it("treats a stalled body as a dropped connection and resumes", async () => {
    const url = server.serve("/stall.bin", body, { faults: [{ kind: "stall", afterBytes: 200_000 }] });
    const dest = join(dir, "stall.bin");
    await downloadFile({ url, dest, client, expectedSha256: sha256(body), stallTimeoutMs: 300, retry: fast });
    expect(server.requestsFor("/stall.bin")).toHaveLength(2);
    await expectOnlyComplete(dest, body);
  });

  it("refuses bytes whose sha256 is wrong and keeps nothing", async () => {
    const url = server.serve("/sha.bin", body);
    const dest = join(dir, "sha.bin");
    const wrong = sha256(Buffer.from("something else"));
    await expect(downloadFile({ url, dest, client, expectedSha256: wrong })).rejects.toBeInstanceOf(
      ChecksumMismatchError,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses an answer whose length differs from the expected size before writing it", async () => {
    const url = server.serve("/size.bin", body);
    const dest = join(dir, "size.bin");
    const error = await downloadFile({ url, dest, client, expectedSize: body.length + 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(SizeMismatchError);
    expect(error.message).toContain(`${body.length + 1} were expected`);
    expect(await readdir(dir)).toEqual([]);
  });

  it("gives up on a server that keeps failing with a typed error", async () => {
    const faults = Array.from({ length: 10 }, () => ({ kind: "status" as const, status: 503 }));
    const url = server.serve("/down.bin", body, { faults });
    const dest = join(dir, "down.bin");
    const error = await downloadFile({ url, dest, client, retry: { ...fast, maxRetries: 2 } }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ServerError);
    expect(error.status).toBe(503);
    expect(server.requestsFor("/down.bin")).toHaveLength(3);
    expect(await readdir(dir)).toEqual([]);
  });

  it("raises the Hub's error code as its class", async () => {
    const dest = join(dir, "missing.bin");
    const error = await downloadFile({ url: `${server.url}/missing.bin`, dest, client }).catch((e) => e);
    expect(error).toBeInstanceOf(EntryNotFoundError);
    expect(error.message).toContain("/missing.bin does not exist");
    expect(await readdir(dir)).toEqual([]);
  });

  it("fails with NetworkError when nothing listens, leaving nothing behind", async () => {
    const dest = join(dir, "refused.bin");
    const error = await downloadFile({
      url: "http://127.0.0.1:1/x",
      dest,
      client,
      retry: { maxRetries: 1, baseDelayMs: 1 },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(await readdir(dir)).toEqual([]);
  });

  it("cancels cleanly on abort, and a second run resumes from the partial file", async () => {
    const url = server.serve("/abort.bin", body, { chunkDelayMs: 5 });
    const dest = join(dir, "abort.bin");
    await expect(abortPartWay(url, dest)).rejects.toBeInstanceOf(AbortedError);
    expect(existsSync(dest)).toBe(false);
    const partial = (await stat(`${dest}.incomplete`)).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(body.length);

    server.files.set("/abort.bin", { body, faults: [] });
    const second = await downloadFile({ url, dest, client, expectedSha256: sha256(body) });
    expect(second.transferred).toBe(body.length - partial);
    await expectOnlyComplete(dest, body);
  });

  it("removes a partial file of its own on failure when told not to keep it", async () => {
    const url = server.serve("/own.bin", body, { chunkDelayMs: 5 });
    const dest = join(dir, "own.bin");
    const controller = new AbortController();
    const error = await downloadFile({
      url,
      dest,
      client,
      incompletePath: `${dest}.mine.incomplete`,
      keepPartial: false,
      lockPath: false,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.done > body.length / 3) controller.abort();
      },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(await readdir(dir)).toEqual([]);
  });

  it("starts over when a partial file from an earlier run does not belong to the file", async () => {
    const url = server.serve("/stale.bin", body);
    const dest = join(dir, "stale.bin");
    await writeFile(`${dest}.incomplete`, randomBytes(5000));
    const result = await downloadFile({ url, dest, client, expectedSha256: sha256(body) });
    expect(result.transferred).toBe(body.length);
    await expectOnlyComplete(dest, body);
  });

  it("finishes a partial file that already holds every byte", async () => {
    const url = server.serve("/whole.bin", body);
    const dest = join(dir, "whole.bin");
    await writeFile(`${dest}.incomplete`, body);
    const result = await downloadFile({ url, dest, client, expectedSha256: sha256(body) });
    expect(result.transferred).toBe(0);
    await expectOnlyComplete(dest, body);
  });

  it("downloads again over an existing file whose sha256 is not the one expected", async () => {
    const url = server.serve("/replace.bin", body);
    const dest = join(dir, "replace.bin");
    await writeFile(dest, Buffer.alloc(body.length));
    const result = await downloadFile({ url, dest, client, expectedSha256: sha256(body), durable: true });
    expect(result).toMatchObject({ skipped: false, transferred: body.length });
    await expectOnlyComplete(dest, body);
    const again = await downloadFile({ url, dest, client, expectedSha256: sha256(body) });
    expect(again).toMatchObject({ skipped: true, sha256: sha256(body) });
  });

  it("takes a trusted existing file of the right size without reading it", async () => {
    const url = server.serve("/trusted.bin", body);
    const dest = join(dir, "trusted.bin");
    // Bytes that would not verify: a trusted file is not hashed again, so they stay.
    await writeFile(dest, Buffer.alloc(body.length));
    const options = { url, dest, client, expectedSize: body.length, expectedSha256: sha256(body) };
    expect(await downloadFile({ ...options, trustExisting: true })).toMatchObject({ skipped: true });
    expect(server.requestsFor("/trusted.bin")).toHaveLength(0);
    expect(await downloadFile(options)).toMatchObject({ skipped: false, transferred: body.length });
  });

  it("takes the lock only for a file of 1 MiB or more, dropping its answer while it waits", async () => {
    const small = randomBytes(64 * 1024);
    const smallDest = join(dir, "small.bin");
    const bigDest = join(dir, "big.bin");
    // Another process holds both files' locks.
    const releases = await Promise.all(
      [smallDest, bigDest].map((dest) => acquireLock(defaultLockPath(dest))),
    );
    try {
      const smallResult = await downloadFile({
        url: server.serve("/small.bin", small),
        dest: smallDest,
        client,
      });
      expect(smallResult.size).toBe(small.length);
      let bigDone = false;
      const big = downloadFile({ url: server.serve("/big.bin", body), dest: bigDest, client }).then(
        (result) => {
          bigDone = true;
          return result;
        },
      );
      // Its first request goes out, then it waits for the lock, however long that takes to happen here.
      while (server.requestsFor("/big.bin").length === 0)
        await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(bigDone).toBe(false);
      expect(server.requestsFor("/big.bin")).toHaveLength(1);
      await releases[1]?.();
      expect((await big).transferred).toBe(body.length);
      // Its first answer was dropped when it began to wait (not left holding a connection), so the
      // file came by a second request.
      expect(server.requestsFor("/big.bin")).toHaveLength(2);
    } finally {
      for (const release of releases) await release();
    }
    expect((await readFile(smallDest)).equals(small)).toBe(true);
    expect((await readFile(bigDest)).equals(body)).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(["big.bin", "small.bin"]);
  });

  it("leaves nothing behind when a small download fails", async () => {
    const small = randomBytes(64 * 1024);
    // Part of the file, then the file is gone.
    const url = server.serve("/small-drop.bin", small, {
      faults: [
        { kind: "drop", afterBytes: 1000 },
        { kind: "status", status: 404 },
        { kind: "status", status: 404 },
      ],
    });
    const dest = join(dir, "small-drop.bin");
    await expect(downloadFile({ url, dest, client })).rejects.toMatchObject({ status: 404 });
    expect(server.requestsFor("/small-drop.bin")[0]?.bytesSent).toBe(1000);
    expect(await readdir(dir)).toEqual([]);
  });

  it("removes its own partial file when the file cannot be put in place", async () => {
    const small = randomBytes(4096);
    const dest = join(dir, "taken");
    await mkdir(join(dest, "inside"), { recursive: true }); // a folder with something in it: no rename over it
    await expect(
      downloadFile({ url: server.serve("/taken.bin", small), dest, client, force: true }),
    ).rejects.toThrow();
    expect(await readdir(dir)).toEqual(["taken"]);
  });

  it("keeps its default locks in a folder of the user's own", async () => {
    const url = server.serve("/locked.bin", body);
    const dest = join(dir, "locked.bin");
    await downloadFile({ url, dest, client });
    const folder = dirname(defaultLockPath(dest));
    expect(folder).toBe(join(tmpdir(), `wharf-locks-${process.getuid?.()}`));
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
  });

  it("skips a destination that already exists unless forced", async () => {
    const url = server.serve("/exists.bin", body);
    const dest = join(dir, "exists.bin");
    await writeFile(dest, body);
    const skipped = await downloadFile({ url, dest, client, expectedSize: body.length });
    expect(skipped).toMatchObject({ skipped: true, transferred: 0 });
    const forced = await downloadFile({ url, dest, client, force: true });
    expect(forced.transferred).toBe(body.length);
    expect(server.requestsFor("/exists.bin")).toHaveLength(1);
  });
});

describe("downloadMany", () => {
  it("downloads many files under the concurrency limit", async () => {
    const files = Array.from({ length: 40 }, (_, i) => ({
      path: `/many/${i}.bin`,
      // Several 64 KiB chunks apart in time, so downloads in flight overlap.
      data: randomBytes(200_000 + i),
    }));
    for (const file of files) server.serve(file.path, file.data, { chunkDelayMs: 2 });
    const results = await downloadMany(
      files.map((file) => ({ url: `${server.url}${file.path}`, dest: join(dir, file.path), client })),
      { concurrency: 4 },
    );
    expect(results).toHaveLength(40);
    // Counted where it cannot be mistaken: the requests the server was answering at once.
    const most = mostAtOnce(server.requests.filter((request) => request.path.startsWith("/many/")));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
    for (const file of files) expect((await readFile(join(dir, file.path))).equals(file.data)).toBe(true);
  });

  it("gives the results in the items' order, and asks for nothing more after the first failure", async () => {
    const slow = randomBytes(300_000);
    const fast = randomBytes(1_000);
    server.serve("/order/slow.bin", slow, { chunkDelayMs: 5 });
    server.serve("/order/fast.bin", fast);
    const results = await downloadMany(
      ["slow", "fast"].map((name) => ({
        url: `${server.url}/order/${name}.bin`,
        dest: join(dir, "order", `${name}.bin`),
        client,
      })),
      { concurrency: 2 },
    );
    expect(results.map((result) => result.size)).toEqual([slow.length, fast.length]);

    const after = ["a", "b", "c"].map((name) => `/after/${name}.bin`);
    for (const path of after) server.serve(path, fast);
    const error = await downloadMany(
      ["/order/absent.bin", ...after].map((path) => ({
        url: `${server.url}${path}`,
        dest: join(dir, path),
        client,
      })),
      { concurrency: 1 },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(EntryNotFoundError);
    for (const path of after) expect(server.requestsFor(path)).toHaveLength(0);
  });

  it("refuses a concurrency that is not a number", async () => {
    await expect(downloadMany([], { concurrency: Number.NaN })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("throws the first failure and cancels the rest", async () => {
    server.serve("/batch/good.bin", body, { chunkDelayMs: 20 });
    const error = await downloadMany(
      [
        { url: `${server.url}/batch/good.bin`, dest: join(dir, "good.bin"), client },
        { url: `${server.url}/batch/absent.bin`, dest: join(dir, "absent.bin"), client },
      ],
      { concurrency: 2 },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(EntryNotFoundError);
    expect(existsSync(join(dir, "good.bin"))).toBe(false);
  });

  it("lets one item's own signal cancel it, and cancels with AbortedError", async () => {
    server.serve("/batch/slow.bin", body, { chunkDelayMs: 5 });
    const controller = new AbortController();
    const error = await downloadMany(
      [
        {
          url: `${server.url}/batch/slow.bin`,
          dest: join(dir, "slow.bin"),
          client,
          signal: controller.signal,
          onProgress: () => controller.abort(),
        },
      ],
      { concurrency: 1 },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(existsSync(join(dir, "slow.bin"))).toBe(false);
  });

  it("raises AbortedError for a batch cancelled before it starts", async () => {
    const error = await downloadMany(
      [{ url: `${server.url}/batch/none.bin`, dest: join(dir, "n"), client }],
      {
        signal: AbortSignal.abort(),
      },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(AbortedError);
  });
});

describe("parseContentRange", () => {
  it("reads satisfied and unsatisfied ranges", () => {
    expect(parseContentRange("bytes 0-0/1234")).toEqual({ start: 0, total: 1234 });
    expect(parseContentRange("bytes */99")).toEqual({ start: undefined, total: 99 });
    expect(parseContentRange("bytes 5-9/*")).toEqual({ start: 5, total: undefined });
    expect(parseContentRange("nonsense")).toBeUndefined();
  });
});
