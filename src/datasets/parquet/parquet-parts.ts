/**
 * Parquet files cut and joined at row groups, parquet's unit of independence (each column chunk has its
 * own dictionary and pages), by editing footers (thrift-compact.ts) and moving bytes, never decoding a
 * page:
 * - joined: parts encoded on several threads at once become one file: "PAR1", every part's bytes between
 *   its magic and its footer, one after another, then a footer listing every part's row groups with their
 *   offsets moved to where their bytes now sit. Its column chunks are byte for byte those one writer
 *   would write for the same row groups; each part's page indexes sit after that part's chunks.
 * - cut: a run of a file's row groups becomes a small file of its own, to be decoded on another thread
 *   or fetched by one ranged read when streaming. Its footer keeps the statistics and drops the page
 *   indexes and bloom filters, whose bytes the small file does not hold.
 */
import type { AsyncBuffer } from "hyparquet";
import { InvalidArgumentError } from "../../core/errors.js";
import {
  readThriftStruct,
  type ThriftStruct,
  type ThriftValue,
  thriftField,
  writeThriftStruct,
} from "./thrift-compact.js";

export const PARQUET_MAGIC = new TextEncoder().encode("PAR1");

// Field ids of parquet.thrift that hold byte offsets into the file, or row counts.
const FILE_NUM_ROWS = 3;
const FILE_ROW_GROUPS = 4;
const GROUP_COLUMNS = 1;
const GROUP_FILE_OFFSET = 5;
const GROUP_ORDINAL = 7;
const CHUNK_OFFSETS = [2, 4, 6]; // file_offset, offset_index_offset, column_index_offset
const CHUNK_META_DATA = 3;
const CHUNK_PAGE_INDEXES = [4, 5, 6, 7]; // offset and column index offsets and lengths
const META_OFFSETS = [9, 10, 11, 14]; // data_page, index_page, dictionary_page, bloom_filter offsets
const META_DATA_PAGE = 9;
const META_DICTIONARY_PAGE = 11;
const META_TOTAL_COMPRESSED = 7;
const META_INDEXES = [10, 14, 15]; // index_page_offset, bloom_filter_offset and length
const GROUP_NUM_ROWS = 3;

/** A parquet file's footer (FileMetaData) and where it starts. */
export function readFooter(file: Uint8Array): { footer: ThriftStruct; footerStart: number } {
  const tail = file.length - 8;
  const magic = file.subarray(tail + 4);
  if (tail < 4 || magic.some((byte, index) => byte !== PARQUET_MAGIC[index]))
    throw new InvalidArgumentError("These bytes are not a parquet file: they do not end with PAR1.");
  const length = new DataView(file.buffer, file.byteOffset + tail, 4).getUint32(0, true);
  const footerStart = tail - length;
  if (footerStart < 4)
    throw new InvalidArgumentError("A parquet footer's length runs past the file's start.");
  return { footer: readThriftStruct(file.subarray(footerStart, tail)), footerStart };
}

/** Bytes read from the end first when the footer's length is not known yet: most footers fit. */
const FOOTER_GUESS = 64 * 1024;

/** A parquet file's footer read from a file or URL by ranged reads: one, or two for a large footer. */
export async function readFooterAsync(file: AsyncBuffer): Promise<ThriftStruct> {
  const size = file.byteLength;
  const guess = Math.min(size, FOOTER_GUESS);
  const tail = new Uint8Array(await file.slice(size - guess, size));
  const length =
    tail.length >= 8 ? new DataView(tail.buffer, tail.byteOffset + tail.length - 8, 4).getUint32(0, true) : 0;
  // The footer is in the tail read, with the four bytes before it that readFooter wants in front of a
  // footer (where a whole file has its leading magic): read it from there.
  if (length + 12 <= tail.length) return readFooter(tail.subarray(tail.length - length - 12)).footer;
  const whole = new Uint8Array(await file.slice(Math.max(0, size - length - 12), size));
  return readFooter(whole).footer;
}

/** The struct held by a field, or an empty one. */
function structOf(value: ThriftValue | undefined): ThriftStruct {
  return value?.type === 12 ? value.value : [];
}

/** The elements of a list field, or none. */
function listOf(value: ThriftValue | undefined): ThriftValue[] {
  return value?.type === 9 ? value.value : [];
}

/**
 * A copy of the struct with the i64 fields of these ids moved by `shift`. A zero stays zero: writers
 * put 0 in ColumnChunk.file_offset to mean "no metadata outside the footer", not an offset.
 */
function moveOffsets(fields: ThriftStruct, ids: readonly number[], shift: bigint): ThriftStruct {
  return fields.map((field) =>
    ids.includes(field.id) && field.value.type === 6 && field.value.value !== 0n
      ? { id: field.id, value: { type: 6, value: field.value.value + shift } }
      : field,
  );
}

/** An i64 field's value as a number, or undefined. */
function int64Of(fields: ThriftStruct, id: number): number | undefined {
  const value = thriftField(fields, id);
  return value?.type === 6 ? Number(value.value) : undefined;
}

/**
 * A row group (a RowGroup struct) with every offset in it moved by `shift`, numbered `ordinal`; without
 * its page indexes and bloom filters if `dropIndexes`.
 */
