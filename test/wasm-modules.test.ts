import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { wasmModuleSource, watFiles } from "../scripts/build-wasm.js";

describe("WebAssembly modules", () => {
  it("are assembled from their .wat sources as they stand (run scripts/build-wasm.ts after an edit)", async () => {
    const wats = watFiles();
    expect(wats.length).toBeGreaterThan(0);
    for (const wat of wats)
      expect(readFileSync(wat.replace(/\.wat$/, "-wasm.ts"), "utf8")).toBe(await wasmModuleSource(wat));
  });
});
