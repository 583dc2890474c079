/**
 * Puts the rows of several same-typed column Data one after another in one new Data, with block copies
 * rather than a row-by-row gather: fixed-width values (numbers, dates, times) and strings or binaries with
 * 32-bit offsets. Other types answer undefined, and the caller gathers them row by row. Offsets follow
 * apache-arrow's slicing rules (see gather.ts): values and offsets are sliced already, bitmaps are not.
 */
import { type Data, type DataType, makeData, Type } from "apache-arrow";
import type { Typed } from "./gather.js";

const FIXED_WIDTH = new Set([Type.Int, Type.Float, Type.Date, Type.Time, Type.Timestamp, Type.Duration]);

export function concatData(type: DataType, sources: readonly Data[]): Data | undefined {
  const strings =
    (type.typeId === Type.Utf8 || type.typeId === Type.Binary) &&
    sources.every((source) => source.valueOffsets instanceof Int32Array);
  if (!strings && !FIXED_WIDTH.has(type.typeId)) return undefined;
  const length = sources.reduce((sum, source) => sum + source.length, 0);
  const { bitmap, nullCount } = concatValidity(sources, length);
  const base = { type, length, nullCount, nullBitmap: bitmap };
  if (!strings) {
    const first = sources[0] as Data;
    const ArrayType = (first.values as Typed).constructor as new (n: number) => Typed;
    const values = new ArrayType(length * first.stride);
    let at = 0;
    for (const source of sources) {
      const count = source.length * source.stride;
      (values as Uint8Array).set((source.values as Uint8Array).subarray(0, count), at);
      at += count;
    }
    return makeData({ ...base, data: values } as never);
  }
  {
    const offsets = new Int32Array(length + 1);
    const total = sources.reduce((sum, source) => sum + byteSpan(source), 0);
    if (total > 0x7fffffff) return undefined;
    const bytes = new Uint8Array(total);
    let row = 0;
    let at = 0;
    for (const source of sources) {
      const sourceOffsets = source.valueOffsets as Int32Array;
      const first = sourceOffsets[0] as number;
      for (let i = 1; i <= source.length; i++) offsets[row + i] = at + (sourceOffsets[i] as number) - first;
      bytes.set((source.values as Uint8Array).subarray(first, first + byteSpan(source)), at);
      row += source.length;
      at += byteSpan(source);
    }
    return makeData({ ...base, valueOffsets: offsets, data: bytes } as never);
  }
}

/** Bytes of a string or binary Data's values, from its first offset to its last. */
function byteSpan(source: Data): number {
  const offsets = source.valueOffsets as Int32Array;
  return (offsets[source.length] as number) - (offsets[0] as number);
}

function concatValidity(
  sources: readonly Data[],
  length: number,
): { bitmap: Uint8Array | undefined; nullCount: number } {
  if (sources.every((source) => source.nullCount === 0)) return { bitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array(((length + 63) & ~63) >> 3);
  let nullCount = 0;
  let k = 0;
  for (const source of sources) {
    const sourceBitmap = source.nullBitmap;
    for (let i = 0; i < source.length; i++, k++) {
      const bit = source.offset + i;
      const valid =
        source.nullCount === 0 ||
        !sourceBitmap ||
        sourceBitmap.length === 0 ||
        ((sourceBitmap[bit >> 3] as number) & (1 << (bit & 7))) !== 0;
      if (valid) bitmap[k >> 3] = (bitmap[k >> 3] as number) | (1 << (k & 7));
      else nullCount++;
    }
  }
  return { bitmap, nullCount };
}
