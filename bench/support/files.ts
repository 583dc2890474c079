/** Benchmark inputs made once and kept in `.bench-tmp/` between runs. */
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";

/** Writes `size` random bytes to `path`, unless a file is there already. */
export async function ensureRandomFile(path: string, size: number): Promise<void> {
  if (existsSync(path)) return;
  const stream = createWriteStream(path);
  for (let written = 0; written < size; written += 1 << 24) {
    if (!stream.write(randomBytes(Math.min(1 << 24, size - written)))) {
      await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
    }
  }
  await new Promise<void>((resolve) => stream.end(() => resolve()));
}
