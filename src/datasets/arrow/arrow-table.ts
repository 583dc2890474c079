/**
 * A table of rows as an ordered list of segments, each a record batch that is loaded when needed: from
 * memory, or from an IPC stream file through its lazy index. Column operations wrap segments lazily, so
 * renaming or dropping a column of a dataset on disk reads nothing. Rows are located by binary search
 * over the segments' starting rows; rows from several segments are put together by the gather kernel.
 */
import { type Data, makeData, RecordBatch, type Schema, Struct } from "apache-arrow";
import { buildData } from "./build-data.js";
import { concatData } from "./concat-data.js";
import { gatherData, type RowPicks } from "./gather.js";
import { IpcStreamFile } from "./ipc-stream-file.js";

export interface Segment {
  readonly numRows: number;
  load(): RecordBatch;
  /** The file the rows come from, when they come from one. */
  readonly file?: string;
}

export class ArrowTable {
  /** starts[i] is the first row of segment i; starts[segments.length] the row count. */
  readonly starts: Float64Array;

  constructor(
    readonly schema: Schema,
    readonly segments: readonly Segment[],
  ) {
    this.starts = new Float64Array(segments.length + 1);
    for (let i = 0; i < segments.length; i++) {
      this.starts[i + 1] = (this.starts[i] as number) + (segments[i] as Segment).numRows;
    }
  }

  static fromBatches(schema: Schema, batches: readonly RecordBatch[]): ArrowTable {
    return new ArrowTable(
      schema,
      batches
        .filter((batch) => batch.numRows > 0)
        .map((batch) => ({ numRows: batch.numRows, load: () => batch })),
    );
  }

  /** Stream files, read lazily; their schemas must agree (the first one's is kept). */
  static fromIpcFiles(paths: readonly string[]): ArrowTable {
    const files = paths.map((path) => IpcStreamFile.open(path));
    const segments: Segment[] = [];
    for (const file of files) {
      file.batchRows.forEach((numRows, index) => {
        if (numRows > 0) segments.push({ numRows, load: () => file.readBatch(index), file: file.path });
      });
    }
    return new ArrowTable((files[0] as IpcStreamFile).schema, segments);
  }

  get numRows(): number {
    return this.starts[this.segments.length] as number;
  }

  /** The files this table reads, in order, each once. */
  get files(): string[] {
    return [...new Set(this.segments.flatMap((segment) => (segment.file ? [segment.file] : [])))];
  }

