/**
 * `concatenateDatasets`: rows of several datasets one after another (axis 0: the same columns, matched
 * by name, the same features), or columns side by side (axis 1: the same number of rows, distinct column
 * names). Row concatenation moves no data: the tables are chained, and mappings become one mapping.
 */
import { ArrowTable, batchOf } from "../arrow/arrow-table.js";
import type { Dataset } from "../dataset.js";
import { CastError } from "../errors.js";
import type { Features } from "../features/feature-types.js";
import { arrowSchemaOf } from "../features/features-arrow.js";
import { featuresToJson } from "../features/features-json.js";
import { updateFingerprint } from "../fingerprint.js";

export function concatenateDatasets(datasets: readonly Dataset[], options: { axis?: 0 | 1 } = {}): Dataset {
  const first = datasets[0];
  if (!first) throw new CastError("concatenateDatasets needs at least one dataset.");
  const fingerprint = updateFingerprint(first.fingerprint, "concatenate", {
    others: datasets.slice(1).map((dataset) => dataset.fingerprint),
    axis: options.axis ?? 0,
  });
  return (options.axis ?? 0) === 0
    ? concatenateRows(datasets, first, fingerprint)
    : concatenateColumns(datasets, first, fingerprint);
}

function concatenateRows(datasets: readonly Dataset[], first: Dataset, fingerprint: string): Dataset {
  const expected = JSON.stringify(featuresToJson(first.features));
  const aligned = datasets.map((dataset, i) => {
    const sameNames = [...dataset.columnNames].sort().join("\0") === [...first.columnNames].sort().join("\0");
    const reordered = sameNames ? dataset.selectColumns(first.columnNames) : dataset;
    if (!sameNames || JSON.stringify(featuresToJson(reordered.features)) !== expected) {
      throw new CastError(
        `Dataset ${i} has columns/features ${JSON.stringify(featuresToJson(dataset.features))}, which differ from the first ` +
          `dataset's ${expected}; cast them to the same features first.`,
      );
    }
    return reordered;
  });
  const table = aligned[0]?.table.concat(aligned.slice(1).map((dataset) => dataset.table)) as ArrowTable;
  if (aligned.every((dataset) => !dataset.indices))
    return first.derive({ table, indices: undefined, fingerprint });
  const indices = new Float64Array(aligned.reduce((sum, dataset) => sum + dataset.numRows, 0));
  let at = 0;
  let base = 0;
  for (const dataset of aligned) {
    for (let i = 0; i < dataset.numRows; i++)
      indices[at++] = base + (dataset.indices ? (dataset.indices[i] as number) : i);
    base += dataset.table.numRows;
  }
  return first.derive({
    table,
    indices: table.numRows <= 0xffffffff ? Uint32Array.from(indices) : indices,
    fingerprint,
  });
}

/**
 * Columns side by side, read lazily: each of the first dataset's stored batches is joined, when loaded,
 * with the same rows of the others (read through their mappings). A first dataset with a mapping is put
 * in order in memory first.
 */
function concatenateColumns(datasets: readonly Dataset[], first: Dataset, fingerprint: string): Dataset {
  const features: Features = {};
  for (const dataset of datasets) {
    if (dataset.numRows !== first.numRows) {
      throw new CastError(
        `Datasets concatenated side by side need the same number of rows; got ${first.numRows} and ${dataset.numRows}.`,
      );
    }
    for (const [name, feature] of Object.entries(dataset.features)) {
      if (name in features)
        throw new CastError(`Column "${name}" is in more than one dataset; rename it first.`);
      features[name] = feature;
    }
  }
  const schema = arrowSchemaOf(features);
  const base = first.materialise();
  const others = datasets.slice(1);
  let at = 0;
  const table = new ArrowTable(
    schema,
    base.table.segments.map((segment) => {
      const start = at;
      at += segment.numRows;
      return {
        numRows: segment.numRows,
        file: segment.file,
        load: () => {
          const batch = segment.load();
          const extra = others.flatMap(
            (other) => other.recordBatch(start, start + segment.numRows).data.children,
          );
          return batchOf(schema, [...batch.data.children, ...extra], batch.numRows);
        },
      };
    }),
  );
  return base.derive({ table, indices: undefined, features, fingerprint });
}
