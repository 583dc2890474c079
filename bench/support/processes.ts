/** Child processes for benchmarks: a server that prints its URL, and timed commands. */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";

/** Starts a Node script that prints its URL (the first `http://...` on stdout) and waits for it. */
export async function startServer(
  script: string,
  args: string[],
): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
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