  /** The segment holding a row. */
  segmentOf(row: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] as number) <= row) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** Rows [start, end) as a table whose segments are slices of these. */
  slice(start: number, end: number): ArrowTable {
    const segments: Segment[] = [];
    if (end > start) {
      for (let i = this.segmentOf(start); i < this.segments.length && (this.starts[i] as number) < end; i++) {
        const segment = this.segments[i] as Segment;
        const first = Math.max(start - (this.starts[i] as number), 0);
        const last = Math.min(end - (this.starts[i] as number), segment.numRows);
        if (first === 0 && last === segment.numRows) segments.push(segment);
        else
          segments.push({
            numRows: last - first,
            load: () => segment.load().slice(first, last),
            file: segment.file,
          });
      }
    }
    return new ArrowTable(this.schema, segments);
  }

  /** This table's rows followed by others' (their schemas must hold the same columns). */
  concat(others: readonly ArrowTable[]): ArrowTable {
    return new ArrowTable(
      this.schema,
      [this, ...others].flatMap((table) => table.segments),
    );
  }

  /** The same rows with a new schema, each batch passed through `project` when loaded. */
  project(schema: Schema, project: (batch: RecordBatch) => RecordBatch): ArrowTable {
    return new ArrowTable(
      schema,
      this.segments.map((segment) => ({
        numRows: segment.numRows,
        load: () => project(segment.load()),
        file: segment.file,
      })),
    );
  }

  /** Rows [start, end) as one record batch: a zero-copy slice when one segment holds them all. */
  range(start: number, end: number): RecordBatch {
    if (end <= start) return emptyBatch(this.schema);
    const first = this.segmentOf(start);
    if ((this.starts[first + 1] as number) >= end) {
      const base = this.starts[first] as number;
      return withSchema(
        this.schema,
        (this.segments[first] as Segment).load().slice(start - base, end - base),
      );
    }
    const rows = new Float64Array(end - start);
    for (let i = 0; i < rows.length; i++) rows[i] = start + i;
    return this.gather(rows);
  }

  /** The rows named (table row numbers, in the order given) as one record batch. */
  gather(rows: ArrayLike<number>): RecordBatch {
    const count = rows.length;
    if (count > 0 && this.segments.length === 1) {
      // One source: the row numbers are the picks as they are.
      const batch = (this.segments[0] as Segment).load();
      return this.gatherFrom([batch], { rows: rows instanceof Uint32Array ? rows : Uint32Array.from(rows) });
    }
    const picks: Required<RowPicks> = { which: new Uint32Array(count), rows: new Uint32Array(count) };
    const sourceOfSegment = new Int32Array(this.segments.length).fill(-1);
    const batches: RecordBatch[] = [];
    const starts = this.starts;
    // Rows often come in runs from one segment: try the last one before searching.
    let segment = 0;
    for (let k = 0; k < count; k++) {
      const row = rows[k] as number;
      if (row < (starts[segment] as number) || row >= (starts[segment + 1] as number))
        segment = this.segmentOf(row);
      let which = sourceOfSegment[segment] as number;
      if (which < 0) {
        which = batches.length;
        sourceOfSegment[segment] = which;
        batches.push((this.segments[segment] as Segment).load());
      }
      picks.which[k] = which;
      picks.rows[k] = row - (starts[segment] as number);
    }
    if (batches.length === 0) return emptyBatch(this.schema);
    return this.gatherFrom(batches, picks);
  }

  private gatherFrom(batches: readonly RecordBatch[], picks: RowPicks): RecordBatch {
    const children = this.schema.fields.map((field, column) =>
      gatherData(
        field.type,
        batches.map((batch) => batch.data.children[column] as Data),
        picks,
      ),
    );
    return batchOf(this.schema, children, picks.rows.length);
  }

  /**
   * The same rows in one in-memory segment, for gathering many rows in a random order: from one source a
   * gather reads each row's value without first finding its segment and choosing its source, which made
   * a shuffle's `flattenIndices` half again as slow. Kept as it is when it reads files (the data may not
   * fit in memory), when it is one segment already, or when a column's bytes would pass what one batch
   * can hold.
   */
  coalesced(): ArrowTable {
    if (this.segments.length <= 1 || this.segments.some((segment) => segment.file !== undefined)) return this;
    const batches = this.segments.map((segment) => segment.load());
    const bytes = batches.reduce(
      (sum, batch) => sum + batch.data.children.reduce((total, column) => total + variableBytes(column), 0),
      0,
    );
    if (bytes > COALESCE_BYTES) return this;
    let inTurn: RowPicks | undefined;
    const children = this.schema.fields.map((field, column) => {
      const sources = batches.map((batch) => batch.data.children[column] as Data);
      const concatenated = concatData(field.type, sources);
      if (concatenated) return concatenated;
      inTurn ??= allRows(batches);
      return gatherData(field.type, sources, inTurn);
    });
    return ArrowTable.fromBatches(this.schema, [batchOf(this.schema, children, this.numRows)]);
  }
}

/** Every row of the batches, in turn, as picks. */
function allRows(batches: readonly RecordBatch[]): Required<RowPicks> {
  const count = batches.reduce((sum, batch) => sum + batch.numRows, 0);
  const picks = { which: new Uint32Array(count), rows: new Uint32Array(count) };
  let k = 0;
  batches.forEach((batch, which) => {
    for (let row = 0; row < batch.numRows; row++, k++) {
      picks.which[k] = which;
      picks.rows[k] = row;
    }
  });
  return picks;
}

/** Most bytes of strings, binaries and list values the segments may hold to be put in one (32-bit offsets). */
const COALESCE_BYTES = 1 << 30;

/** Bytes of a column's variable-width values (strings, binaries, list children), nested included. */
function variableBytes(column: Data): number {
  const own = column.valueOffsets ? (column.values?.byteLength ?? 0) : 0;
  return own + column.children.reduce((sum, child) => sum + variableBytes(child), 0);
}

/** A record batch from column data. */
export function batchOf(schema: Schema, children: Data[], length: number): RecordBatch {
  const data = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

export function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((field) => buildData(field.type, [], field.name));
  return batchOf(schema, children, 0);
}

function withSchema(schema: Schema, batch: RecordBatch): RecordBatch {
  return batch.schema === schema ? batch : new RecordBatch(schema, batch.data);
}
