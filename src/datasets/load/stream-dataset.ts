/**
 * `loadDataset(path, {streaming: true})`: the same plan as a load (config, split files, builder), but
 * each data file becomes a shard streamed from where it lives: parquet by ranged reads, row group by row
 * group; JSON Lines and text line by line; JSON documents read whole; Arrow stream files batch by
 * batch; media folders file by file (`stream-folder.ts`); zip archives member by member, from a copy
 * unpacked once into the cache. A split string may name a split or join splits (`a+b`), never
 * slice one, as in Python.
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
import { builderOf, isMetadataFor } from "./data-files.js";
import { zipContents } from "./extract-files.js";
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
              isZip(file) ? zipShard(plan, file, int64, cacheDir) : shardOf(plan, file, int64),
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

function isZip(file: string): boolean {
  return file.toLowerCase().endsWith(".zip");
}

/** A media folder's files, which stream only when they are not in zip archives. */
function refuseZips(files: readonly string[]): readonly string[] {
  const zip = files.find(isZip);
  if (zip)
    throw new InvalidArgumentError(
      `${zip}: media folders in zip archives do not stream yet; load the dataset without streaming.`,
    );
  return files;
}

/**
 * A zip archive's members of the builder's kind, one after another. A zip's directory sits at its end,
 * so the archive is fetched whole, once, and unpacked into the datasets cache (where a load unpacks it
 * too); its members then stream from there. Python reads the members by ranged requests instead.
 */
function zipShard(plan: LoadPlan, file: string, int64: Int64Mode, cacheDir: string): ShardReader {
  return {
    name: file,
    async *rows(skip: number) {
      const local = (await plan.source.fetch([file])).get(file) as string;
      const members = (await zipContents(local, cacheDir)).filter(
        (member) => builderOf(member) === plan.builder || isMetadataFor(plan.builder, member),
      );
      let row = 0;
      for (const member of members) {
        for await (const value of shardOf(plan, member, int64, { path: member }).rows(0)) {
          if (row++ >= skip) yield value;
        }
      }
    },
  };
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
      if (compression)
        throw new InvalidArgumentError(
          `${file}: a compressed parquet file streams only once decompressed; load it without streaming.`,
        );
      return parquetShard(source, int64);
    case "json": {
      const field = plan.builderOptions.field as string | undefined;
      // A `.json` file (or any file with a `field` to read) may be one document: it is read whole.
      if (field !== undefined || /\.json(\.[a-z0-9]+)?$/i.test(file))
        return jsonDocumentShard(source, { field, compression });
      return linesShard(source, "json", compression);
    }
    case "arrow":
      if (compression)
        throw new InvalidArgumentError(
          `${file}: a compressed Arrow file streams only once decompressed; load it without streaming.`,
        );
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
