/**
 * The datasets layer's errors. Each names the file, column or row it is about and what to do; codes are
 * stable for callers to switch on.
 */
import { WharfError, type WharfErrorOptions } from "../core/errors.js";

/** An int64 or uint64 value beyond 2^53 met where wharf would hand out a JavaScript number. */
export class Int64PrecisionError extends WharfError {
  override readonly code = "Int64Precision";
  constructor(where: string, value: bigint | number) {
    super(
      `${where} holds ${value}, which a JavaScript number cannot hold exactly. Read it as bigint ` +
        `(dataset.withFormat({ int64: "bigint" })) or give the value as a bigint.`,
    );
  }
}

/** A value that does not fit the type it is stored as (a string in an int column, 300 in uint8, ...). */
export class CastError extends WharfError {
  override readonly code = "CastError";
}

/** An Arrow file that is cut short or not Arrow at all. */
export class ArrowFileCorruptError extends WharfError {
  override readonly code = "ArrowFileCorrupt";
  constructor(
    readonly file: string,
    detail: string,
    options: WharfErrorOptions = {},
  ) {
    super(
      `${file} is not a whole Arrow stream: ${detail}. Write it again (or delete it so the cache rebuilds it).`,
      options,
    );
  }
}

/** A row of a text file (CSV, JSON lines) that cannot be read. */
export class DataFileRowError extends WharfError {
  override readonly code = "DataFileRow";
  constructor(
    readonly file: string,
    readonly row: number,
    detail: string,
    options: WharfErrorOptions = {},
  ) {
    super(`${file}, row ${row}: ${detail}`, options);
  }
}

/** A column asked for that the dataset does not have. */
export class ColumnNotFoundError extends WharfError {
  override readonly code = "ColumnNotFound";
  constructor(column: string, available: readonly string[]) {
    super(
      `Column "${column}" is not in the dataset; its columns are ${available.map((name) => `"${name}"`).join(", ")}.`,
    );
  }
}

/** A data file or pattern given to a reader that names no file. */
export class DataFilesNotFoundError extends WharfError {
  override readonly code = "DataFilesNotFound";
  constructor(readonly pattern: string) {
    super(
      `No data file matches ${pattern}; check the path (globs use Python's rules: * stays in one folder, ** crosses them).`,
    );
  }
}

/** A dataset card (README.md) whose YAML header does not parse or holds configs that make no sense. */
export class DatasetCardError extends WharfError {
  override readonly code = "DatasetCard";
}

/** A config asked for that the dataset does not define. */
export class ConfigNotFoundError extends WharfError {
  override readonly code = "ConfigNotFound";
  constructor(
    readonly config: string | undefined,
    readonly available: readonly string[],
  ) {
    super(
      config === undefined
        ? `Config name is missing: this dataset has several configs (${available.join(", ")}); pass one as name.`
        : `There is no config "${config}"; the dataset's configs are ${available.join(", ")}.`,
    );
  }
}

/** A split asked for that the dataset does not have. */
export class SplitNotFoundError extends WharfError {
  override readonly code = "SplitNotFound";
  constructor(
    readonly split: string,
    readonly available: readonly string[],
  ) {
    super(`There is no split "${split}"; the splits are ${available.join(", ")}.`);
  }
}

/** The rows read do not match the split sizes the dataset card declares. */
export class NonMatchingSplitsSizesError extends WharfError {
  override readonly code = "NonMatchingSplitsSizes";
}
