/**
 * The take kernel apache-arrow lacks: builds new Arrow data from chosen rows of one or more sources of
 * the same type, working on the buffers (typed arrays, offsets, validity bits) rather than on row
 * objects. Shuffles, sorts, filters and selections materialise through it (`flattenIndices`, saving a
 * dataset with an indices mapping, reading rows through a mapping in batches).
 *
 * A row is named by two parallel arrays: which source (`sources[which[k]]`) and which row in it; with one
 * source there is no `which`, and the hot loops (fixed-width values, strings, validity) run without the
 * indirection, which a shuffle of millions of rows feels. Offsets
 * follow apache-arrow's slicing rules: fixed-width values and offsets are already sliced, bitmaps and
 * boolean values are not (their bit index adds `data.offset`), struct and fixed-size-list children are
 * sliced, list children are addressed through the offsets.
 */
import { type Data, type DataType, type FixedSizeList, makeData, type Struct, Type } from "apache-arrow";
import { InvalidArgumentError } from "../../core/errors.js";
import { copyWords, gatherVariable32 } from "./gather-kernels.js";

/** Rows to gather: `which[k]` picks the source (source 0 when there is no `which`), `rows[k]` the row. */
export interface RowPicks {
  which?: Uint32Array;
  rows: Uint32Array;
}

/** The picks' sources, one per row, for the loops that have no one-source form. */
function whichOf(picks: RowPicks): Uint32Array {
  return picks.which ?? new Uint32Array(picks.rows.length);
}

function isValid(data: Data, row: number): boolean {
  if (data.nullCount === 0) return true;
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0) return data.typeId !== Type.Null;
  const bit = data.offset + row;
  return ((bitmap[bit >> 3] as number) & (1 << (bit & 7))) !== 0;
}

/** A validity bitmap for the picked rows, or undefined when every one is valid. */
function gatherValidity(
  sources: readonly Data[],
  picks: RowPicks,
): { bitmap: Uint8Array | undefined; nullCount: number } {
  if (sources.every((source) => source.nullCount === 0)) return { bitmap: undefined, nullCount: 0 };
  const length = picks.rows.length;
  const bitmap = new Uint8Array(((length + 63) & ~63) >> 3);
  const which = whichOf(picks);
  let nullCount = 0;
  for (let k = 0; k < length; k++) {
    if (isValid(sources[which[k] as number] as Data, picks.rows[k] as number)) {
      bitmap[k >> 3] = (bitmap[k >> 3] as number) | (1 << (k & 7));
    } else {
      nullCount++;
    }
  }
  return { bitmap: nullCount === 0 ? undefined : bitmap, nullCount };
}

/** The types whose values are fixed-width, gathered as words or bytes (`gatherFixedWidth`). */
export const FIXED_WIDTH_TYPES: ReadonlySet<Type> = new Set([
  Type.Int,
  Type.Float,
  Type.Date,
  Type.Time,
  Type.Timestamp,
  Type.Duration,
  Type.Decimal,
  Type.Interval,
  Type.FixedSizeBinary,
]);

/** Picked strings or binaries past what one batch's 32-bit offsets hold. */
export function tooLargeForOneBatch(): InvalidArgumentError {
  return new InvalidArgumentError(
    "A string or binary column passed 2 GiB in one batch; use a smaller batch size.",
  );
}

/** Gathers picked rows of same-typed sources into one new Data. */
export function gatherData(type: DataType, sources: readonly Data[], picks: RowPicks): Data {
  const length = picks.rows.length;
  if (type.typeId === Type.Null) return makeData({ type, length, nullCount: length } as never);
  const { bitmap, nullCount } = gatherValidity(sources, picks);
  const base = { type, length, nullCount, nullBitmap: bitmap };
  if (FIXED_WIDTH_TYPES.has(type.typeId))
    return makeData({ ...base, data: gatherFixedWidth(sources, picks) } as never);
  switch (type.typeId) {
    case Type.Bool:
      return makeData({ ...base, data: gatherBits(sources, picks) } as never);
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      const { offsets, bytes } = gatherVariable(sources, picks);
      return makeData({ ...base, valueOffsets: offsets, data: bytes } as never);
    }
    case Type.List:
    case Type.LargeList: {
      const large = type.typeId === Type.LargeList;
      const { offsets, childPicks } = gatherListOffsets(sources, picks, large);
      const childType = (type.children[0] as { type: DataType }).type;
      const child = gatherData(
        childType,
        sources.map((source) => source.children[0] as Data),
        childPicks,
      );
      return makeData({ ...base, valueOffsets: offsets, child } as never);
    }
    case Type.FixedSizeList: {
      const size = (type as FixedSizeList).listSize;
      const which = whichOf(picks);
      const childPicks: Required<RowPicks> = {
        which: new Uint32Array(length * size),
        rows: new Uint32Array(length * size),
      };
      for (let k = 0; k < length; k++) {
        const row = picks.rows[k] as number;
        for (let i = 0; i < size; i++) {
          childPicks.which[k * size + i] = which[k] as number;
          childPicks.rows[k * size + i] = row * size + i;
        }
      }
      const childType = (type.children[0] as { type: DataType }).type;
      const child = gatherData(
        childType,
        sources.map((source) => source.children[0] as Data),
        childPicks,
      );
      return makeData({ ...base, child } as never);
    }
    case Type.Struct: {
      const children = (type as Struct).children.map((field, i) =>
        gatherData(
          field.type,
          sources.map((source) => source.children[i] as Data),
          picks,
        ),
      );
      return makeData({ ...base, children } as never);
    }
    case Type.Dictionary: {
      const dictionary = sources[0]?.dictionary;
      if (sources.some((source) => source.dictionary !== dictionary)) {
        throw new InvalidArgumentError(
          "Rows from batches with different dictionaries cannot be gathered; cast the column first.",
        );
      }
      return makeData({ ...base, data: gatherFixedWidth(sources, picks), dictionary } as never);
    }
    default:
      throw new InvalidArgumentError(
        `Arrow type ${type} cannot be reordered by wharf yet; cast the column to a plain type.`,
      );
  }
}

