/**
 * `loadFromDisk`: opens a folder written by Python's `save_to_disk` or wharf's `saveToDisk`. A dataset
 * opens lazily (only its stream files' headers are read), so opening costs the same whatever its size.
 * A folder with `dataset_dict.json` opens as a DatasetDict.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InvalidArgumentError } from "../../core/errors.js";
import { ArrowTable } from "../arrow/arrow-table.js";
import { Dataset, EMPTY_INFO } from "../dataset.js";
import { DatasetDict } from "../dataset-dict.js";
import { ArrowFileCorruptError } from "../errors.js";
import type { Features } from "../features/feature-types.js";
import { arrowTypeOf, featuresOfSchema } from "../features/features-arrow.js";
import { DEFAULT_FORMAT } from "../format.js";
import {
  type DatasetStateJson,
  DICT_FILE,
  formatTypeOf,
  INFO_FILE,
  parseInfoJson,
  STATE_FILE,
} from "./state-files.js";

export function loadFromDisk(path: string): Dataset | DatasetDict {
  if (existsSync(join(path, DICT_FILE))) return loadDatasetDictFromDisk(path);
  return loadDatasetFromDisk(path);
}

export function loadDatasetDictFromDisk(path: string): DatasetDict {
  const { splits } = JSON.parse(readFileSync(join(path, DICT_FILE), "utf8")) as { splits: string[] };
  return new DatasetDict(
    Object.fromEntries(splits.map((split) => [split, loadDatasetFromDisk(join(path, split))])),
  );
}

export function loadDatasetFromDisk(path: string): Dataset {
  const statePath = join(path, STATE_FILE);
  if (!existsSync(statePath)) {
    throw new InvalidArgumentError(
      `${path} is not a saved dataset: it has no ${STATE_FILE} (nor ${DICT_FILE}). Point at a folder written by saveToDisk.`,
    );
  }
  const state = JSON.parse(readFileSync(statePath, "utf8")) as DatasetStateJson;
  const files = state._data_files.map(({ filename }) => join(path, filename));
  for (const file of files)
    if (!existsSync(file)) throw new ArrowFileCorruptError(file, `${STATE_FILE} names it but it is missing`);
  const table = ArrowTable.fromIpcFiles(files);
  const infoPath = join(path, INFO_FILE);
  const { info, features: declared } = existsSync(infoPath)
    ? parseInfoJson(readFileSync(infoPath, "utf8"))
    : { info: EMPTY_INFO, features: undefined };
  return new Dataset({
    table,
    features: agreeing(declared, table) ?? featuresOfSchema(table.schema),
    indices: undefined,
    fingerprint: state._fingerprint,
    info,
    split: state._split,
    format: {
      ...DEFAULT_FORMAT,
      type: formatTypeOf(state._format_type),
      columns: state._format_columns ?? undefined,
      outputAllColumns: state._output_all_columns,
    },
  });
}

/** The declared features when they describe the table's columns exactly. */
function agreeing(declared: Features | undefined, table: ArrowTable): Features | undefined {
  if (!declared) return undefined;
  const fields = table.schema.fields;
  if (Object.keys(declared).length !== fields.length) return undefined;
  const same = fields.every(
    (field) =>
      declared[field.name] !== undefined &&
      String(arrowTypeOf(declared[field.name] as never)) === String(field.type),
  );
  return same ? declared : undefined;
}
