/**
 * The JSON files of Python's `save_to_disk` folders: `state.json`, `dataset_info.json` and
 * `dataset_dict.json`, with Python's keys and order, indented by two, non-ASCII escaped, no final newline.
 */
import type { DatasetInfo } from "../dataset.js";
import type { Features } from "../features/feature-types.js";
import { featuresFromJson, featuresToJson } from "../features/features-json.js";
import type { DatasetFormat, FormatType } from "../format.js";
import { pythonJsonDumps } from "../python-json.js";

export const STATE_FILE = "state.json";
export const INFO_FILE = "dataset_info.json";
export const DICT_FILE = "dataset_dict.json";

export interface DatasetStateJson {
  _data_files: { filename: string }[];
  _fingerprint: string;
  _format_columns: string[] | null;
  _format_kwargs: Record<string, unknown>;
  _format_type: string | null;
  _output_all_columns: boolean;
  _split: string | null;
}

/** wharf's format types and the Python format names that mean the same. */
const PYTHON_FORMAT: Record<FormatType, string | null> = { python: null, arrow: "arrow", typed: "numpy" };

export function stateJson(
  files: readonly string[],
  fingerprint: string,
  split: string | null,
  format: DatasetFormat,
): string {
  const state: DatasetStateJson = {
    _data_files: files.map((filename) => ({ filename })),
    _fingerprint: fingerprint,
    _format_columns: format.columns ? [...format.columns] : null,
    _format_kwargs: {},
    _format_type: PYTHON_FORMAT[format.type],
    _output_all_columns: format.outputAllColumns,
    _split: split,
  };
  return pythonJsonDumps(state, { indent: 2, sortKeys: true });
}

export function formatTypeOf(pythonType: string | null): FormatType {
  if (pythonType === "arrow") return "arrow";
  if (pythonType === "numpy") return "typed";
  return "python";
}

/** Python sorts the top-level keys of dataset_info.json only: the features keep their column order. */
export function infoJson(info: DatasetInfo, features: Features): string {
  const fields: Record<string, unknown> = { ...info, features: featuresToJson(features) };
  const sorted = Object.fromEntries(
    Object.keys(fields)
      .sort()
      .map((key) => [key, fields[key]]),
  );
  return pythonJsonDumps(sorted, { indent: 2 });
}

/** The info and features of a dataset_info.json (features undefined when the file holds none). */
export function parseInfoJson(text: string): { info: DatasetInfo; features: Features | undefined } {
  const { features, ...rest } = JSON.parse(text) as Record<string, unknown>;
  const info = { description: "", citation: "", homepage: "", license: "", ...rest } as DatasetInfo;
  return { info, features: features ? featuresFromJson(features) : undefined };
}

export function dictJson(splits: readonly string[]): string {
  return pythonJsonDumps({ splits: [...splits] });
}
