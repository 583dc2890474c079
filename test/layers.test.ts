/**
 * The layer rule of DESIGN.md: core <- hub <- datasets <- catalog; mirror uses core, hub and datasets;
 * only cli imports everything; nothing imports cli. This test reads every source file's imports.
 */
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "..", "src");

const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  hub: ["core"],
  datasets: ["core", "hub"],
  catalog: ["core", "hub", "datasets"],
  mirror: ["core", "hub", "datasets"],
  cli: ["core", "hub", "datasets", "catalog", "mirror"],
  // src/index.ts re-exports the library's parts for `import ... from "wharf"`.
  ".": ["core", "hub", "datasets", "catalog", "mirror"],
};

const IMPORT =
  /(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;

/** The layer a file under src/ belongs to: its first folder, or "." for files at the top. */
function layerOf(file: string): string {
  const parts = relative(SRC, file).split("/");
  return parts.length === 1 ? "." : (parts[0] as string);
}

/** Every rule broken by `source` (the text of `file`): "file -> target (layer)". */
function violations(file: string, source: string): string[] {
  const from = layerOf(file);
  const found: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? "";
    if (!specifier.startsWith(".")) continue;
    const target = resolve(dirname(file), specifier);
    if (!target.startsWith(SRC)) continue;
    const to = layerOf(target);
    if (to === from) continue;
    if (!(ALLOWED[from] ?? []).includes(to)) found.push(`${relative(SRC, file)} -> ${specifier} (${to})`);
  }
  return found;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("layers", () => {
  it("no file imports a higher layer, and nothing imports cli", async () => {
    const files = await sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(10);
    const broken: string[] = [];
    for (const file of files) broken.push(...violations(file, await readFile(file, "utf8")));
    expect(broken).toEqual([]);
  });

  it("catches an upward import, a dynamic one and an import of cli", () => {
    const coreFile = join(SRC, "core", "x.ts");
    expect(violations(coreFile, 'import { a } from "../hub/a.js";')).toHaveLength(1);
    expect(violations(coreFile, 'const m = await import("../datasets/index.js");')).toHaveLength(1);
    expect(violations(join(SRC, "mirror", "x.ts"), 'export { run } from "../cli/main.js";')).toHaveLength(1);
    expect(violations(join(SRC, "mirror", "x.ts"), 'import type { X } from "../catalog/x.js";')).toHaveLength(
      1,
    );
    expect(violations(join(SRC, "catalog", "x.ts"), 'import { y } from "../datasets/y.js";')).toEqual([]);
  });
});
