/**
 * JavaScript values to Arrow data of a given type: the encoder behind `fromDict`, `fromList`, `map`
 * results and `addColumn`. Values are checked as they go (an int column refuses 2.5, uint8 refuses 300,
 * an int64 number beyond 2^53 is refused rather than rounded) and the error names the column and row.
 */
import {
  type Data,
  type DataType,
  type Decimal,
  type FixedSizeBinary,
  type FixedSizeList,
  type Int,
  makeData,
  type Struct,
  type Timestamp,
  Type,
} from "apache-arrow";
import { CastError } from "../errors.js";

const encoder = new TextEncoder();
const INT_RANGES: Record<string, [number, number]> = {
  "8true": [-128, 127],
  "16true": [-32768, 32767],
  "32true": [-2147483648, 2147483647],
  "8false": [0, 255],
  "16false": [0, 65535],
  "32false": [0, 4294967295],
};
const UNIT_PER_MS = [1e-3, 1, 1e3, 1e6];

/** Builds Arrow data of `type` from values; null and undefined are nulls. `where` names the column. */
export function buildData(type: DataType, values: ArrayLike<unknown>, where: string): Data {
  const length = values.length;
  if (type.typeId === Type.Null) return makeData({ type, length, nullCount: length } as never);
  let nullCount = 0;
  let bitmap: Uint8Array | undefined;
  for (let i = 0; i < length; i++) {
    if (values[i] === null || values[i] === undefined) {
      if (!bitmap) bitmap = new Uint8Array(((length + 63) & ~63) >> 3).fill(0xff);
      bitmap[i >> 3] = (bitmap[i >> 3] as number) & ~(1 << (i & 7));
      nullCount++;
    }
  }
  const base = { type, length, nullCount, nullBitmap: bitmap };
  const fail = (i: number, expected: string): never => {
    throw new CastError(`${where}, row ${i}: ${describe(values[i])} cannot be stored as ${expected}.`);
  };
  switch (type.typeId) {
    case Type.Bool: {
      const bits = new Uint8Array(((length + 63) & ~63) >> 3);
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (value === null || value === undefined) continue;
        if (typeof value !== "boolean") fail(i, "bool");
        if (value) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
      }
      return makeData({ ...base, data: bits } as never);
    }
    case Type.Int:
      return makeData({ ...base, data: buildInts(type as Int, values, fail) } as never);
    case Type.Float: {
      const precision = (type as unknown as { precision: number }).precision;
      const out =
        precision === 2
          ? new Float64Array(length)
          : precision === 1
            ? new Float32Array(length)
            : new Uint16Array(length);
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (value === null || value === undefined) continue;
        if (typeof value !== "number") fail(i, String(type));
        out[i] = precision === 0 ? toHalf(value as number) : (value as number);
      }
      return makeData({ ...base, data: out } as never);
    }
    case Type.Date: {
      const days = (type as unknown as { unit: number }).unit === 0;
      const out = days ? new Int32Array(length) : new BigInt64Array(length);
      for (let i = 0; i < length; i++) {
        const ms = millisOf(values[i]);
        if (ms === undefined) {
          if (values[i] !== null && values[i] !== undefined) fail(i, String(type));
          continue;
        }
        if (days) (out as Int32Array)[i] = Math.floor(ms / 86_400_000);
        else (out as BigInt64Array)[i] = BigInt(ms);
      }
      return makeData({ ...base, data: out } as never);
    }
    case Type.Timestamp: {
      const perMs = UNIT_PER_MS[(type as Timestamp).unit] as number;
      const out = new BigInt64Array(length);
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (typeof value === "bigint") {
          out[i] = value;
          continue;
        }
        const ms = millisOf(value);
        if (ms === undefined) {
          if (value !== null && value !== undefined) fail(i, String(type));
          continue;
        }
        out[i] = BigInt(Math.round(ms * perMs));
      }
      return makeData({ ...base, data: out } as never);
    }
    case Type.Time:
    case Type.Duration: {
      const wide = type.typeId === Type.Duration || (type as unknown as { bitWidth: number }).bitWidth === 64;
      const out = wide ? new BigInt64Array(length) : new Int32Array(length);
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (value === null || value === undefined) continue;
        if (typeof value === "bigint" && wide) (out as BigInt64Array)[i] = value;
        else if (typeof value === "number" && Number.isSafeInteger(value)) {
          if (wide) (out as BigInt64Array)[i] = BigInt(value);
          else (out as Int32Array)[i] = value;
        } else fail(i, String(type));
      }
      return makeData({ ...base, data: out } as never);
    }
    case Type.Decimal:
      return makeData({ ...base, data: buildDecimals(type as Decimal, values, fail) } as never);
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary:
      return buildVariable(type, values, base, fail);
    case Type.FixedSizeBinary: {
      const width = (type as FixedSizeBinary).byteWidth;
      const out = new Uint8Array(length * width);
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (value === null || value === undefined) continue;
        if (!(value instanceof Uint8Array) || value.length !== width) fail(i, String(type));
        out.set(value as Uint8Array, i * width);
      }
      return makeData({ ...base, data: out } as never);
    }
    case Type.List:
    case Type.LargeList: {
      const large = type.typeId === Type.LargeList;
      const offsets = large ? new BigInt64Array(length + 1) : new Int32Array(length + 1);
      const flat: unknown[] = [];
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (value !== null && value !== undefined) {
          if (!isListLike(value)) fail(i, String(type));
          const items = value as ArrayLike<unknown>;
          for (let k = 0; k < items.length; k++) flat.push(items[k]);
        }
        if (large) (offsets as BigInt64Array)[i + 1] = BigInt(flat.length);
        else (offsets as Int32Array)[i + 1] = flat.length;
      }
      const child = buildData((type.children[0] as { type: DataType }).type, flat, `${where}[]`);
      return makeData({ ...base, valueOffsets: offsets, child } as never);
    }
    case Type.FixedSizeList: {
      const size = (type as FixedSizeList).listSize;
      const flat: unknown[] = new Array(length * size).fill(null);
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (value === null || value === undefined) continue;
        if (!isListLike(value) || (value as ArrayLike<unknown>).length !== size)
          fail(i, `a list of exactly ${size}`);
        for (let k = 0; k < size; k++) flat[i * size + k] = (value as ArrayLike<unknown>)[k];
      }
      const child = buildData((type.children[0] as { type: DataType }).type, flat, `${where}[]`);
      return makeData({ ...base, child } as never);
    }
    case Type.Struct: {
      const children = (type as Struct).children.map((field) => {
        const column = new Array(length);
        for (let i = 0; i < length; i++) {
          const value = values[i];
          if (value === null || value === undefined) column[i] = null;
          else if (typeof value !== "object" || isListLike(value)) fail(i, "an object");
          else column[i] = (value as Record<string, unknown>)[field.name];
        }
        return buildData(field.type, column, `${where}.${field.name}`);
      });
      return makeData({ ...base, children } as never);
    }
    default:
      throw new CastError(`${where}: wharf cannot build Arrow ${type} columns from JavaScript values yet.`);
  }
}

