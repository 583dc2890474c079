/**
 * Writes an Arrow IPC stream file the way Python's `ArrowWriter` does (schema with its `huggingface`
 * metadata, record batches, end-of-stream marker) into a temporary file beside the target, renamed into
 * place only when every batch is written: a half-written file never carries the final name.
 */
import { once } from "node:events";
import { createWriteStream, renameSync, rmSync, type WriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { RecordBatch, RecordBatchStreamWriter, type Schema } from "apache-arrow";

/** Bytes allowed to wait for the disk before `write` waits for them to drain. */
const HIGH_WATER = 16 * 1024 * 1024;

export class IpcStreamWriter {
  private readonly writer = new RecordBatchStreamWriter();
  private readonly sink: WriteStream;
  private readonly piped: Promise<void>;
  private readonly temporary: string;
  rows = 0;
  bytes = 0;

  constructor(
    readonly path: string,
    readonly schema: Schema,
  ) {
    this.temporary = `${path}.${process.pid}.${Date.now().toString(36)}.incomplete`;
    this.sink = createWriteStream(this.temporary);
    this.piped = pipeline(this.writer.toNodeStream(), this.sink);
    this.piped.catch(() => {});
    this.writer.reset(undefined, schema);
  }

  /** Appends a batch (given the writer's schema, so every batch carries the same metadata). */
  async write(batch: RecordBatch): Promise<void> {
    this.writer.write(new RecordBatch(this.schema, batch.data));
    this.rows += batch.numRows;
    this.bytes += batch.data.byteLength;
    while (this.sink.writableLength > HIGH_WATER) await once(this.sink, "drain");
  }

  /** Finishes the stream and moves it to its final name. */
  async close(): Promise<void> {
    this.writer.finish();
    this.writer.close();
    try {
      await this.piped;
    } catch (error) {
      this.abort();
      throw error;
    }
    renameSync(this.temporary, this.path);
  }

  /** Drops the partial file. */
  abort(): void {
    this.writer.abort();
    this.sink.destroy();
    rmSync(this.temporary, { force: true });
  }
}
