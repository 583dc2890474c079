/**
 * large_string and large_binary columns narrowed to string and binary (64-bit offsets to 32-bit), as
 * pyarrow reads parquet that carries no Arrow schema (parquet-wasm reads every string as large). A
 * column the file's `huggingface` features declare large, or past 2 GiB in one batch, stays large.
 */
import {
  Binary,
  type Data,
  type DataType,
  Field,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Type,
  Utf8,
} from "apache-arrow";
import { arrowTypeOf, declaredFeatures } from "../features/features-arrow.js";

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function narrowLargeTypes(batch: RecordBatch): RecordBatch {
  if (!batch.schema.fields.some((field) => isLarge(field.type))) return batch;
  const declared = declaredFeatures(batch.schema);
  const children = batch.data.children.map((child, i) => {
    const feature = declared?.[(batch.schema.fields[i] as Field).name];
    const declaredLarge = feature !== undefined && isLarge(arrowTypeOf(feature));
    return declaredLarge ? (child as Data) : narrow(child as Data);
  });
  const fields = batch.schema.fields.map(
    (field, i) => new Field(field.name, (children[i] as Data).type, field.nullable, field.metadata),
  );
  const schema = new Schema(fields, batch.schema.metadata);
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children }),
  );
}

function isLarge(type: DataType): boolean {
  return type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary;
}

function narrow(data: Data): Data {
  if (!isLarge(data.type)) return data;
  const offsets = data.valueOffsets as unknown as BigInt64Array;
  const last = Number(offsets[data.length]);
  if (last > 0x7fffffff) return data;
  const narrowed = new Int32Array(data.length + 1);
  const first = Number(offsets[0]);
  // Every offset is below 2^31 (the last is, and they only grow), so each is its low 32-bit word: read
  // as words, not as bigints, whose conversion cost most of the time a parquet file took to load.
  const words = new Int32Array(offsets.buffer, offsets.byteOffset, (data.length + 1) * 2);
  const low = LITTLE_ENDIAN ? 0 : 1;
  for (let i = 0; i <= data.length; i++) narrowed[i] = (words[2 * i + low] as number) - first;
  const type = data.typeId === Type.LargeUtf8 ? new Utf8() : new Binary();
  return makeData({
    type,
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    offset: data.offset,
    valueOffsets: narrowed,
    data: (data.values as Uint8Array).subarray(first, last),
  } as never);
}
