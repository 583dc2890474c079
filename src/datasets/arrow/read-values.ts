/**
 * Arrow data to JavaScript values, column at a time: the decoder behind rows, batches and `toList`.
 *
 * wharf's int64 policy, applied here and in `buildData`: int64 and uint64 values (and durations, 64-bit
 * times) become numbers; a value beyond 2^53, which a number cannot hold, raises `Int64PrecisionError`
 * instead of rounding; `int64: "bigint"` hands out bigints throughout. Timestamps and dates become `Date`s
 * (to the millisecond), decimals become exact strings, binary values copies in `Uint8Array`s.
 */
import {
  type Data,
  type Decimal,
  type FixedSizeList,
  makeVector,
  type Struct,
  type Timestamp,
  Type,
} from "apache-arrow";
import { Int64PrecisionError } from "../errors.js";

export type Int64Mode = "number" | "bigint";

export interface ReadOptions {
  int64: Int64Mode;
  /** The column, for error messages. */
  where: string;
}

const decoder = new TextDecoder();
const MS_PER_UNIT = [1000, 1, 1e-3, 1e-6];

/** Every value of `data` as a JavaScript array. */
export function readValues(data: Data, options: ReadOptions): unknown[] {
  const length = data.length;
  const out = new Array<unknown>(length);
  const valid = validity(data);
  const values = data.values as ArrayLike<number | bigint> & { subarray?: unknown };
  switch (data.typeId) {
    case Type.Null:
      return out.fill(null);
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      for (let i = 0; i < length; i++) {
        const bit = data.offset + i;
        out[i] = valid(i) ? ((bits[bit >> 3] as number) & (1 << (bit & 7))) !== 0 : null;
      }
      return out;
    }
    case Type.Int:
    case Type.Time:
    case Type.Duration:
      if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
        const numbers = int64Numbers(values, options);
        for (let i = 0; i < length; i++) out[i] = valid(i) ? numbers(i) : null;
      } else {
        for (let i = 0; i < length; i++) out[i] = valid(i) ? values[i] : null;
      }
      return out;
    case Type.Float:
      if ((data.type as unknown as { precision: number }).precision === 0) {
        for (let i = 0; i < length; i++) out[i] = valid(i) ? fromHalf(values[i] as number) : null;
      } else {
        for (let i = 0; i < length; i++) out[i] = valid(i) ? values[i] : null;
      }
      return out;
    case Type.Date: {
      const days = (data.type as unknown as { unit: number }).unit === 0;
      const words = days ? new Int32Array(0) : int64Words(values as unknown as BigInt64Array);
      for (let i = 0; i < length; i++) {
        out[i] = valid(i)
          ? new Date(days ? (values[i] as number) * 86_400_000 : int64AsDouble(words, i, true))
          : null;
      }
      return out;
    }
    case Type.Timestamp: {
      const msPerUnit = MS_PER_UNIT[(data.type as Timestamp).unit] as number;
      const words = int64Words(values as unknown as BigInt64Array);
      for (let i = 0; i < length; i++)
        out[i] = valid(i) ? new Date(Math.floor(int64AsDouble(words, i, true) * msPerUnit)) : null;
      return out;
    }
    case Type.Decimal: {
      const type = data.type as Decimal;
      const words = type.bitWidth / 32;
      const raw = data.values as Uint32Array;
      for (let i = 0; i < length; i++)
        out[i] = valid(i) ? decimalString(raw, i * words, words, type.scale) : null;
      return out;
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary: {
      const text = data.typeId === Type.Utf8 || data.typeId === Type.LargeUtf8;
      const offsets = data.valueOffsets as Int32Array | BigInt64Array;
      const bytes = data.values as Uint8Array;
      for (let i = 0; i < length; i++) {
        if (!valid(i)) {
          out[i] = null;
          continue;
        }
        const start = Number(offsets[i]);
        const end = Number(offsets[i + 1]);
        out[i] = text ? decoder.decode(bytes.subarray(start, end)) : bytes.slice(start, end);
      }
      return out;
    }
    case Type.FixedSizeBinary: {
      const width = data.stride;
      const bytes = data.values as Uint8Array;
      for (let i = 0; i < length; i++) out[i] = valid(i) ? bytes.slice(i * width, (i + 1) * width) : null;
      return out;
    }
    case Type.List:
    case Type.LargeList: {
      const offsets = data.valueOffsets as Int32Array | BigInt64Array;
      const first = Number(offsets[0]);
      const last = Number(offsets[length]);
      const child = (data.children[0] as Data).slice(first, last - first);
      const items = readValues(child, { ...options, where: `${options.where}[]` });
      for (let i = 0; i < length; i++) {
        out[i] = valid(i) ? items.slice(Number(offsets[i]) - first, Number(offsets[i + 1]) - first) : null;
      }
      return out;
    }
    case Type.FixedSizeList: {
      const size = (data.type as FixedSizeList).listSize;
      const items = readValues(data.children[0] as Data, { ...options, where: `${options.where}[]` });
      for (let i = 0; i < length; i++) out[i] = valid(i) ? items.slice(i * size, (i + 1) * size) : null;
      return out;
    }
    case Type.Struct: {
      const fields = (data.type as Struct).children;
      const columns = fields.map((field, k) =>
        readValues(data.children[k] as Data, { ...options, where: `${options.where}.${field.name}` }),
      );
      for (let i = 0; i < length; i++) {
        if (!valid(i)) {
          out[i] = null;
          continue;
        }
        const row: Record<string, unknown> = {};
        for (let k = 0; k < fields.length; k++)
          row[(fields[k] as { name: string }).name] = (columns[k] as unknown[])[i];
        out[i] = row;
      }
      return out;
    }
    case Type.Dictionary: {
      const dictionary = readValues(
        (data.dictionary as unknown as { data: Data[] }).data[0] as Data,
        options,
      );
      for (let i = 0; i < length; i++) out[i] = valid(i) ? dictionary[Number(values[i])] : null;
      return out;
    }
    default: {
      // Views, maps, unions: apache-arrow's own accessor, which already gives plain values.
      const vector = makeVector(data);
      for (let i = 0; i < length; i++) out[i] = valid(i) ? vector.get(i) : null;
      return out;
    }
  }
}

