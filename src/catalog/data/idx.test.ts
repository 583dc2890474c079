/** IDX files of every element type, written by numpy (big-endian, as the format says), read back. */
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { useTempFolders } from "../../../test/support/temp-folders.js";
import { readIdx, readIdxHeader } from "./idx.js";

const temp = useTempFolders("wharf-idx-");

const WRITE_IDX = `
import sys, numpy as np
folder = sys.argv[1]
for code, dtype in [(0x08, ">u1"), (0x09, ">i1"), (0x0B, ">i2"), (0x0C, ">i4"), (0x0D, ">f4"), (0x0E, ">f8")]:
    values = np.array([[-3, -1.5, 0], [1, 2.25, 100]]).astype(dtype) if dtype != ">u1" else np.array([[0, 1, 2], [3, 254, 255]], dtype=dtype)
    with open(f"{folder}/{code:02x}.idx", "wb") as out:
        out.write(bytes([0, 0, code, values.ndim]))
        out.write(np.array(values.shape, dtype=">u4").tobytes())
        out.write(values.tobytes())
`;

it("reads uint8, int8, int16, int32, float32 and float64 tensors as numpy wrote them", async () => {
  const folder = temp();
  execFileSync("python3", ["-c", WRITE_IDX, folder]);
  const expected = {
    "08": { dtype: "uint8", values: [0, 1, 2, 3, 254, 255] },
    "09": { dtype: "int8", values: [-3, -1, 0, 1, 2, 100] },
    "0b": { dtype: "int16", values: [-3, -1, 0, 1, 2, 100] },
    "0c": { dtype: "int32", values: [-3, -1, 0, 1, 2, 100] },
    "0d": { dtype: "float32", values: [-3, -1.5, 0, 1, 2.25, 100] },
    "0e": { dtype: "float64", values: [-3, -1.5, 0, 1, 2.25, 100] },
  };
  for (const [code, { dtype, values }] of Object.entries(expected)) {
    const tensor = await readIdx(join(folder, `${code}.idx`));
    expect({ dtype: tensor.dtype, shape: tensor.shape, values: [...tensor.data] }).toEqual({
      dtype,
      shape: [2, 3],
      values,
    });
    expect(await readIdxHeader(join(folder, `${code}.idx`))).toEqual({ dtype, shape: [2, 3] });
  }
});

it("refuses files that are not IDX, or whose size disagrees with the header", async () => {
  const folder = temp();
  await writeFile(join(folder, "text.idx"), "hello");
  await expect(readIdx(join(folder, "text.idx"))).rejects.toThrow(/not an IDX file/);
  await writeFile(join(folder, "short.idx"), Buffer.from([0, 0, 0x08, 1, 0, 0, 0, 4, 1, 2]));
  await expect(readIdx(join(folder, "short.idx"))).rejects.toThrow(/announces 4 elements/);
  await writeFile(join(folder, "type.idx"), Buffer.from([0, 0, 0x07, 0]));
  await expect(readIdx(join(folder, "type.idx"))).rejects.toThrow(/0x7 is not one of/);
});
