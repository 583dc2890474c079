/**
 * `flattenIndices`: writes the rows of a dataset with an indices mapping in their mapped order, so
 * reading them is sequential again. Beside file-backed data the result is a `cache-{fingerprint}.arrow`
 * file (reused when present, as Python does); in-memory data stays in memory.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { ArrowTable } from "../arrow/arrow-table.js";
import { gatherInParallel } from "../arrow/parallel-gather.js";
import type { Dataset } from "../dataset.js";
import { WRITER_BATCH_SIZE, writeBatches } from "../disk/write-batches.js";
import { updateFingerprint } from "../fingerprint.js";

/** Rows per gathered batch when the result stays in memory: few, large batches. */
const IN_MEMORY_BATCH = 65_536;

export async function flattenIndices(dataset: Dataset): Promise<Dataset> {
  if (!dataset.indices) return dataset;
  const fingerprint = updateFingerprint(dataset.fingerprint, "flattenIndices", {});
  const files = dataset.table.files;
  if (files.length === 0) {
    // In memory, from one segment, column after column: a random gather of one column at a time keeps
    // that column's source in the processor's caches, where one batch of every column at a time made
    // the columns evict each other (about twice as slow on flights-3m). A mapping longer than the rows
    // (repeats) goes in batches, so that no one batch can pass what 32-bit offsets hold.
    // The columns are shared out over the cores when the mapping and the table allow (parallel-gather.ts).
    const table = dataset.table.coalesced();
    const only = table.segments.length === 1 ? table.segments[0] : undefined;
    const batches =
      only && dataset.indices instanceof Uint32Array && dataset.indices.length <= table.numRows
        ? [await gatherInParallel(only.load(), dataset.indices)]
        : [...dataset.recordBatches(IN_MEMORY_BATCH)];
    return dataset.derive({
      table: ArrowTable.fromBatches(dataset.table.schema, batches),
      indices: undefined,
      fingerprint,
    });
  }
  const path = cacheFilePath(files, fingerprint);
  if (!existsSync(path))
    await writeBatches(path, dataset.table.schema, dataset.recordBatches(WRITER_BATCH_SIZE));
  return dataset.derive({ table: ArrowTable.fromIpcFiles([path]), indices: undefined, fingerprint });
}

/** Where Python puts a transform's result: `cache-{fingerprint}.arrow` beside the first data file. */
export function cacheFilePath(files: readonly string[], fingerprint: string): string {
  return join(dirname(files[0] as string), `cache-${fingerprint}.arrow`);
}
