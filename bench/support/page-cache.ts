/**
 * The same memory for every run: the kernel's page cache written out and emptied, then the run's
 * inputs read back in, so that each client starts with its inputs in memory and free memory to write
 * into that the host still backs.
 *
 * Why: this virtual machine reports free memory back to its host (virtio-balloon free page reporting),
 * and touching a page the host has taken back costs about 2.3 s per GiB, against 0.15 s for a page freed
 * a moment before. After earlier runs, the page cache had grown into such memory, and a server
 * receiving a 1 GiB upload spent 1.96 s in its writes instead of 0.29 s: the upload took 4.7 to 5.5 s
 * instead of 3.0 to 3.3 s, whichever client sent it, and which client ran after which decided the
 * figures. Emptying the cache right before a run frees pages the host still backs (ARCHITECTURE.md,
 * "The benchmark's memory state"). Emptying it needs root; without it the runs only `sync`.
 */
import { execFileSync } from "node:child_process";
import { closeSync, openSync, readdirSync, readSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Reads every file under `path` (a file or a folder) once, into the page cache. */
function readThrough(path: string, buffer: Buffer): void {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path)) readThrough(join(path, name), buffer);
    return;
  }
  const fd = openSync(path, "r");
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/** Syncs, empties the page cache when allowed, and reads `inputs` back in; says whether it emptied it. */
export function freshPageCache(inputs: readonly string[]): boolean {
  execFileSync("sync");
  let emptied = false;
  try {
    writeFileSync("/proc/sys/vm/drop_caches", "3");
    emptied = true;
  } catch {
    // Not root: the cache stays as it is.
  }
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (const input of inputs) readThrough(input, buffer);
  return emptied;
}
