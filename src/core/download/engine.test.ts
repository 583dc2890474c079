import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FaultServer } from "../../../test/support/fault-server.js";
import {
  AbortedError,
  ChecksumMismatchError,
  EntryNotFoundError,
  NetworkError,
  ServerError,
  SizeMismatchError,
} from "../errors.js";
import { HttpClient } from "../http/client.js";
import { downloadFile, parseContentRange } from "./engine.js";
import { downloadMany } from "./many.js";

const fast = { baseDelayMs: 5, maxDelayMs: 20, maxRetries: 4 };
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

let server: FaultServer;
let client: HttpClient;
let dir: string;
const body = randomBytes(1024 * 1024 + 123);

beforeAll(async () => {
  server = await new FaultServer().start();
  client = new HttpClient({ retry: fast });
});
afterAll(async () => {
  await client.close();
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

describe("downloadFile", () => {
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

  it("resumes when the server sends fewer bytes than its Content-Length", async () => {
    const url = server.serve("/short.bin", body, { faults: [{ kind: "short", bytes: 1000 }] });
    const dest = join(dir, "short.bin");
    await downloadFile({ url, dest, client, expectedSha256: sha256(body), retry: fast });
    await expectOnlyComplete(dest, body);
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
    const controller = new AbortController();
    const first = downloadFile({
      url,
      dest,
      client,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.done > body.length / 3) controller.abort();
      },
    });
    await expect(first).rejects.toBeInstanceOf(AbortedError);
    expect(existsSync(dest)).toBe(false);
    const partial = (await stat(`${dest}.incomplete`)).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(body.length);

    server.files.set("/abort.bin", { body, faults: [] });
    const second = await downloadFile({ url, dest, client, expectedSha256: sha256(body) });
    expect(second.transferred).toBe(body.length - partial);
    await expectOnlyComplete(dest, body);
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
      data: randomBytes(20_000 + i),
    }));
    for (const file of files) server.serve(file.path, file.data, { chunkDelayMs: 2 });
    // Counted on the client: a file is active from its first bytes until its last progress event,
    // which the engine sends before the download returns and frees its slot.
    const active = new Set<string>();
    let mostActive = 0;
    const results = await downloadMany(
      files.map((file) => ({ url: `${server.url}${file.path}`, dest: join(dir, file.path), client })),
      {
        concurrency: 4,
        onProgress: (event) => {
          if (event.finished) active.delete(event.id);
          else active.add(event.id);
          mostActive = Math.max(mostActive, active.size);
        },
      },
    );
    expect(results).toHaveLength(40);
    expect(mostActive).toBeGreaterThan(1);
    expect(mostActive).toBeLessThanOrEqual(4);
    for (const file of files) expect((await readFile(join(dir, file.path))).equals(file.data)).toBe(true);
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
});

describe("parseContentRange", () => {
  it("reads satisfied and unsatisfied ranges", () => {
    expect(parseContentRange("bytes 0-0/1234")).toEqual({ start: 0, total: 1234 });
    expect(parseContentRange("bytes */99")).toEqual({ start: undefined, total: 99 });
    expect(parseContentRange("bytes 5-9/*")).toEqual({ start: 5, total: undefined });
    expect(parseContentRange("nonsense")).toBeUndefined();
  });
});
