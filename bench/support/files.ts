/** Benchmark inputs made once and kept in `.bench-tmp/` between runs. */
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

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

/**
 * `count` text files of 4 KiB to 64 KiB under `folder/shards/{0..19}/` (regular git files, as configs,
 * vocabularies and small shards are), made once: a `{folder}.done` marker says they are complete.
 */
export async function ensureSmallFiles(folder: string, count: number): Promise<void> {
  if (existsSync(`${folder}.done`)) return;
  await rm(folder, { recursive: true, force: true });
  for (let i = 0; i < count; i++) {
    const shard = join(folder, "shards", String(i % 20));
    await mkdir(shard, { recursive: true });
    const size = 4096 + Math.floor((((i * 7919) % 1000) / 1000) * 60 * 1024);
    await writeFile(
      join(shard, `part-${i}.txt`),
      randomBytes(Math.ceil(size * 0.75))
        .toString("base64")
        .slice(0, size),
    );
  }
  await writeFile(`${folder}.done`, "");
}
