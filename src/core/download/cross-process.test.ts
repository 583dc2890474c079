import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FaultServer } from "../../../test/support/fault-server.js";
import { runTs } from "../../../test/support/processes.js";

let server: FaultServer;
beforeAll(async () => {
  server = await new FaultServer().start();
});
afterAll(async () => {
  await server.stop();
});

it("two processes downloading one URL to one target make one transfer and one intact file", async () => {
  // The engine learns a file's size from its answer, and takes the lock only for a large one: the
  // second process then finds the lock held and drops its answer before the body, so the body is sent
  // whole once, and the other answer is cut after its first chunks.
  const dir = await mkdtemp(join(tmpdir(), "wharf-xproc-"));
  try {
    const body = randomBytes(4 * 1024 * 1024);
    // Slow enough (64 chunks, 10 ms apart) that both processes are running while the bytes flow.
    const url = server.serve("/shared.bin", body, { chunkDelayMs: 10 });
    const dest = join(dir, "shared.bin");
    const child = "test/support/download-child.ts";
    const results = await Promise.all([runTs(child, [url, dest]), runTs(child, [url, dest])]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const reports = results.map(
      (result) => JSON.parse(result.stdout) as { skipped: boolean; transferred: number },
    );
    expect(reports.map((report) => report.skipped).sort()).toEqual([false, true]);
    expect(reports.reduce((sum, report) => sum + report.transferred, 0)).toBe(body.length);
    const answers = server.requestsFor("/shared.bin").map((request) => request.bytesSent);
    expect(answers.filter((sent) => sent === body.length)).toHaveLength(1);
    expect(answers.filter((sent) => sent < body.length)).toHaveLength(answers.length - 1);
    expect(answers.length).toBeLessThanOrEqual(2);
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(await readdir(dir)).toEqual(["shared.bin"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
