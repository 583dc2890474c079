import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runTs } from "../../test/support/processes.js";
import { LockTimeoutError } from "./errors.js";
import { acquireLock, withLock } from "./lock.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wharf-lock-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("keeps a second holder out until the first releases", async () => {
  const lockPath = join(dir, "a.lock");
  const release = await acquireLock(lockPath);
  const error = await acquireLock(lockPath, { timeoutMs: 100 }).catch((e) => e);
  expect(error).toBeInstanceOf(LockTimeoutError);
  expect(error.message).toContain("remove that file");
  await release();
  expect(existsSync(lockPath)).toBe(false);
  expect(await withLock(lockPath, async () => "ran", { timeoutMs: 100 })).toBe("ran");
});

it("creates a missing lock folder with the mode asked for", async () => {
  const lockPath = join(dir, "private", "b.lock");
  const release = await acquireLock(lockPath, { folderMode: 0o700 });
  expect((await stat(join(dir, "private"))).mode & 0o777).toBe(0o700);
  await release();
});

it("drops the lock when its holder is interrupted, so the next run need not wait", async () => {
  const lockPath = join(dir, "c.lock");
  const child = await runTs("test/support/lock-child.ts", [lockPath]);
  expect(child.stdout).toBe("held\n");
  expect(child.code).not.toBe(0);
  expect(existsSync(lockPath)).toBe(false);
});
