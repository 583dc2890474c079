/**
 * Features inferred from JavaScript values, as pyarrow infers types from Python objects: integers are
 * int64 unless a float appears (then float64), strings are string, booleans bool, bigints int64, `Date`s
 * timestamp[ms], `Uint8Array`s binary, arrays lists of their items' type, objects structs of their keys
 * in first-seen order. A column of nothing but nulls is `Value("null")`.
 */
import { CastError } from "../errors.js";
import { type Feature, type FeatureDict, type Features, List, Value } from "./feature-types.js";

type Kind = "null" | "int" | "float" | "bool" | "string" | "bigint" | "date" | "binary" | "list" | "struct";

/** The feature of a column of values; `where` names it in errors. */
export function inferFeature(values: ArrayLike<unknown>, where: string): Feature {
  let kind: Kind = "null";
  const items: unknown[] = [];
  const structs: Record<string, unknown>[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const next = kindOf(value);
    if (next === "null") continue;
    if (next === "list") {
      const list = value as ArrayLike<unknown>;
      for (let k = 0; k < list.length; k++) items.push(list[k]);
    } else if (next === "struct") {
      structs.push(value as Record<string, unknown>);
    }
    kind = merge(kind, next, where, i);
  }
  switch (kind) {
    case "null":
      return new Value("null");
    case "int":
    case "bigint":
      return new Value("int64");
    case "float":
      return new Value("float64");
    case "bool":
      return new Value("bool");
    case "string":
      return new Value("string");
    case "date":
      return new Value("timestamp[ms]");
    case "binary":
      return new Value("binary");
    case "list":
      return new List(inferFeature(items, `${where}[]`));
    case "struct": {
      const keys = new Set<string>();
      for (const struct of structs) for (const key of Object.keys(struct)) keys.add(key);
      const fields: FeatureDict = {};
      for (const key of keys)
        fields[key] = inferFeature(
          structs.map((struct) => struct[key]),
          `${where}.${key}`,
        );
      return fields;
    }
  }
}

/** Features for columns of values. */
export function inferFeatures(columns: Record<string, ArrayLike<unknown>>): Features {
  return Object.fromEntries(
    Object.entries(columns).map(([name, values]) => [name, inferFeature(values, name)]),
  );
}

function kindOf(value: unknown): Kind {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    case "bigint":
      return "bigint";
    case "boolean":
      return "bool";
    case "string":
      return "string";
  }
  if (value instanceof Date) return "date";
  if (value instanceof Uint8Array) return "binary";
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return "list";
  return "struct";
}

function merge(current: Kind, next: Kind, where: string, row: number): Kind {
  if (current === "null" || current === next) return next;
  const numbers = new Set<Kind>(["int", "float", "bigint"]);
  if (numbers.has(current) && numbers.has(next)) {
    return current === "float" || next === "float" ? "float" : "int";
  }
  throw new CastError(
    `Column "${where}" mixes ${current} and ${next} values (first at row ${row}); give features to say which type it holds.`,
  );
}
