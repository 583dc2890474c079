/** Child processes for benchmarks: a server that prints its URL, and timed commands. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/**
 * A command line run on the given CPUs (`taskset -c`), so that a server and the client measuring it do
 * not take turns on one core; unchanged where taskset is missing or there is a single CPU.
 */
export function onCpus(cpus: string, command: string, args: string[]): [string, string[]] {
  if (availableParallelism() < 2 || !existsSync("/usr/bin/taskset")) return [command, args];
  return ["/usr/bin/taskset", ["-c", cpus, command, ...args]];
}

/**
 * Starts a Node script that prints its URL (the first `http://...` on stdout) and waits for it; with
 * `cpus`, pinned to those CPUs.
 */
export async function startServer(
  script: string,
  args: string[],
  cpus?: string,
): Promise<{ url: string; process: ChildProcess }> {
  const [command, commandArgs] = cpus
    ? onCpus(cpus, process.execPath, [script, ...args])
    : [process.execPath, [script, ...args]];
  const child = spawn(command, commandArgs, { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let printed = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
      const found = /http:\/\/[^\s]+/.exec(printed)?.[0];
      if (found) resolve(found);
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { url, process: child };
}

/** Resident memory of a process and its children, in KiB (0 once it is gone). */
function residentKiB(pid: number): number {
  let total = 0;
  try {
    total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    for (const child of children ? children.split(" ") : []) total += residentKiB(Number(child));
  } catch {
    // Gone already.
  }
  return total;
}

/** Samples a process tree's resident memory until stopped; `stop()` gives the peak in MiB. */
export function watchMemory(pid: number, intervalMs = 50): { stop(): number } {
  let peak = residentKiB(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, residentKiB(pid));
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, residentKiB(pid)) / 1024;
    },
  };
}

export interface Timed {
  seconds: number;
  /** The highest peak resident memory (VmHWM) seen while it ran, in MiB. */
  peakMiB: number;
}

/** Runs a command to completion, timing it and sampling its peak memory; fails if it fails. */
export async function timeCommand(command: string, args: string[]): Promise<Timed> {
  const started = performance.now();
  let peakKiB = 0;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "inherit"] });
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // Gone already.
      }
    };
    const timer = setInterval(sample, 10);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearInterval(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with ${code}`));
    });
  });
  return { seconds: (performance.now() - started) / 1000, peakMiB: peakKiB / 1024 };
}
