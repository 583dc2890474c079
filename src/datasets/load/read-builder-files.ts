/**
 * One split's data files read by a packaged builder into a dataset (the readers of `Dataset.from*`),
 * with the builder's options (`sep`, `columnNames` for csv; `field` for json; `keepLinebreaks` for text);
 * the folder builders read media files and their metadata.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { Dataset } from "../dataset.js";
import { fromArrow, fromCsv, fromJson, fromParquet, fromText } from "../readers/from-files.js";
import { readWebDataset } from "../readers/read-webdataset.js";
import { readFolderBuilder } from "./read-folder.js";

export const READABLE_BUILDERS = new Set([
  "parquet",
  "csv",
  "json",
  "text",
  "arrow",
  "imagefolder",
  "audiofolder",
  "videofolder",
  "pdffolder",
  "webdataset",
]);

export function readBuilderFiles(
  builder: string,
  files: readonly string[],
  options: Record<string, unknown>,
): Promise<Dataset> {
  switch (builder) {
    case "parquet":
      return fromParquet(files, { columns: options.columns as string[] | undefined });
    case "csv":
      return fromCsv(files, {
        sep: (options.sep ?? options.delimiter) as string | undefined,
        columnNames: (options.column_names ?? options.columnNames) as string[] | undefined,
      });
    case "json":
      return fromJson(files, { field: options.field as string | undefined });
    case "text":
      return fromText(files, {
        keepLinebreaks: (options.keep_linebreaks ?? options.keepLinebreaks) as boolean | undefined,
      });
    case "arrow":
      return fromArrow(files);
    case "imagefolder":
    case "audiofolder":
    case "videofolder":
    case "pdffolder":
      return readFolderBuilder(builder, files);
    case "webdataset":
      return readWebDataset(files);
    default:
      throw new InvalidArgumentError(`wharf has no reader for the ${builder} builder yet.`);
  }
}
