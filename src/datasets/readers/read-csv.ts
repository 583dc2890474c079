/**
 * CSV files to columns, typed as Python's CSV builder (pandas) types them: a column of whole numbers is
 * int64, or float64 when a value is missing (pandas has no null integer); decimals are float64;
 * True/False columns are bool; anything else is string; an empty field is null. With features given, the
 * text is converted to them instead. A row with the wrong number of fields is an error naming file and
 * line.
 */
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { DataFileRowError } from "../errors.js";
import { ClassLabel, type Feature, type Features, Value } from "../features/feature-types.js";
import type { Columns } from "../format.js";

export interface CsvReadOptions {
  /** Field separator (pandas' `sep`); default ",". */
  sep?: string;
  /** Column names when the file has no header row. */
  columnNames?: readonly string[];
  features?: Features;
}

const INT = /^[+-]?\d+$/;
const FLOAT =
  /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|nan|NaN|inf|-inf|Infinity|-Infinity)$/;
const BOOLS: Record<string, boolean> = {
  True: true,
  False: false,
  true: true,
  false: false,
  TRUE: true,
  FALSE: false,
};

/** A CSV file's columns and their features (as given, or as pandas would infer them). */
export async function readCsvColumns(
  file: string,
  options: CsvReadOptions = {},
): Promise<{ columns: Columns; features: Features }> {
  const text = await readFile(file, "utf8");
  let records: string[][];
  try {
    records = parse(text, { delimiter: options.sep ?? ",", skip_empty_lines: true, bom: true });
  } catch (error) {
    const lines = (error as { lines?: number }).lines ?? 0;
    throw new DataFileRowError(
      file,
      lines,
      `${(error as Error).message}. Fix the row or pass the right sep.`,
      { cause: error },
    );
  }
  const header = options.columnNames ? [...options.columnNames] : (records.shift() ?? []);
  const columns: Columns = {};
  const features: Features = {};
  header.forEach((name, index) => {
    const raw = records.map((record) => record[index] ?? "");
    const feature = options.features?.[name];
    if (feature) {
      columns[name] = convertTo(feature, raw, file, name);
      features[name] = feature;
    } else {
      const inferred = inferColumn(raw);
      columns[name] = inferred.values;
      features[name] = inferred.feature;
    }
  });
  return { columns, features };
}

/** pandas' inference over one column's text. */
function inferColumn(raw: readonly string[]): { values: unknown[]; feature: Value } {
  const present = raw.filter((value) => value !== "");
  if (present.length === 0) return { values: raw.map(() => null), feature: new Value("float64") };
  if (present.every((value) => INT.test(value))) {
    // pandas has no null integer: with a value missing, whole numbers become floats.
    if (present.length < raw.length) {
      return {
        values: raw.map((value) => (value === "" ? null : Number(value))),
        feature: new Value("float64"),
      };
    }
    // Whole numbers past 2^53 stay exact as bigints.
    return { values: raw.map(toInteger), feature: new Value("int64") };
  }
  if (present.every((value) => FLOAT.test(value))) {
    return {
      values: raw.map((value) => (value === "" ? null : toFloat(value))),
      feature: new Value("float64"),
    };
  }
  if (present.every((value) => value in BOOLS)) {
    return { values: raw.map((value) => (value === "" ? null : BOOLS[value])), feature: new Value("bool") };
  }
  return { values: raw.map((value) => (value === "" ? null : value)), feature: new Value("string") };
}

function toInteger(value: string): number | bigint {
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : BigInt(value);
}

function toFloat(value: string): number {
  if (/^[+-]?(inf|Infinity)$/.test(value)) return value.startsWith("-") ? -Infinity : Infinity;
  return Number(value);
}

/** Text converted to a declared feature; the value's own type errors surface when the batch is built. */
function convertTo(feature: Feature, raw: readonly string[], file: string, column: string): unknown[] {
  if (feature instanceof ClassLabel)
    return raw.map((value) =>
      value === "" ? null : INT.test(value) ? Number(value) : feature.str2int(value),
    );
  if (!(feature instanceof Value)) return raw.map((value) => (value === "" ? null : value));
  const dtype = feature.dtype;
  return raw.map((value, row) => {
    if (value === "") return null;
    if (/^u?int/.test(dtype)) {
      if (!INT.test(value))
        throw new DataFileRowError(file, row + 1, `column "${column}" holds "${value}", not a ${dtype}.`);
      return toInteger(value);
    }
    if (/^float/.test(dtype)) {
      if (!FLOAT.test(value))
        throw new DataFileRowError(file, row + 1, `column "${column}" holds "${value}", not a ${dtype}.`);
      return toFloat(value);
    }
    if (dtype === "bool") {
      if (!(value in BOOLS))
        throw new DataFileRowError(file, row + 1, `column "${column}" holds "${value}", not a bool.`);
      return BOOLS[value];
    }
    return value;
  });
}
