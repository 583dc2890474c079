/**
 * Parquet files to Arrow record batches, decoded by parquet-wasm. A file is cut into runs of whole row
 * groups, each run a small parquet file of its own (parquet/parquet-parts.ts), and the runs are decoded
 * on the codec pool's threads, a few at a time, so a big file uses every core and is never decoded all at
 * once. apache-arrow takes the batches over through IPC. Large strings and binaries come back as the
 * plain types, as pyarrow reads them, so features match Python's.
 */
import { readFile } from "node:fs/promises";
import { type RecordBatch, RecordBatchReader, type Schema } from "apache-arrow";
import { emptyBatch } from "../arrow/arrow-table.js";
import { DataFileRowError } from "../errors.js";
import { codecPool } from "../parquet/codec-pool.js";
import { decodeParquetToIpc } from "../parquet/parquet-codec.js";
import {
  readFooter,
  rowGroupRows,
  rowGroupSpan,
  rowGroupsFile,
  rowGroupsOf,
} from "../parquet/parquet-parts.js";
import type { ThriftStruct } from "../parquet/thrift-compact.js";
import { narrowLargeTypes } from "./narrow-large-types.js";

/** Compressed bytes per run at most: bounds the memory a run's decoding takes. */
const MAX_RUN_BYTES = 64 * 1024 * 1024;

export interface ParquetReadOptions {
  columns?: readonly string[];
}

/** Arrow IPC stream bytes as apache-arrow batches with large strings narrowed (an empty batch if none). */
function batchesOfIpc(ipc: Uint8Array): RecordBatch[] {
  const reader = RecordBatchReader.from(ipc);
  const batches = [...reader];
  // No rows still has a schema, which an empty batch carries.
  return (batches.length > 0 ? batches : [emptyBatch(reader.schema)]).map(narrowLargeTypes);
}

/**
 * A parquet file decoded to Arrow IPC bytes, on a codec worker if `onWorker` (its bytes then move there
 * and are unusable here), else in this thread.
 */
function decodeToIpc(
  parquet: Uint8Array,
  columns: string[] | undefined,
  onWorker: boolean,
): Promise<Uint8Array> {
  const decoded = onWorker
    ? codecPool().run({ kind: "decode", parquet, columns }, [parquet.buffer as ArrayBuffer])
    : decodeParquetToIpc(parquet, { columns });
  // Callers may await it late (a decode run ahead); a failure meanwhile must not go unhandled.
  decoded.catch(() => undefined);
  return decoded;
}

/**
 * A parquet file of its own (a `rowGroupsFile`, whose bytes move to the worker) decoded on a codec
 * worker when the machine has more than one core, so that the caller's thread can do other work.
 */
export async function decodeParquetOnWorker(parquet: Uint8Array): Promise<RecordBatch[]> {
  return batchesOfIpc(await decodeToIpc(parquet, undefined, codecPool().size > 1));
}

interface Run {
  first: number;
  count: number;
  /** The run's first row in the file. */
  row: number;
  /** Where its column chunks lie in the file: [start, end). */
  start: number;
  end: number;
}

/** The row groups in consecutive runs of about `targetBytes` of compressed data each. */
function runsOf(
  groups: readonly ThriftStruct[],
  spans: readonly { start: number; end: number }[],
  targetBytes: number,
): Run[] {
  const runs: Run[] = [];
  let row = 0;
  groups.forEach((group, index) => {
    const span = spans[index] as { start: number; end: number };
    const last = runs[runs.length - 1];
    if (last && span.end - last.start <= targetBytes) {
      last.count++;
      last.end = span.end;
    } else runs.push({ first: index, count: 1, row, ...span });
    row += rowGroupRows(group);
  });
  return runs;
}

export async function* readParquetBatches(
  file: string,
  options: ParquetReadOptions = {},
): AsyncGenerator<{ schema: Schema; batch: RecordBatch }> {
  const bytes = await readFile(file);
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const columns = options.columns && [...options.columns];
  let footer: ThriftStruct;
  try {
    footer = readFooter(view).footer;
  } catch (error) {
    throw new DataFileRowError(file, 0, "it is not a parquet file (its footer does not read)", {
      cause: error,
    });
  }
  const groups = rowGroupsOf(footer);
  const pool = codecPool();
  const spans = groups.map(rowGroupSpan);
  const totalBytes = spans.reduce((sum, span) => sum + span.end - span.start, 0);
  // Twice as many runs as threads, so that one slow run does not leave the others idle.
  const runs = runsOf(groups, spans, Math.min(MAX_RUN_BYTES, Math.ceil(totalBytes / (2 * pool.size))));
  const decodeRun = (run: Run): Promise<Uint8Array> => {
    const parquet = rowGroupsFile(footer, run.first, run.count, view.subarray(run.start, run.end));
    return decodeToIpc(parquet, columns, runs.length > 1 && pool.size > 1);
  };
  // A file without row groups still has a schema, which decoding the whole (empty) file gives.
  if (runs.length === 0) {
    for (const batch of batchesOfIpc(await decodeToIpc(view, columns, false)))
      yield { schema: batch.schema, batch };
    return;
  }
  const pending = runs.slice(0, pool.size + 1).map(decodeRun);
  for (const [index, run] of runs.entries()) {
    let batches: RecordBatch[];
    try {
      batches = batchesOfIpc(await (pending[index] as Promise<Uint8Array>));
    } catch (error) {
      await Promise.allSettled(pending);
      const which =
        run.count === 1
          ? `row group ${run.first} does`
          : `row groups ${run.first}-${run.first + run.count - 1} do`;
      throw new DataFileRowError(file, run.row, `${which} not decode (${String(error)})`, { cause: error });
    }
    const next = runs[index + pool.size + 1];
    if (next) pending.push(decodeRun(next));
    for (const batch of batches) yield { schema: batch.schema, batch };
  }
}
