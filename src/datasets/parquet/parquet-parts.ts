/**
 * Parquet files written in parts and joined into one: each part is a whole parquet file holding some of
 * the row groups (so that parts can be encoded on several threads at once); the joined file is "PAR1",
 * every part's bytes between its magic and its footer, one after another, then a footer listing every
 * part's row groups with their offsets moved to where their bytes now sit. Row groups are parquet's unit
 * of independence (each column chunk has its own dictionary), so the joined file is byte for byte what
 * one writer would have written for all the rows, given the same row group boundaries.
 */
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
const META_OFFSETS = [9, 10, 11, 14]; // data_page, index_page, dictionary_page, bloom_filter offsets

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

/** The struct held by a field, or an empty one. */
function structOf(value: ThriftValue | undefined): ThriftStruct {
  return value?.type === 12 ? value.value : [];
}

/** The elements of a list field, or none. */
function listOf(value: ThriftValue | undefined): ThriftValue[] {
  return value?.type === 9 ? value.value : [];
}

/** A copy of the struct with the i64 fields of these ids moved by `shift`. */
function moveOffsets(fields: ThriftStruct, ids: readonly number[], shift: bigint): ThriftStruct {
  return fields.map((field) =>
    ids.includes(field.id) && field.value.type === 6
      ? { id: field.id, value: { type: 6, value: field.value.value + shift } }
      : field,
  );
}

/** A row group (a RowGroup struct) with every offset in it moved by `shift`, numbered `ordinal`. */
function movedRowGroup(group: ThriftStruct, shift: bigint, ordinal: number): ThriftStruct {
  return moveOffsets(group, [GROUP_FILE_OFFSET], shift).map((field) => {
    if (field.id === GROUP_ORDINAL && field.value.type === 4)
      return { id: field.id, value: { type: 4, value: ordinal } };
    if (field.id !== GROUP_COLUMNS || field.value.type !== 9) return field;
    const columns = field.value.value.map((column): ThriftValue => {
      const chunk = moveOffsets(structOf(column), CHUNK_OFFSETS, shift).map((part) =>
        part.id === CHUNK_META_DATA
          ? {
              id: part.id,
              value: {
                type: 12,
                value: moveOffsets(structOf(part.value), META_OFFSETS, shift),
              } as ThriftValue,
            }
          : part,
      );
      return { type: 12, value: chunk };
    });
    return { id: field.id, value: { ...field.value, value: columns } };
  });
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
      this.rowGroups.push({ type: 12, value: movedRowGroup(structOf(group), shift, this.rowGroups.length) });
    const body = part.subarray(PARQUET_MAGIC.length, footerStart);
    this.offset += BigInt(body.length);
    return body;
  }

  footer(): Uint8Array {
    if (!this.first) throw new InvalidArgumentError("A joined parquet file needs at least one part.");
    const fields = this.first.map((field) => {
      if (field.id === FILE_NUM_ROWS)
        return { id: field.id, value: { type: 6, value: this.numRows } as ThriftValue };
      if (field.id === FILE_ROW_GROUPS)
        return { id: field.id, value: { type: 9, elementType: 12, value: this.rowGroups } as ThriftValue };
      return field;
    });
    const footer = writeThriftStruct(fields);
    const tail = new Uint8Array(footer.length + 8);
    tail.set(footer);
    new DataView(tail.buffer).setUint32(footer.length, footer.length, true);
    tail.set(PARQUET_MAGIC, footer.length + 4);
    return tail;
  }
}
