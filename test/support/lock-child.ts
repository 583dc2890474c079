/**
 * Run as a separate process by the lock tests: takes the lock at argv[2], then interrupts itself as
 * Ctrl-C would, without releasing it, so a test can see what an interrupted holder leaves behind.
 */
import { acquireLock } from "../../src/core/lock.js";

const [lockPath] = process.argv.slice(2);
if (!lockPath) throw new Error("usage: lock-child LOCK_PATH");
await acquireLock(lockPath);
process.stdout.write("held\n");
process.kill(process.pid, "SIGINT");
await new Promise((resolve) => setTimeout(resolve, 10_000));
