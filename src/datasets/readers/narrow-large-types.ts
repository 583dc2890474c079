/**
 * large_string and large_binary columns narrowed to string and binary (64-bit offsets to 32-bit), as
 * pyarrow reads parquet and JSON. A column past 2 GiB in one batch keeps its large type.
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

export function narrowLargeTypes(batch: RecordBatch): RecordBatch {
  if (!batch.schema.fields.some((field) => isLarge(field.type))) return batch;
  const children = batch.data.children.map((child) => narrow(child as Data));
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
  for (let i = 0; i <= data.length; i++) narrowed[i] = Number(offsets[i]) - first;
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
