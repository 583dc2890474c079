/**
 * A folder written whole or not at all: its contents go into a hidden staging folder beside the target,
 * which replaces the target only once everything is written; on failure the staging folder is removed.
 * Used by `saveToDisk` (datasets and dicts) and the prepared datasets cache.
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

export async function writeFolderStaged(
  target: string,
  write: (staging: string) => Promise<void>,
): Promise<void> {
  const absolute = resolve(target);
  const staging = join(dirname(absolute), `.${basename(absolute)}.${process.pid}.incomplete`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await write(staging);
    rmSync(absolute, { recursive: true, force: true });
    renameSync(staging, absolute);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
