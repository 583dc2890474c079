/**
 * The data `prepare` gives: references to what the resources made, each knowing how to open itself
 * (`CsvData.load()` gives a Dataset, `IdxData.read()` a tensor, `HubDatasetData.load()` what
 * `loadDataset` gives). As JSON (what `wharf catalog prepare` prints) each is its fields, with
 * absolute paths, as datamaestro's JSON encoder writes them.
 */
import { resolve } from "node:path";
import type { Dataset } from "../../datasets/dataset.js";
import type { DatasetDict } from "../../datasets/dataset-dict.js";
import { loadFromDisk } from "../../datasets/disk/load-from-disk.js";
import { fromCsv } from "../../datasets/readers/from-files.js";
import { type IdxTensor, readIdx, readIdxHeader } from "./idx.js";

export class FileData {
  readonly path: string;
  constructor(path: string) {
    this.path = resolve(path);
  }
}

export class FolderData {
  readonly path: string;
  constructor(path: string) {
    this.path = resolve(path);
  }
}

export class CsvData {
  readonly path: string;
  readonly delimiter: string;
  /** The first line names the columns. */
  readonly header: boolean;
  readonly columns?: readonly string[];

  constructor(
    path: string,
    options: { delimiter?: string; header?: boolean; columns?: readonly string[] } = {},
  ) {
    this.path = resolve(path);
    this.delimiter = options.delimiter ?? ",";
    this.header = options.header ?? true;
    this.columns = options.columns;
  }

  load(): Promise<Dataset> {
    return fromCsv(this.path, { sep: this.delimiter, columnNames: this.header ? undefined : this.columns });
  }
}

export class IdxData {
  readonly path: string;
  constructor(path: string) {
    this.path = resolve(path);
  }

  read(): Promise<IdxTensor> {
    return readIdx(this.path);
  }

  header(): ReturnType<typeof readIdxHeader> {
    return readIdxHeader(this.path);
  }
}

/** A Hub dataset made into `save_to_disk` output by an `hfDataset` resource. */
export class HubDatasetData {
  readonly path: string;
  readonly repoId: string;
  constructor(path: string, repoId: string) {
    this.path = resolve(path);
    this.repoId = repoId;
  }

  load(): Dataset | DatasetDict {
    return loadFromDisk(this.path);
  }
}

export const data = {
  file: (path: string) => new FileData(path),
  folder: (path: string) => new FolderData(path),
  csv: (path: string, options?: ConstructorParameters<typeof CsvData>[1]) => new CsvData(path, options),
  idx: (path: string) => new IdxData(path),
  hubDataset: (path: string, repoId: string) => new HubDatasetData(path, repoId),
};
