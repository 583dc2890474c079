/**
 * Assembles each WebAssembly text file of wharf (every `.wat` under `src`) into a TypeScript module beside it
 * (`name.wat` -> `name-wasm.ts`) that holds the binary as base64, so the package ships no build step
 * and no binary file. Run `npx tsx scripts/build-wasm.ts` after changing a `.wat`; a test fails while
 * a `.wat` and its module disagree.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import wabt from "wabt";

/** The module text generated for a `.wat` file. */
export async function wasmModuleSource(watPath: string): Promise<string> {
  const tools = await wabt();
  const parsed = tools.parseWat(basename(watPath), readFileSync(watPath, "utf8"));
  try {
    const { buffer } = parsed.toBinary({ write_debug_names: false });
    const name = basename(watPath, ".wat");
    return [
      `/** ${name}.wat assembled by scripts/build-wasm.ts: do not edit, run that script instead. */`,
      `export const ${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_WASM =`,
      `  "${Buffer.from(buffer).toString("base64")}";`,
      "",
    ].join("\n");
  } finally {
    parsed.destroy();
  }
}

/** Every `.wat` under `src`. */
export function watFiles(root = join(import.meta.dirname, "..", "src")): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".wat"))
    .map((entry) => join(entry.parentPath, entry.name));
}

if (process.argv[1] === import.meta.filename) {
  for (const wat of watFiles()) {
    const target = wat.replace(/\.wat$/, "-wasm.ts");
    writeFileSync(target, await wasmModuleSource(wat));
    console.log(`${wat} -> ${target}`);
  }
}
