/**
 * `getSafetensorsMetadata` against the wharf server, on safetensors files a test writes by the format's
 * rules (a little-endian header length, the JSON header, the tensor bytes): one file whose header is
 * larger than the first ranged read, and a sharded model with its index.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importIntoHub, useSampleHub } from "../../test/support/sample-hub.js";
import { useTempFolders } from "../../test/support/temp-folders.js";
import { getSafetensorsMetadata, NotASafetensorsRepoError } from "./safetensors-metadata.js";

const hub = useSampleHub();
const temp = useTempFolders("wharf-safetensors-");

/** A safetensors file of float32 tensors of the given shapes (zeros), with optional metadata. */
function safetensors(tensors: Record<string, number[]>, metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, shape] of Object.entries(tensors)) {
    const size = shape.reduce((product, n) => product * n, 1) * 4;
    header[name] = { dtype: "F32", shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, Buffer.alloc(offset)]);
}

describe("getSafetensorsMetadata", () => {
  it("reads a single file's header, even one larger than the first ranged read", async () => {
    const folder = temp();
    // 3,000 small tensors: a header of about 200 kB.
    const tensors = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`layer.${i}.weight`, [2, 3]]));
    writeFileSync(join(folder, "model.safetensors"), safetensors(tensors, { format: "pt" }));
    await importIntoHub(hub(), folder, "me/big-header");
    const meta = await getSafetensorsMetadata({ repoId: "me/big-header", endpoint: hub().url, token: false });
    expect(meta.sharded).toBe(false);
    const file = meta.filesMetadata["model.safetensors"];
    expect(Object.keys(file?.tensors ?? {})).toHaveLength(3000);
    expect(file?.metadata).toEqual({ format: "pt" });
    expect(file?.tensors["layer.2999.weight"]).toEqual({
      dtype: "F32",
      shape: [2, 3],
      dataOffsets: [2999 * 24, 3000 * 24],
      parameterCount: 6,
    });
    expect(meta.parameterCount).toEqual({ F32: 18_000 });
    expect(meta.weightMap["layer.0.weight"]).toBe("model.safetensors");
  });

  it("reads a sharded model through its index, and refuses a repo with no safetensors", async () => {
    const folder = temp();
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, "model-00001-of-00002.safetensors"),
      safetensors({ "a.weight": [4, 4], "a.bias": [4] }),
    );
    writeFileSync(join(folder, "model-00002-of-00002.safetensors"), safetensors({ "b.weight": [4, 2] }));
    const weightMap = {
      "a.weight": "model-00001-of-00002.safetensors",
      "a.bias": "model-00001-of-00002.safetensors",
      "b.weight": "model-00002-of-00002.safetensors",
    };
    writeFileSync(
      join(folder, "model.safetensors.index.json"),
      JSON.stringify({ metadata: { total_size: 112 }, weight_map: weightMap }),
    );
    await importIntoHub(hub(), folder, "me/sharded");
    const meta = await getSafetensorsMetadata({ repoId: "me/sharded", endpoint: hub().url, token: false });
    expect(meta).toMatchObject({
      sharded: true,
      metadata: { total_size: 112 },
      weightMap,
      parameterCount: { F32: 28 },
    });
    expect(Object.keys(meta.filesMetadata).sort()).toEqual([
      "model-00001-of-00002.safetensors",
      "model-00002-of-00002.safetensors",
    ]);
    expect(meta.filesMetadata["model-00002-of-00002.safetensors"]?.tensors["b.weight"]?.shape).toEqual([
      4, 2,
    ]);

    await expect(
      getSafetensorsMetadata({ repoId: "vega/cars-regressor", endpoint: hub().url, token: false }),
    ).rejects.toBeInstanceOf(NotASafetensorsRepoError);
  });
});