function validity(data: Data): (i: number) => boolean {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return () => true;
  const bitmap = data.nullBitmap;
  const offset = data.offset;
  return (i) => (((bitmap[(offset + i) >> 3] as number) >> ((offset + i) & 7)) & 1) === 1;
}

/** The two 32-bit words of each 64-bit value, so values can be read without making a bigint each. */
export function int64Words(values: BigInt64Array | BigUint64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** Value `index` of 64-bit integers as a double: exact below 2^53, rounded beyond. */
export function int64AsDouble(words: Int32Array, index: number, signed: boolean): number {
  const high = words[2 * index + 1] as number;
  return (signed ? high : high >>> 0) * 4294967296 + ((words[2 * index] as number) >>> 0);
}

/** 64-bit integers as numbers under the int64 policy, or as bigints when the format asks for them. */
function int64Numbers(
  values: BigInt64Array | BigUint64Array,
  options: ReadOptions,
): (i: number) => number | bigint {
  if (options.int64 === "bigint") return (i) => values[i] as bigint;
  const words = int64Words(values);
  const signed = values instanceof BigInt64Array;
  return (i) => {
    const number = int64AsDouble(words, i, signed);
    if (!Number.isSafeInteger(number))
      throw new Int64PrecisionError(`Column "${options.where}"`, values[i] as bigint);
    return number;
  };
}

function decimalString(words: Uint32Array, at: number, count: number, scale: number): string {
  let value = 0n;
  for (let w = count - 1; w >= 0; w--) value = (value << 32n) | BigInt(words[at + w] as number);
  value = BigInt.asIntN(count * 32, value);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

function fromHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}