function movedRowGroup(
  group: ThriftStruct,
  shift: bigint,
  ordinal: number,
  dropIndexes: boolean,
): ThriftStruct {
  const without = (fields: ThriftStruct, ids: readonly number[]) =>
    dropIndexes ? fields.filter((field) => !ids.includes(field.id)) : fields;
  const movedMeta = (meta: ThriftValue): ThriftValue => ({
    type: 12,
    value: without(moveOffsets(structOf(meta), META_OFFSETS, shift), META_INDEXES),
  });
  const movedChunk = (column: ThriftValue): ThriftValue => ({
    type: 12,
    value: without(moveOffsets(structOf(column), CHUNK_OFFSETS, shift), CHUNK_PAGE_INDEXES).map((part) =>
      part.id === CHUNK_META_DATA ? { id: part.id, value: movedMeta(part.value) } : part,
    ),
  });
  return moveOffsets(group, [GROUP_FILE_OFFSET], shift).map((field) => {
    if (field.id === GROUP_ORDINAL && field.value.type === 4)
      return { id: field.id, value: { type: 4, value: ordinal } };
    if (field.id === GROUP_COLUMNS && field.value.type === 9)
      return { id: field.id, value: { ...field.value, value: field.value.value.map(movedChunk) } };
    return field;
  });
}

/** A footer's row groups (RowGroup structs). */
export function rowGroupsOf(footer: ThriftStruct): ThriftStruct[] {
  return listOf(thriftField(footer, FILE_ROW_GROUPS)).map(structOf);
}

/** The rows in a row group. */
export function rowGroupRows(group: ThriftStruct): number {
  return int64Of(group, GROUP_NUM_ROWS) ?? 0;
}

/** Where a row group's column chunks lie in its file: [start, end). */
export function rowGroupSpan(group: ThriftStruct): { start: number; end: number } {
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  for (const column of listOf(thriftField(group, GROUP_COLUMNS))) {
    const meta = structOf(thriftField(structOf(column), CHUNK_META_DATA));
    const first = int64Of(meta, META_DICTIONARY_PAGE) ?? int64Of(meta, META_DATA_PAGE);
    const size = int64Of(meta, META_TOTAL_COMPRESSED);
    if (first === undefined || size === undefined)
      throw new InvalidArgumentError(
        "A parquet column chunk has no metadata (an encrypted file?); wharf cannot cut it into row groups.",
      );
    start = Math.min(start, first);
    end = Math.max(end, first + size);
  }
  return { start, end };
}

/** A footer like `model` with these rows and row groups, then its length and the closing magic. */
function footerBytes(model: ThriftStruct, numRows: bigint, rowGroups: ThriftValue[]): Uint8Array {
  const fields = model.map((field) => {
    if (field.id === FILE_NUM_ROWS)
      return { id: field.id, value: { type: 6, value: numRows } as ThriftValue };
    if (field.id === FILE_ROW_GROUPS)
      return { id: field.id, value: { type: 9, elementType: 12, value: rowGroups } as ThriftValue };
    return field;
  });
  const footer = writeThriftStruct(fields);
  const tail = new Uint8Array(footer.length + 8);
  tail.set(footer);
  new DataView(tail.buffer).setUint32(footer.length, footer.length, true);
  tail.set(PARQUET_MAGIC, footer.length + 4);
  return tail;
}

/**
 * Row groups [first, first + count) of a file as a parquet file of their own. `bytes` are the file's
 * bytes from `rowGroupSpan` of the first group's start to the last one's end.
 */
export function rowGroupsFile(
  footer: ThriftStruct,
  first: number,
  count: number,
  bytes: Uint8Array,
): Uint8Array {
  const groups = rowGroupsOf(footer).slice(first, first + count);
  if (groups.length === 0) throw new InvalidArgumentError(`The parquet file has no row group ${first}.`);
  const shift = BigInt(PARQUET_MAGIC.length - rowGroupSpan(groups[0] as ThriftStruct).start);
  const moved = groups.map(
    (group, ordinal): ThriftValue => ({ type: 12, value: movedRowGroup(group, shift, ordinal, true) }),
  );
  const rows = groups.reduce((sum, group) => sum + BigInt(rowGroupRows(group)), 0n);
  const tail = footerBytes(footer, rows, moved);
  const file = new Uint8Array(PARQUET_MAGIC.length + bytes.length + tail.length);
  file.set(PARQUET_MAGIC);
  file.set(bytes, PARQUET_MAGIC.length);
  file.set(tail, PARQUET_MAGIC.length + bytes.length);
  return file;
}

/**
 * Joins parquet files that share one schema, part by part, in order: `add` takes each part and returns
 * the bytes to append, `footer` the bytes that end the joined file. Write PARQUET_MAGIC first.
 */
export class ParquetJoiner {
  /** Where the next part's bytes land in the joined file. */
  private offset = BigInt(PARQUET_MAGIC.length);
  private first: ThriftStruct | undefined;
  private numRows = 0n;
  private readonly rowGroups: ThriftValue[] = [];

  add(part: Uint8Array): Uint8Array {
    const { footer, footerStart } = readFooter(part);
    this.first ??= footer;
    const rows = thriftField(footer, FILE_NUM_ROWS);
    if (rows?.type === 6) this.numRows += rows.value;
    const shift = this.offset - BigInt(PARQUET_MAGIC.length);
    for (const group of listOf(thriftField(footer, FILE_ROW_GROUPS)))
      this.rowGroups.push({
        type: 12,
        value: movedRowGroup(structOf(group), shift, this.rowGroups.length, false),
      });
    const body = part.subarray(PARQUET_MAGIC.length, footerStart);
    this.offset += BigInt(body.length);
    return body;
  }

  footer(): Uint8Array {
    if (!this.first) throw new InvalidArgumentError("A joined parquet file needs at least one part.");
    return footerBytes(this.first, this.numRows, this.rowGroups);
  }
}
