/**
 * `flatten`: struct columns replaced by their fields, named `parent.child`, as Python's `flatten` does,
 * down to plain columns. No data is copied: a field's Arrow data is reused, its validity combined with
 * its struct's where the struct has nulls (a null struct makes each of its fields null).
 */
import { BufferType, type Data, type RecordBatch, type Schema } from "apache-arrow";
import { batchOf } from "../arrow/arrow-table.js";
import type { Dataset } from "../dataset.js";
import { type Feature, type Features, isFeatureDict } from "../features/feature-types.js";
import { arrowSchemaOf } from "../features/features-arrow.js";
import { updateFingerprint } from "../fingerprint.js";

export function flattenDataset(dataset: Dataset, maxDepth = 16): Dataset {
  const features: Features = {};
  const flattenFeature = (name: string, feature: Feature, depth: number) => {
    if (isFeatureDict(feature) && depth < maxDepth) {
      for (const [child, inner] of Object.entries(feature))
        flattenFeature(`${name}.${child}`, inner, depth + 1);
    } else {
      features[name] = feature;
    }
  };
  for (const [name, feature] of Object.entries(dataset.features)) flattenFeature(name, feature, 0);
  if (Object.keys(features).length === dataset.numColumns) return dataset;
  const schema = arrowSchemaOf(features);
  const table = dataset.table.project(schema, (batch) =>
    flattenBatch(batch, schema, dataset.features, maxDepth),
  );
  return dataset.derive({
    table,
    features,
    fingerprint: updateFingerprint(dataset.fingerprint, "flatten", { maxDepth }),
  });
}

function flattenBatch(batch: RecordBatch, schema: Schema, features: Features, maxDepth: number): RecordBatch {
  const children: Data[] = [];
  const visit = (data: Data, feature: Feature, depth: number) => {
    if (isFeatureDict(feature) && depth < maxDepth) {
      Object.values(feature).forEach((inner, i) => {
        visit(withParentNulls(data.children[i] as Data, data), inner, depth + 1);
      });
    } else {
      children.push(data);
    }
  };
  Object.values(features).forEach((feature, i) => {
    visit(batch.data.children[i] as Data, feature, 0);
  });
  return batchOf(schema, children, batch.numRows);
}

/** A struct field's data, null wherever the struct is null. */
function withParentNulls(child: Data, parent: Data): Data {
  if (parent.nullCount === 0) return child;
  const length = child.length;
  const bitmap = new Uint8Array(((length + 63) & ~63) >> 3);
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    const parentBit = parent.offset + i;
    const childBit = child.offset + i;
    const parentValid = ((parent.nullBitmap?.[parentBit >> 3] ?? 0xff) >> (parentBit & 7)) & 1;
    const childValid =
      child.nullCount === 0 ? 1 : ((child.nullBitmap?.[childBit >> 3] ?? 0xff) >> (childBit & 7)) & 1;
    if (parentValid & childValid) bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
    else nullCount++;
  }
  const buffers = child.buffers;
  const replaced = {
    [BufferType.OFFSET]: buffers[BufferType.OFFSET],
    [BufferType.DATA]: buffers[BufferType.DATA],
    [BufferType.VALIDITY]: shiftBitmap(bitmap, child.offset),
    [BufferType.TYPE]: buffers[BufferType.TYPE],
  };
  return child.clone(child.type, child.offset, length, nullCount, replaced as never);
}

/** The bitmap placed so that bit `offset + i` holds bit i, matching data that starts at `offset`. */
function shiftBitmap(bitmap: Uint8Array, offset: number): Uint8Array {
  if (offset === 0) return bitmap;
  const length = bitmap.length * 8;
  const out = new Uint8Array(((offset + length + 63) & ~63) >> 3);
  for (let i = 0; i < length; i++) {
    if (((bitmap[i >> 3] as number) >> (i & 7)) & 1)
      out[(offset + i) >> 3] = (out[(offset + i) >> 3] as number) | (1 << ((offset + i) & 7));
  }
  return out;
}
