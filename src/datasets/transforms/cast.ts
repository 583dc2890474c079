/**
 * `cast` and `castColumn`: the rows converted to new features, as pyarrow's safe cast converts them:
 * numbers between numeric types when the value fits (1.5 does not fit an int), numbers and booleans to
 * strings, numeric strings to numbers, class names to labels and labels to names, lists and structs
 * element by element. A value that does not fit is a `CastError` naming column and row; the conversion
 * runs to the end before the new dataset is returned, so a bad cast fails at once.
 */
import { ArrowTable } from "../arrow/arrow-table.js";
import type { Dataset } from "../dataset.js";
import { encodeBatch } from "../encode-batch.js";
import { CastError } from "../errors.js";
import {
  ClassLabel,
  type Feature,
  type Features,
  isFeatureDict,
  LargeList,
  List,
  Value,
} from "../features/feature-types.js";
import { updateFingerprint } from "../fingerprint.js";
import { type Columns, columnsOf, DEFAULT_FORMAT } from "../format.js";

const CAST_BATCH = 65_536;

export function castDataset(dataset: Dataset, features: Features): Dataset {
  const names = Object.keys(features);
  if (names.length !== dataset.numColumns || names.some((name) => !(name in dataset.features))) {
    throw new CastError(
      `cast needs a feature for each column (${dataset.columnNames.join(", ")}), got ${names.join(", ")}; ` +
        "use castColumn to change one.",
    );
  }
  const ordered: Features = Object.fromEntries(
    dataset.columnNames.map((name) => [name, features[name] as Feature]),
  );
  const batches = [];
  const format = { ...DEFAULT_FORMAT, int64: "bigint" as const };
  let start = 0;
  for (const batch of dataset.storedBatches(CAST_BATCH)) {
    const columns = columnsOf(batch, format);
    const converted: Columns = {};
    for (const name of dataset.columnNames) {
      const from = dataset.features[name] as Feature;
      const to = ordered[name] as Feature;
      converted[name] = Array.from(columns[name] as ArrayLike<unknown>, (value, i) =>
        castValue(value, from, to, `${name}, row ${start + i}`),
      );
    }
    batches.push(encodeBatch(converted, ordered).batch);
    start += batch.numRows;
  }
  const schema = encodeBatch(Object.fromEntries(dataset.columnNames.map((name) => [name, []])), ordered).batch
    .schema;
  return dataset.derive({
    table: ArrowTable.fromBatches(schema, batches),
    indices: undefined,
    features: ordered,
    fingerprint: updateFingerprint(dataset.fingerprint, "cast", { features: ordered }),
  });
}

/** One value of feature `from` as feature `to`. */
export function castValue(value: unknown, from: Feature, to: Feature, where: string): unknown {
  if (value === null || value === undefined) return null;
  if (isFeatureDict(to)) {
    if (typeof value !== "object" || Array.isArray(value))
      throw new CastError(`${where}: ${String(value)} is not a struct.`);
    const fromFields = isFeatureDict(from) ? from : {};
    return Object.fromEntries(
      Object.entries(to).map(([key, inner]) => [
        key,
        castValue(
          (value as Record<string, unknown>)[key],
          fromFields[key] ?? inner,
          inner,
          `${where}.${key}`,
        ),
      ]),
    );
  }
  if (to instanceof List || to instanceof LargeList) {
    if (!Array.isArray(value)) throw new CastError(`${where}: ${String(value)} is not a list.`);
    const inner = from instanceof List || from instanceof LargeList ? from.feature : to.feature;
    return value.map((item, i) => castValue(item, inner, to.feature, `${where}[${i}]`));
  }
  if (to instanceof ClassLabel) {
    if (typeof value === "string") return to.str2int(value);
    const label = Number(value);
    if (!Number.isInteger(label) || label < -1 || label >= to.numClasses) {
      throw new CastError(`${where}: ${String(value)} is not a label of ${to.numClasses} classes.`);
    }
    return label;
  }
  if (to instanceof Value) {
    const source =
      from instanceof ClassLabel && /string/.test(to.dtype) ? from.int2str(Number(value)) : value;
    return castScalar(source, to.dtype, where);
  }
  return value;
}

function castScalar(value: unknown, dtype: string, where: string): unknown {
  const fail = (): never => {
    throw new CastError(
      `${where}: ${typeof value === "string" ? JSON.stringify(value) : String(value)} cannot be cast to ${dtype}.`,
    );
  };
  if (dtype === "string" || dtype === "large_string" || dtype === "string_view") {
    if (typeof value === "boolean") return value ? "true" : "false";
    if (value instanceof Date) return value.toISOString();
    return typeof value === "object" ? fail() : String(value);
  }
  if (/^u?int/.test(dtype)) {
    if (typeof value === "bigint") return value;
    if (typeof value === "boolean") return value ? 1 : 0;
    const number = typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value) ? BigInt(value.trim()) : value;
    if (typeof number === "bigint") return number;
    if (typeof number !== "number" || !Number.isInteger(number)) return fail();
    return number;
  }
  if (/^float/.test(dtype)) {
    if (typeof value === "bigint") return Number(value);
    if (typeof value === "boolean") return value ? 1 : 0;
    const number = typeof value === "string" ? Number(value.trim()) : value;
    if (
      typeof number !== "number" ||
      (typeof value === "string" && (value.trim() === "" || (Number.isNaN(number) && !/nan/i.test(value))))
    ) {
      return fail();
    }
    return number;
  }
  if (dtype === "bool") {
    if (typeof value === "boolean") return value;
    if (typeof value === "number" || typeof value === "bigint") return value !== 0 && value !== 0n;
    if (value === "true" || value === "false") return value === "true";
    return fail();
  }
  return value;
}
