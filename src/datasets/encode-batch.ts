/**
 * Columns of JavaScript values to one Arrow record batch of given (or inferred) features: what
 * `fromDict`, `fromList`, `map` and `addColumn` store. Class labels may be given as names and media as a
 * path or bytes, as in Python.
 */
import type { Data, RecordBatch } from "apache-arrow";
import { batchOf } from "./arrow/arrow-table.js";
import { buildData } from "./arrow/build-data.js";
import { CastError } from "./errors.js";
import { ClassLabel, type Feature, type Features, MediaFeature } from "./features/feature-types.js";
import { arrowSchemaOf, arrowTypeOf } from "./features/features-arrow.js";
import { inferFeatures } from "./features/infer-features.js";
import type { Columns } from "./format.js";

/** One record batch holding `columns`; every column must have the same length. */
export function encodeBatch(
  columns: Columns,
  features?: Features,
): { batch: RecordBatch; features: Features } {
  const names = Object.keys(columns);
  const lengths = new Set(names.map((name) => (columns[name] as ArrayLike<unknown>).length));
  if (lengths.size > 1) {
    const described = names
      .map((name) => `${name}: ${(columns[name] as ArrayLike<unknown>).length}`)
      .join(", ");
    throw new CastError(`Columns must all have the same length, got ${described}.`);
  }
  const resolved: Features = features ? pickFeatures(features, names) : inferFeatures(columns);
  const schema = arrowSchemaOf(resolved);
  const length = names.length === 0 ? 0 : (lengths.values().next().value as number);
  const children = schema.fields.map((field) =>
    encodeColumn(resolved[field.name] as Feature, columns[field.name] as ArrayLike<unknown>, field.name),
  );
  return { batch: batchOf(schema, children, length), features: resolved };
}

/** One column of JavaScript values as Arrow data of its feature's type. */
export function encodeColumn(feature: Feature, values: ArrayLike<unknown>, name: string): Data {
  const prepared =
    feature instanceof ClassLabel
      ? labelsOf(feature, values)
      : feature instanceof MediaFeature
        ? mediaOf(values)
        : values;
  return buildData(arrowTypeOf(feature), prepared, name);
}

function pickFeatures(features: Features, names: readonly string[]): Features {
  const missing = names.filter((name) => !(name in features));
  if (missing.length > 0) {
    throw new CastError(
      `No feature is given for column(s) ${missing.join(", ")}; add them to features or leave features out.`,
    );
  }
  return Object.fromEntries(names.map((name) => [name, features[name] as Feature]));
}

/** Media given as a path or as bytes becomes Python's `{bytes, path}` reference. */
function mediaOf(values: ArrayLike<unknown>): ArrayLike<unknown> {
  return Array.from(values, (value) => {
    if (typeof value === "string") return { bytes: null, path: value };
    if (value instanceof Uint8Array) return { bytes: value, path: null };
    return value;
  });
}

function labelsOf(feature: ClassLabel, values: ArrayLike<unknown>): ArrayLike<unknown> {
  const out = new Array<unknown>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    out[i] = typeof value === "string" ? feature.str2int(value) : value;
  }
  return out;
}
