/**
 * Writing into the Hub cache and local directories without ever showing a half-written entry: small
 * files and snapshot links are made under a temporary name no other writer picks, then renamed.
 */
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, rename, symlink, writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";

/** The cache directory tag Python writes (https://bford.info/cachedir/), byte for byte. */
export const CACHEDIR_TAG =
  "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by huggingface_hub.\n" +
  "# For information about cache directory tags, see:\n#\thttps://bford.info/cachedir/\n";

/** A temporary name beside `path` that no other writer, in this process or another, also picks. */
export function temporaryBeside(path: string): string {
  return `${path}.${randomBytes(6).toString("hex")}.tmp`;
}

/** `text` at `path`, complete or absent; `mode` applies from the start (a secret is never readable). */
export async function writeAtomically(path: string, text: string, mode?: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryBeside(path);
  await writeFile(temporary, text, { mode });
  await rename(temporary, path);
}

/** A copy of `source` at `dest`, complete or absent. */
export async function copyAtomically(source: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const temporary = temporaryBeside(dest);
  await copyFile(source, temporary);
  await rename(temporary, dest);
}

/**
 * A snapshot entry: a relative symlink into blobs/, or a copy where symlinks are refused. Creating a
 * symlink is atomic by itself, so a new entry is linked in place (one call, its folder made only when
 * missing); only replacing an entry, or a copy, goes through a temporary name.
 */
export async function linkSnapshot(blob: string, pointer: string): Promise<void> {
  const target = relative(dirname(pointer), blob);
  try {
    await symlink(target, pointer);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      await mkdir(dirname(pointer), { recursive: true });
      return linkSnapshot(blob, pointer);
    }
    if (code !== "EEXIST" && code !== "EPERM" && code !== "ENOSYS") throw error;
  }
  const temporary = temporaryBeside(pointer);
  try {
    await symlink(target, temporary);
  } catch {
    await copyFile(blob, temporary);
  }
  await rename(temporary, pointer);
}
