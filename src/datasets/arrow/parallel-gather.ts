/**
 * A gather of one in-memory source spread over the cores: the columns are shared out between this
 * thread and the gather workers (gather-worker.js), so a shuffle's `flattenIndices` of a wide dataset
 * takes about the time of its largest share rather than the sum. Columns a worker can take are those
 * without nulls whose values are fixed-width words or strings and binaries with 32-bit offsets; every
 * other column, and a small gather, stays in this thread (gather.ts).
 */
import { availableParallelism } from "node:os";
import { type Data, makeData, type RecordBatch, Type } from "apache-arrow";
import { WharfError } from "../../core/errors.js";
import { WorkerPool } from "../../core/workers/worker-pool.js";
import { batchOf } from "./arrow-table.js";
import { FIXED_WIDTH_TYPES, gatherData, type Typed, tooLargeForOneBatch } from "./gather.js";
import { GATHER_WORKER, type GatherResult, type GatherTask } from "./gather-worker.js";

/** Rows below which a gather stays in this thread: copying the columns out would cost more. */
const PARALLEL_ROWS = 500_000;
const MAX_WORKERS = 8;

let pool: WorkerPool<GatherTask, GatherResult> | undefined;

function gatherPool(): WorkerPool<GatherTask, GatherResult> {
  pool ??= new WorkerPool(
    new URL("./gather-worker.js", import.meta.url),
    GATHER_WORKER,
    (message) => new WharfError(`A gather worker failed: ${message}`),
    Math.min(availableParallelism(), MAX_WORKERS),
  );
  return pool;
}

/**
 * What a worker can gather of a column, with its cost in rough units of one random read: a random
 * gather waits on memory, once per row for a fixed-width value (more for a wide one), twice for a string
 * (its offsets, then its bytes), plus the bytes copied. Undefined if the column stays in this thread.
 */
function workerTask(data: Data, rows: Uint32Array): { task: () => GatherTask; cost: number } | undefined {
  if (data.nullCount > 0) return undefined;
  const values = data.values as Typed | undefined;
  if (!values) return undefined;
  if (FIXED_WIDTH_TYPES.has(data.typeId)) {
    const bytesPerValue = data.stride * values.BYTES_PER_ELEMENT;
    if (bytesPerValue % 4 !== 0) return undefined;
    const width = bytesPerValue >>> 2;
    return {
      cost: rows.length * (1 + width / 4),
      // A copy of exactly the column's words, which then moves to the worker.
      task: () => ({
        kind: "words",
        source: new Uint32Array(values.buffer, values.byteOffset, values.byteLength >>> 2).slice(),
        rows,
        width,
      }),
    };
  }
  if ((data.typeId === Type.Utf8 || data.typeId === Type.Binary) && data.valueOffsets instanceof Int32Array) {
    const offsets = data.valueOffsets;
    return {
      cost: rows.length * 2 + (values.byteLength * rows.length) / Math.max(1, data.length) / 16,
      task: () => ({
        kind: "variable",
        offsets: offsets.slice(0, data.length + 1),
        values: (values as Uint8Array).slice(),
        rows,
      }),
    };
  }
  return undefined;
}

/** The buffers a task hands over (its rows are shared, not moved). */
function transferOf(task: GatherTask): ArrayBuffer[] {
  return task.kind === "words"
    ? [task.source.buffer as ArrayBuffer]
    : [task.offsets.buffer as ArrayBuffer, task.values.buffer as ArrayBuffer];
}

/** A worker's answer as the column's new data. */
function dataOf(source: Data, length: number, result: GatherResult): Data {
  if ("tooLarge" in result) throw tooLargeForOneBatch();
  if ("words" in result) {
    const ArrayType = (source.values as Typed).constructor as new (
      buffer: ArrayBuffer,
      offset: number,
      length: number,
    ) => Typed;
    const values = new ArrayType(result.words.buffer as ArrayBuffer, 0, length * source.stride);
    return makeData({ type: source.type, length, nullCount: 0, data: values } as never);
  }
  return makeData({
    type: source.type,
    length,
    nullCount: 0,
    valueOffsets: result.offsets,
    data: result.bytes,
  } as never);
}

/** The rows of `batch` named by `rows`, in that order, its columns gathered on every core. */
export async function gatherInParallel(batch: RecordBatch, rows: Uint32Array): Promise<RecordBatch> {
  const gathers = gatherPool();
  const columns = batch.data.children as Data[];
  const candidates = columns.map((column) => workerTask(column, rows));
  const lanes = Math.min(gathers.size, columns.length);
  if (lanes < 2 || rows.length < PARALLEL_ROWS || candidates.every((candidate) => !candidate)) {
    return batchOf(
      batch.schema,
      columns.map((column) => gatherData(column.type, [column], { rows })),
      rows.length,
    );
  }
  // Lane 0 is this thread, which also takes every column no worker can; the rest go, largest first, to
  // the least loaded lane.
  const load = new Array<number>(lanes).fill(0);
  const laneOf = new Array<number>(columns.length).fill(0);
  load[0] = candidates.filter((candidate) => !candidate).length * rows.length * 2;
  const order = candidates
    .map((candidate, index) => ({ index, cost: candidate?.cost ?? -1 }))
    .filter(({ cost }) => cost >= 0)
    .sort((a, b) => b.cost - a.cost);
  for (const { index, cost } of order) {
    const lane = load.indexOf(Math.min(...load));
    laneOf[index] = lane;
    load[lane] = (load[lane] as number) + cost;
  }
  // The rows are shared with the workers rather than copied to each.
  const shared = new Uint32Array(new SharedArrayBuffer(rows.byteLength));
  shared.set(rows);
  const fromWorkers = new Map<number, Promise<GatherResult>>();
  columns.forEach((_column, index) => {
    if (laneOf[index] === 0) return;
    const task = { ...(candidates[index] as { task: () => GatherTask }).task(), rows: shared };
    const result = gathers.run(task, transferOf(task));
    result.catch(() => undefined); // awaited below, after this thread's share
    fromWorkers.set(index, result);
  });
  // This thread's share, while the workers do theirs.
  const children = columns.map((column, index) =>
    laneOf[index] === 0 ? gatherData(column.type, [column], { rows }) : undefined,
  );
  for (const [index, result] of fromWorkers)
    children[index] = dataOf(columns[index] as Data, rows.length, await result);
  return batchOf(batch.schema, children as Data[], rows.length);
}
