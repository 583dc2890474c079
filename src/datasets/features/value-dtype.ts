/**
 * The dtype strings of Python `datasets`' `Value` (the names pyarrow prints) and the Arrow types they
 * stand for, both ways. Owned by the features module; every conversion between a `Value` and Arrow
 * goes through here.
 */
import {
  Binary,
  BinaryView,
  Bool,
  type DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Duration,
  FixedSizeBinary,
  Float16,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  LargeBinary,
  LargeUtf8,
  Null,
  Time,
  Timestamp,
  TimeUnit,
  Type,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
  Utf8View,
} from "apache-arrow";
import { InvalidArgumentError } from "../../core/errors.js";

const SIMPLE: Record<string, () => DataType> = {
  null: () => new Null(),
  bool: () => new Bool(),
  int8: () => new Int8(),
  int16: () => new Int16(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  uint8: () => new Uint8(),
  uint16: () => new Uint16(),
  uint32: () => new Uint32(),
  uint64: () => new Uint64(),
  float16: () => new Float16(),
  float32: () => new Float32(),
  float64: () => new Float64(),
  date32: () => new DateDay(),
  date64: () => new DateMillisecond(),
  binary: () => new Binary(),
  large_binary: () => new LargeBinary(),
  binary_view: () => new BinaryView(),
  string: () => new Utf8(),
  large_string: () => new LargeUtf8(),
  string_view: () => new Utf8View(),
};

/** Python's aliases, normalised as `Value.__post_init__` does. */
const ALIASES: Record<string, string> = {
  float: "float32",
  double: "float64",
  halffloat: "float16",
  bool_: "bool",
};

const UNITS: Record<string, TimeUnit> = {
  s: TimeUnit.SECOND,
  ms: TimeUnit.MILLISECOND,
  us: TimeUnit.MICROSECOND,
  ns: TimeUnit.NANOSECOND,
};
const UNIT_NAMES = ["s", "ms", "us", "ns"] as const;

/** The canonical spelling of a dtype (`float` becomes `float32`), or an error naming the valid ones. */
export function normaliseDtype(dtype: string): string {
  const name = ALIASES[dtype] ?? dtype;
  arrowTypeOfDtype(name);
  return name;
}

/** The Arrow type of a `Value` dtype string. */
export function arrowTypeOfDtype(dtype: string): DataType {
  const name = ALIASES[dtype] ?? dtype;
  const simple = SIMPLE[name];
  if (simple) return simple();
  let match = /^time(32|64)\[(s|ms|us|ns)\]$/.exec(name);
  if (match) {
    const unit = UNITS[match[2] as string] as TimeUnit;
    const bits = match[1] === "32" ? 32 : 64;
    if ((bits === 32) !== (unit === TimeUnit.SECOND || unit === TimeUnit.MILLISECOND)) {
      throw new InvalidArgumentError(
        `${dtype} is not a valid time type: time32 takes s or ms, time64 takes us or ns.`,
      );
    }
    return new Time(unit, bits);
  }
  match = /^timestamp\[(s|ms|us|ns)(?:, tz=(.+))?\]$/.exec(name);
  if (match) return new Timestamp(UNITS[match[1] as string] as TimeUnit, match[2] ?? null);
  match = /^duration\[(s|ms|us|ns)\]$/.exec(name);
  if (match) return new Duration(UNITS[match[1] as string] as TimeUnit);
  match = /^decimal(128|256)\((\d+), ?(-?\d+)\)$/.exec(name);
  if (match) return new Decimal(Number(match[3]), Number(match[2]), Number(match[1]));
  match = /^fixed_size_binary\[(\d+)\]$/.exec(name);
  if (match) return new FixedSizeBinary(Number(match[1]));
  throw new InvalidArgumentError(
    `"${dtype}" is not a Value dtype. Use one of: ${Object.keys(SIMPLE).join(", ")}, time32[s|ms], time64[us|ns], ` +
      "timestamp[unit(, tz=...)], duration[unit], decimal128(p, s), decimal256(p, s), fixed_size_binary[n].",
  );
}

/** The `Value` dtype string of a primitive Arrow type, or undefined when the type is not a Value. */
export function dtypeOfArrowType(type: DataType): string | undefined {
  switch (type.typeId) {
    case Type.Null:
      return "null";
    case Type.Bool:
      return "bool";
    case Type.Int: {
      const int = type as Int8;
      return `${int.isSigned ? "int" : "uint"}${int.bitWidth}`;
    }
    case Type.Float:
      return ["float16", "float32", "float64"][(type as Float32).precision];
    case Type.Date:
      return (type as DateDay).unit === 0 ? "date32" : "date64";
    case Type.Time: {
      const time = type as Time;
      return `time${time.bitWidth}[${UNIT_NAMES[time.unit]}]`;
    }
    case Type.Timestamp: {
      const stamp = type as Timestamp;
      const unit = UNIT_NAMES[stamp.unit];
      return stamp.timezone ? `timestamp[${unit}, tz=${stamp.timezone}]` : `timestamp[${unit}]`;
    }
    case Type.Duration:
      return `duration[${UNIT_NAMES[(type as Duration).unit]}]`;
    case Type.Decimal: {
      const decimal = type as Decimal;
      return `decimal${decimal.bitWidth}(${decimal.precision}, ${decimal.scale})`;
    }
    case Type.Binary:
      return "binary";
    case Type.LargeBinary:
      return "large_binary";
    case Type.BinaryView:
      return "binary_view";
    case Type.Utf8:
      return "string";
    case Type.LargeUtf8:
      return "large_string";
    case Type.Utf8View:
      return "string_view";
    case Type.FixedSizeBinary:
      return `fixed_size_binary[${(type as FixedSizeBinary).byteWidth}]`;
    default:
      return undefined;
  }
}
