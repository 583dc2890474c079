/** wharf/datasets: the port of Python `datasets` (issue #6: the in-memory and on-disk core; #7: loading). */
export type { Int64Mode } from "./arrow/read-values.js";
export { Dataset, type DatasetInfo, type FromColumnsOptions } from "./dataset.js";
export { DatasetDict } from "./dataset-dict.js";
export { loadDatasetDictFromDisk, loadDatasetFromDisk, loadFromDisk } from "./disk/load-from-disk.js";
export type { SaveToDiskOptions } from "./disk/save-to-disk.js";
export * from "./errors.js";
export * from "./features/feature-types.js";
export { arrowSchemaOf, featuresOfSchema } from "./features/features-arrow.js";
export { featuresFromJson, featuresToJson } from "./features/features-json.js";
export { featuresFromYaml, featuresToYaml } from "./features/features-yaml.js";
export type { Columns, DatasetFormat, FormatType } from "./format.js";
export {
  type InterleaveOptions,
  interleaveDatasets,
  type StoppingStrategy,
  splitDatasetByNode,
} from "./iterable/combine.js";
export {
  IterableDataset,
  type IterableState,
  type Row,
  type ShardReader,
} from "./iterable/iterable-dataset.js";
export { IterableDatasetDict } from "./iterable/iterable-dataset-dict.js";
export {
  configSplitFiles,
  type DataFilesSpec,
  defaultDataFiles,
  inferBuilder,
  METADATA_FILES,
  resolveDataFiles,
  type SplitFiles,
} from "./load/data-files.js";
export { type CardConfig, chooseConfig, type DatasetCard, parseDatasetCard } from "./load/dataset-card.js";
export {
  type DatasetInfoSummary,
  getDatasetConfigNames,
  getDatasetInfos,
  getDatasetSplitNames,
} from "./load/dataset-inspection.js";
export { type DownloadMode, type LoadDatasetOptions, loadDataset } from "./load/load-dataset.js";
export { parseSplitString, type SplitSlice, sliceRows } from "./load/split-string.js";
export type { PushToHubOptions } from "./push/push-to-hub.js";
export { numpyPermutation } from "./random/numpy-rng.js";
export { concatenateDatasets } from "./transforms/concatenate.js";
export type { FilterOptions, MapFunction, MapOptions } from "./transforms/map.js";
export type { ShuffleOptions, TrainTestSplitOptions } from "./transforms/shuffle.js";
export type { SortOptions } from "./transforms/sort.js";