function describe(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object" && value !== null) return "an object";
  return String(value);
}

function isListLike(value: unknown): boolean {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

function millisOf(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function buildInts(type: Int, values: ArrayLike<unknown>, fail: (i: number, expected: string) => never) {
  const length = values.length;
  const name = String(type);
  if (type.bitWidth === 64) {
    const out = type.isSigned ? new BigInt64Array(length) : new BigUint64Array(length);
    const min = type.isSigned ? -(2n ** 63n) : 0n;
    const max = type.isSigned ? 2n ** 63n - 1n : 2n ** 64n - 1n;
    for (let i = 0; i < length; i++) {
      const value = values[i];
      if (value === null || value === undefined) continue;
      let big: bigint;
      if (typeof value === "bigint") big = value;
      else if (typeof value === "number" && Number.isSafeInteger(value)) big = BigInt(value);
      else if (typeof value === "boolean") big = value ? 1n : 0n;
      else return fail(i, `${name} (a number beyond 2^53 must be given as a bigint)`);
      if (big < min || big > max) fail(i, name);
      out[i] = big;
    }
    return out;
  }
  const [min, max] = INT_RANGES[`${type.bitWidth}${type.isSigned}`] as [number, number];
  const Ctor = type.ArrayType as unknown as new (n: number) => Int32Array;
  const out = new Ctor(length);
  for (let i = 0; i < length; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    const number =
      typeof value === "bigint" ? Number(value) : typeof value === "boolean" ? Number(value) : value;
    if (typeof number !== "number" || !Number.isInteger(number) || number < min || number > max)
      fail(i, name);
    out[i] = number as number;
  }
  return out;
}

function buildDecimals(
  type: Decimal,
  values: ArrayLike<unknown>,
  fail: (i: number, expected: string) => never,
) {
  const words = type.bitWidth / 32;
  const out = new Uint32Array(values.length * words);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    const text = typeof value === "number" ? value.toFixed(type.scale) : String(value);
    const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
    if (!match) return fail(i, String(type));
    const fraction = (match[3] ?? "").padEnd(type.scale, "0");
    if (fraction.length > type.scale) fail(i, `${type} (too many decimals)`);
    let unscaled = BigInt(`${match[2] || "0"}${fraction}`);
    if (match[1]) unscaled = -unscaled;
    let twos = BigInt.asUintN(type.bitWidth, unscaled);
    for (let w = 0; w < words; w++) {
      out[i * words + w] = Number(twos & 0xffffffffn);
      twos >>= 32n;
    }
  }
  return out;
}

function buildVariable(
  type: DataType,
  values: ArrayLike<unknown>,
  base: object,
  fail: (i: number, expected: string) => never,
): Data {
  const length = values.length;
  const text = type.typeId === Type.Utf8 || type.typeId === Type.LargeUtf8;
  const large = type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary;
  const offsets = large ? new BigInt64Array(length + 1) : new Int32Array(length + 1);
  let bytes: Uint8Array = new Uint8Array(Math.max(64, length * 16));
  let at = 0;
  for (let i = 0; i < length; i++) {
    const value = values[i];
    if (value !== null && value !== undefined) {
      if (text) {
        if (typeof value !== "string") fail(i, "string");
        const text = value as string;
        if (bytes.length - at < text.length * 3) bytes = grow(bytes, at + text.length * 3);
        at += encoder.encodeInto(text, bytes.subarray(at)).written;
      } else {
        if (!(value instanceof Uint8Array)) fail(i, "binary (a Uint8Array)");
        const chunk = value as Uint8Array;
        if (bytes.length - at < chunk.length) bytes = grow(bytes, at + chunk.length);
        bytes.set(chunk, at);
        at += chunk.length;
      }
    }
    if (large) (offsets as BigInt64Array)[i + 1] = BigInt(at);
    else {
      if (at > 0x7fffffff)
        throw new CastError("A string or binary column passed 2 GiB in one batch; use large_string.");
      (offsets as Int32Array)[i + 1] = at;
    }
  }
  return makeData({ ...base, valueOffsets: offsets, data: bytes.subarray(0, at) } as never);
}

function grow(bytes: Uint8Array, needed: number): Uint8Array {
  const next = new Uint8Array(Math.max(needed, bytes.length * 2));
  next.set(bytes);
  return next;
}

/** float64 to IEEE half precision bits, rounding to nearest even. */
function toHalf(value: number): number {
  const floatView = new Float32Array(1);
  const intView = new Uint32Array(floatView.buffer);
  floatView[0] = value;
  const x = intView[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa = (mantissa | 0x800000) >> (1 - e);
    return sign | ((mantissa + 0x1000 + ((mantissa >> 13) & 1) - 1) >> 13);
  }
  const half = sign | (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  return rest > 0x1000 || (rest === 0x1000 && half & 1) ? half + 1 : half;
}
