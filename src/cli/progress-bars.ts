/**
 * Progress bars on stderr for the CLI's long operations (cli-progress): one bar per file in flight,
 * showing bytes, rate and time left, removed when the file is done, and an overall bar when the
 * operation reports one (phase "files": files done of all). Off with `--quiet`, with
 * `HF_HUB_DISABLE_PROGRESS_BARS=1`, or when stderr is not a terminal (`HF_HUB_DISABLE_PROGRESS_BARS=0`
 * forces them on, as in Python).
 */
import cliProgress from "cli-progress";
import { readEnv } from "../core/env.js";
import type { OnProgress, ProgressEvent } from "../core/progress.js";

interface ProgressDisplay {
  onProgress: OnProgress | undefined;
  stop(): void;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function progressEnabled(quiet: boolean | undefined): boolean {
  const setting = readEnv().disableProgressBars;
  if (quiet || setting === true) return false;
  return setting === false || process.stderr.isTTY === true;
}

function progressBars(options: { quiet?: boolean } = {}): ProgressDisplay {
  if (!progressEnabled(options.quiet)) return { onProgress: undefined, stop: () => {} };
  const multi = new cliProgress.MultiBar({
    stream: process.stderr,
    noTTYOutput: !process.stderr.isTTY,
    hideCursor: true,
    barsize: 24,
    fps: 8,
    format: (options, params, payload: { name: string; unit: "bytes" | "files"; started: number }) => {
      const size = options.barsize ?? 24;
      const filled = Math.round(params.progress * size);
      const bar = `${"█".repeat(filled)}${"░".repeat(Math.max(0, size - filled))}`;
      const seconds = (Date.now() - payload.started) / 1000;
      const rate = seconds > 0 ? params.value / seconds : 0;
      const left = rate > 0 ? (params.total - params.value) / rate : Number.NaN;
      const amount =
        payload.unit === "files"
          ? `${params.value}/${params.total} files`
          : `${formatBytes(params.value)}/${formatBytes(params.total)} ${formatBytes(rate)}/s`;
      return `${payload.name.padEnd(32).slice(0, 32)} ${bar} ${String(Math.floor(params.progress * 100)).padStart(3)}% ${amount} ${formatSeconds(left)} left`;
    },
  });
  const bars = new Map<string, cliProgress.SingleBar>();
  let overall = false;
  const onProgress = (event: ProgressEvent) => {
    const key = `${event.phase}:${event.id}`;
    let bar = bars.get(key);
    if (!bar) {
      const unit = event.phase === "files" ? "files" : "bytes";
      overall ||= unit === "files";
      const name = event.phase === "hash" ? `hash ${event.id}` : event.id;
      bar = multi.create(event.total ?? 0, 0, { name, unit, started: Date.now() });
      bars.set(key, bar);
    }
    if (event.total !== undefined) bar.setTotal(event.total);
    bar.update(event.done);
    // With an overall bar, a finished file's bar makes room for the next; alone, it stays as the record.
    // A hashing bar always goes once done: the upload's bar that follows is the record.
    if (event.finished && event.phase !== "files" && (overall || event.phase === "hash")) {
      multi.remove(bar);
      bars.delete(key);
    }
  };
  let stopped = false;
  const stop = () => {
    if (!stopped) multi.stop();
    stopped = true;
  };
  return { onProgress, stop };
}

/**
 * Runs a long operation with progress bars, handing it their `onProgress`; the bars are off with
 * `--quiet` or `--json` (JSON on stdout wants nothing drawn beside it) and are gone once it settles, so
 * what the command prints next stands alone.
 */
export async function withProgressBars<T>(
  options: { quiet?: boolean; json?: boolean },
  run: (onProgress: OnProgress | undefined) => Promise<T>,
): Promise<T> {
  const progress = progressBars({ quiet: options.quiet || options.json });
  try {
    return await run(progress.onProgress);
  } finally {
    progress.stop();
  }
}
