/**
 * `loadDataset(path, {streaming: true})`: the same plan as a load (config, split files, builder), but
 * each data file becomes a shard streamed from where it lives: parquet by ranged reads, row group by row
 * group; JSON Lines and text line by line; JSON documents read whole; Arrow stream files batch by
 * batch; media folders file by file (`stream-folder.ts`); zip archives member by member, and
 * compressed parquet or Arrow files, from copies unpacked once into the cache. A split string may name
 * a split or join splits (`a+b`), never slice one, as in Python.
 */

import { formatFromName, isCompression } from "../../core/archive/formats.js";
import { InvalidArgumentError } from "../../core/errors.js";
import type { Int64Mode } from "../arrow/read-values.js";
import { SplitNotFoundError } from "../errors.js";
import { IterableDataset, type ShardReader } from "../iterable/iterable-dataset.js";
import { IterableDatasetDict } from "../iterable/iterable-dataset-dict.js";
import {
  arrowShard,
  type ByteSource,
  csvShard,
  jsonDocumentShard,
  linesShard,
  parquetShard,
  webDatasetShard,
} from "../iterable/stream-shards.js";
import { builderOf } from "./data-files.js";
import { readablePaths } from "./extract-files.js";
import type { LoadPlan } from "./load-dataset.js";
import { isFolderBuilder } from "./read-folder.js";
import { parseSplitString } from "./split-string.js";
import { folderShard } from "./stream-folder.js";

export function streamPlan(
  plan: LoadPlan,
  split: string | undefined,
  int64: Int64Mode,
  cacheDir: string,
): IterableDataset | IterableDatasetDict {
  const streams = Object.fromEntries(
    Object.entries(plan.wanted).map(([name, files]) => [
      name,
      new IterableDataset(
        // A folder builder's files are one shard: its rows join the media files with their metadata.
        isFolderBuilder(plan.builder)
          ? [folderShard(plan.builder, plan.source, refuseZips(files))]
          : files.map((file) =>
              needsUnpacking(file, plan.builder)
                ? unpackedShard(plan, file, int64, cacheDir)
                : shardOf(plan, file, int64),
            ),
        plan.declared,
      ),
    ]),
  );
  if (split === undefined) return new IterableDatasetDict(streams);
  const parts = parseSplitString(split).map((slice) => {
    if (slice.from || slice.to)
      throw new InvalidArgumentError(`A streamed split cannot be sliced ("${split}"); use take and skip.`);
    const stream = streams[slice.split];
    if (!stream) throw new SplitNotFoundError(slice.split, Object.keys(streams));
    return stream;
  });
  return parts.length === 1
    ? (parts[0] as IterableDataset)
    : new IterableDataset(
        parts.flatMap((part) => part.shards),
        plan.declared,
      );
}

/** A media folder's files, which stream only when they are not in zip archives. */
function refuseZips(files: readonly string[]): readonly string[] {
  const zip = files.find((file) => formatFromName(file) === "zip");
  if (zip)
    throw new InvalidArgumentError(
      `${zip}: media folders in zip archives do not stream yet; load the dataset without streaming.`,
    );
  return files;
}

/**
 * Files that cannot be read where they live, streamed from local copies made once in the datasets cache
 * (where a load makes them too): a zip archive's members of the builder's kind (a zip's directory sits
 * at its end), or a compressed parquet or Arrow file decompressed (both formats need their whole bytes
 * at hand). Python reads zip members by ranged requests instead.
 */
function unpackedShard(plan: LoadPlan, file: string, int64: Int64Mode, cacheDir: string): ShardReader {
  return {
    name: file,
    async *rows(skip: number) {
      const local = (await plan.source.fetch([file])).get(file) as string;
      const paths = (await readablePaths([local], cacheDir)).filter(
        (path) => path === local || builderOf(path) === plan.builder,
      );
      let row = 0;
      for (const path of paths) {
        for await (const value of shardOf(plan, path, int64, { path }).rows(0)) {
          if (row++ >= skip) yield value;
        }
      }
    },
  };
}

/** Zip archives, and parquet or Arrow files that are compressed, stream from unpacked local copies. */
function needsUnpacking(file: string, builder: string): boolean {
  const format = formatFromName(file);
  return format === "zip" || (isCompression(format) && (builder === "parquet" || builder === "arrow"));
}

function shardOf(
  plan: LoadPlan,
  file: string,
  int64: Int64Mode,
  source: ByteSource = plan.source.byteSource(file),
): ShardReader {
  const format = formatFromName(file);
  if (
    format !== undefined &&
    !isCompression(format) &&
    !(format === "tar" && plan.builder === "webdataset")
  ) {
    throw new InvalidArgumentError(
      `${file} is a ${format} archive; wharf streams plain and compressed files and webdataset tars (load it without streaming).`,
    );
  }
  const compression = isCompression(format) ? format : undefined;
  switch (plan.builder) {
    case "parquet":
      return parquetShard(source, int64);
    case "json": {
      const field = plan.builderOptions.field as string | undefined;
      // A `.json` file (or any file with a `field` to read) may be one document: it is read whole.
      if (field !== undefined || /\.json(\.[a-z0-9]+)?$/i.test(file))
        return jsonDocumentShard(source, { field, compression });
      return linesShard(source, "json", compression);
    }
    case "arrow":
      return arrowShard(source, int64);
    case "text":
      return linesShard(source, "text", compression);
    case "csv":
      return csvShard(source, {
        sep: (plan.builderOptions.sep ?? plan.builderOptions.delimiter) as string | undefined,
        compression,
      });
    case "webdataset":
      return webDatasetShard(source);
    default:
      throw new InvalidArgumentError(
        `wharf does not stream ${plan.builder} files yet; load them without streaming.`,
      );
  }
}
