/**
 * One row group of a parquet file made into a parquet file of its own, so that a stream can fetch just
 * that row group's bytes (one ranged read) and have parquet-wasm decode them as fast as a local file:
 * "PAR1", the row group's column chunks as they were, then a footer holding the file's schema and
 * key-value metadata (the Arrow schema included) with only this row group, its offsets moved to where
 * the bytes now sit. Statistics, page indexes and bloom filters are left out of that footer: decoding
 * needs none of them, and they point at bytes the small file does not hold.
 */
import type { ColumnChunk, FileMetaData, RowGroup } from "hyparquet";
import { ByteWriter } from "hyparquet-writer/src/bytewriter.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import { InvalidArgumentError } from "../../core/errors.js";

const MAGIC = new TextEncoder().encode("PAR1");

/** Where a row group's column chunks lie in its file: [start, end). */
export function rowGroupRange(group: RowGroup): { start: number; end: number } {
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  for (const column of group.columns) {
    const meta = column.meta_data;
    if (!meta)
      throw new InvalidArgumentError(
        "A parquet column chunk has no metadata (an encrypted file?); it cannot be streamed, load it instead.",
      );
    const first = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
    start = Math.min(start, first);
    end = Math.max(end, first + Number(meta.total_compressed_size));
  }
  return { start, end };
}

/** The row group's bytes (`bytes`, read from `rowGroupRange(group).start`) as a parquet file. */
export function rowGroupFile(metadata: FileMetaData, group: RowGroup, bytes: Uint8Array): Uint8Array {
  const { start } = rowGroupRange(group);
  // Offsets in the new file: the chunk bytes start right after the leading magic.
  const shift = BigInt(MAGIC.length - start);
  const move = (offset: bigint | undefined) => (offset === undefined ? undefined : offset + shift);
  const columns: ColumnChunk[] = group.columns.map((column) => {
    const meta = column.meta_data as NonNullable<ColumnChunk["meta_data"]>;
    return {
      file_offset: move(column.file_offset) ?? 0n,
      meta_data: {
        ...meta,
        data_page_offset: move(meta.data_page_offset) as bigint,
        dictionary_page_offset: move(meta.dictionary_page_offset),
        index_page_offset: undefined,
        statistics: undefined,
        bloom_filter_offset: undefined,
        bloom_filter_length: undefined,
        size_statistics: undefined,
        geospatial_statistics: undefined,
      },
    };
  });
  const footer: FileMetaData = {
    ...metadata,
    num_rows: group.num_rows,
    row_groups: [
      {
        columns,
        total_byte_size: group.total_byte_size,
        num_rows: group.num_rows,
        file_offset: move(group.file_offset),
        total_compressed_size: group.total_compressed_size,
      },
    ],
  };
  const writer = new ByteWriter(bytes.length + 64 * 1024);
  writer.appendBytes(MAGIC);
  writer.appendBytes(bytes);
  writeMetadata(writer, footer as never);
  writer.appendBytes(MAGIC);
  return writer.getBytes();
}