function gatherBits(sources: readonly Data[], picks: RowPicks): Uint8Array {
  const length = picks.rows.length;
  const out = new Uint8Array(((length + 63) & ~63) >> 3);
  const which = whichOf(picks);
  for (let k = 0; k < length; k++) {
    const source = sources[which[k] as number] as Data;
    const bit = source.offset + (picks.rows[k] as number);
    if (((source.values as Uint8Array)[bit >> 3] as number) & (1 << (bit & 7))) {
      out[k >> 3] = (out[k >> 3] as number) | (1 << (k & 7));
    }
  }
  return out;
}

export type Typed =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/**
 * Fixed-width values copied as 32-bit words (or bytes, for narrower types): 64-bit values are never
 * read as bigints (slow) or as doubles (whose NaN bit patterns are not guaranteed to survive). Each
 * copier sees one array type only, which keeps its loop monomorphic.
 */
function gatherFixedWidth(sources: readonly Data[], picks: RowPicks): Typed {
  const first = sources[0] as Data;
  const values = first.values as Typed;
  const length = picks.rows.length;
  const ArrayType = values.constructor as new (n: number) => Typed;
  const out = new ArrayType(length * first.stride);
  const bytesPerValue = first.stride * values.BYTES_PER_ELEMENT;
  if (bytesPerValue % 4 === 0) {
    const sourceWords = sources.map((source) => {
      const typed = source.values as Typed;
      return new Uint32Array(typed.buffer, typed.byteOffset, typed.byteLength >>> 2);
    });
    copyWords(
      new Uint32Array(out.buffer, out.byteOffset, out.byteLength >>> 2),
      sourceWords,
      picks.which,
      picks.rows,
      bytesPerValue >>> 2,
    );
  } else {
    const sourceBytes = sources.map((source) => {
      const typed = source.values as Typed;
      return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
    });
    copyBytes(new Uint8Array(out.buffer, out.byteOffset, out.byteLength), sourceBytes, picks, bytesPerValue);
  }
  return out;
}

function copyBytes(out: Uint8Array, sources: readonly Uint8Array[], picks: RowPicks, width: number): void {
  const { rows } = picks;
  const which = whichOf(picks);
  for (let k = 0; k < rows.length; k++) {
    const source = sources[which[k] as number] as Uint8Array;
    const from = (rows[k] as number) * width;
    for (let i = 0; i < width; i++) out[k * width + i] = source[from + i] as number;
  }
}

function gatherVariable(
  sources: readonly Data[],
  picks: RowPicks,
): { offsets: Int32Array | BigInt64Array; bytes: Uint8Array } {
  if ((sources[0] as Data).valueOffsets instanceof BigInt64Array) return gatherLargeVariable(sources, picks);
  const gathered = gatherVariable32(
    sources.map((source) => source.valueOffsets as Int32Array),
    sources.map((source) => source.values as Uint8Array),
    picks.which,
    picks.rows,
  );
  if (!gathered) throw tooLargeForOneBatch();
  return gathered;
}

/** The same for 64-bit offsets (large_string, large_binary), which are rare enough to go through bigints. */
function gatherLargeVariable(
  sources: readonly Data[],
  picks: RowPicks,
): { offsets: BigInt64Array; bytes: Uint8Array } {
  const { rows } = picks;
  const which = whichOf(picks);
  const offsets = new BigInt64Array(rows.length + 1);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let k = 0; k < rows.length; k++) {
    const source = sources[which[k] as number] as Data;
    const sourceOffsets = source.valueOffsets as unknown as BigInt64Array;
    const row = rows[k] as number;
    const start = Number(sourceOffsets[row]);
    const end = Number(sourceOffsets[row + 1]);
    parts.push((source.values as Uint8Array).subarray(start, end));
    total += end - start;
    offsets[k + 1] = BigInt(total);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { offsets, bytes };
}

function gatherListOffsets(
  sources: readonly Data[],
  picks: RowPicks,
  large: boolean,
): { offsets: Int32Array | BigInt64Array; childPicks: RowPicks } {
  const length = picks.rows.length;
  const whichRow = whichOf(picks);
  let total = 0;
  for (let k = 0; k < length; k++) {
    const offsets = (sources[whichRow[k] as number] as Data).valueOffsets as Int32Array | BigInt64Array;
    const row = picks.rows[k] as number;
    total += Number(offsets[row + 1]) - Number(offsets[row]);
  }
  const childPicks: Required<RowPicks> = { which: new Uint32Array(total), rows: new Uint32Array(total) };
  const offsets = large ? new BigInt64Array(length + 1) : new Int32Array(length + 1);
  let at = 0;
  for (let k = 0; k < length; k++) {
    const which = whichRow[k] as number;
    const sourceOffsets = (sources[which] as Data).valueOffsets as Int32Array | BigInt64Array;
    const row = picks.rows[k] as number;
    const end = Number(sourceOffsets[row + 1]);
    for (let child = Number(sourceOffsets[row]); child < end; child++) {
      childPicks.which[at] = which;
      childPicks.rows[at] = child;
      at++;
    }
    if (large) (offsets as BigInt64Array)[k + 1] = BigInt(at);
    else (offsets as Int32Array)[k + 1] = at;
  }
  return { offsets, childPicks };
}
