import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { asyncBufferFromFile, parquetMetadata, parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { VEGA_DATA } from "../../../scripts/sample-repos.js";
import { useTempFolders } from "../../../test/support/temp-folders.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { Dataset } from "../dataset.js";
import { DataFileRowError } from "../errors.js";
import { List, Value } from "../features/feature-types.js";
import { encodeParquet } from "../parquet/parquet-codec.js";
import {
  ParquetJoiner,
  readFooter,
  readFooterAsync,
  rowGroupSpan,
  rowGroupsOf,
} from "../parquet/parquet-parts.js";
import { readThriftStruct, type ThriftStruct, writeThriftStruct } from "../parquet/thrift-compact.js";

const tempFolder = useTempFolders("wharf-to-parquet-");

/** 25,000 rows of several types, nulls among them. */
function rows(): Dataset {
  return Dataset.fromDict(
    {
      id: Array.from({ length: 25_000 }, (_, i) => i),
      name: Array.from({ length: 25_000 }, (_, i) => (i % 7 === 0 ? null : `name-${i % 1_000}`)),
      score: Array.from({ length: 25_000 }, (_, i) => i / 8),
      tags: Array.from({ length: 25_000 }, (_, i) => (i % 3 === 0 ? [] : [`t${i % 5}`, `u${i % 11}`])),
    },
    {
      features: {
        id: new Value("int64"),
        name: new Value("string"),
        score: new Value("float64"),
        tags: new List(new Value("string")),
      },
    },
  );
}

/** The bytes of every column chunk of a parquet file, row group by row group. */
function columnChunks(file: Uint8Array): Uint8Array[][] {
  const metadata = parquetMetadata(file);
  return metadata.row_groups.map((group) =>
    group.columns.map((column) => {
      const meta = column.meta_data as NonNullable<typeof column.meta_data>;
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      return file.subarray(start, start + Number(meta.total_compressed_size));
    }),
  );
}

describe("toParquet in parts", () => {
  it("writes the column chunks one writer writes, readable by hyparquet and DuckDB", async () => {
    const dataset = rows();
    const path = join(tempFolder(), "parts.parquet");
    const written = await dataset.toParquet(path, { rowGroupSize: 1_000 });
    const file = new Uint8Array(readFileSync(path));
    expect(written).toBe(file.length);

    // The same rows encoded by one writer in this thread: every column chunk is byte for byte the same.
    const whole = await encodeParquet(
      await (async () => {
        const { RecordBatchStreamWriter } = await import("apache-arrow");
        const { arrowSchemaOf } = await import("../features/features-arrow.js");
        const writer = new RecordBatchStreamWriter();
        writer.reset(undefined, arrowSchemaOf(dataset.features));
        for (const batch of dataset.storedBatches(1_000)) writer.write(batch);
        writer.finish();
        return writer.toUint8Array(true);
      })(),
      1_000,
    );
    const joinedChunks = columnChunks(file);
    expect(joinedChunks).toHaveLength(25);
    expect(joinedChunks).toEqual(columnChunks(whole));

    // An independent JavaScript reader finds every row, page indexes and all.
    const metadata = parquetMetadata(file);
    expect(Number(metadata.num_rows)).toBe(25_000);
    expect(metadata.row_groups.map((group) => Number(group.num_rows))).toEqual(Array(25).fill(1_000));
    const read = await parquetReadObjects({
      file: file.buffer as ArrayBuffer,
      rowStart: 12_990,
      rowEnd: 13_010,
    });
    expect(read.map((row) => Number(row.id))).toEqual(Array.from({ length: 20 }, (_, i) => 12_990 + i));
    expect(read[0]?.name).toBe("name-990");

    // A native reader agrees on counts and sums over every row group.
    const duck = await (await DuckDBInstance.create(":memory:")).connect();
    const result = await duck.runAndReadAll(
      `SELECT count(*)::INTEGER, sum(id)::BIGINT, count(name)::INTEGER, sum(len(tags))::INTEGER FROM read_parquet('${path}')`,
    );
    expect(result.getRows()[0]).toEqual([25_000, 312_487_500n, 25_000 - 3_572, 2 * (25_000 - 8_334)]);
    duck.closeSync();

    // And wharf reads back the rows and the features.
    const back = await Dataset.fromParquet(path);
    expect(back.features).toEqual(dataset.features);
    expect(back.select([0, 7, 24_999]).toList()).toEqual(dataset.select([0, 7, 24_999]).toList());
  });

  it("writes a shuffled dataset's rows in their new order, and leaves no partial file", async () => {
    const folder = tempFolder();
    const shuffled = rows().shuffle({ seed: 7 });
    await shuffled.toParquet(join(folder, "shuffled.parquet"), { rowGroupSize: 2_500 });
    expect(readdirSync(folder)).toEqual(["shuffled.parquet"]);
    const back = await Dataset.fromParquet(join(folder, "shuffled.parquet"));
    expect(back.toDict().id).toEqual(shuffled.toDict().id);
  });

  it("loads a file of many row groups on the workers, and names the run a broken row group is in", async () => {
    const folder = tempFolder();
    const path = join(folder, "groups.parquet");
    await rows().toParquet(path, { rowGroupSize: 1_000 });
    const back = await Dataset.fromParquet(path);
    expect(back.toDict().id).toEqual(rows().toDict().id);
    // Garble row group 12's pages: the worker that decodes its run fails, and the error says where.
    const bytes = new Uint8Array(readFileSync(path));
    const group = rowGroupsOf(readFooter(bytes).footer)[12] as ThriftStruct;
    const { start, end } = rowGroupSpan(group);
    bytes.fill(0x5a, start, end);
    writeFileSync(join(folder, "broken.parquet"), bytes);
    const failure = await Dataset.fromParquet(join(folder, "broken.parquet")).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DataFileRowError);
    expect(String((failure as Error).message)).toMatch(/row groups? [0-9-]+ do(es)? not decode/);
  });

  it("writes an empty dataset and one of a single row group in one piece", async () => {
    const folder = tempFolder();
    await rows().select([]).toParquet(join(folder, "empty.parquet"));
    expect((await Dataset.fromParquet(join(folder, "empty.parquet"))).numRows).toBe(0);
    await rows().take(10).toParquet(join(folder, "small.parquet"));
    expect((await Dataset.fromParquet(join(folder, "small.parquet"))).toDict().id).toEqual(
      Array.from({ length: 10 }, (_, i) => i),
    );
  });
});

describe("parquet footers", () => {
  it("reads and writes a footer through thrift byte for byte", async () => {
    // One file from another writer (vega's), one written by parquet-wasm here.
    const path = join(tempFolder(), "small.parquet");
    await rows().toParquet(path, { rowGroupSize: 25_000 });
    for (const file of [join(VEGA_DATA, "flights-3m.parquet"), path]) {
      const bytes = new Uint8Array(readFileSync(file));
      const { footerStart } = readFooter(bytes);
      const footer = bytes.subarray(footerStart, bytes.length - 8);
      expect(writeThriftStruct(readThriftStruct(footer))).toEqual(footer);
    }
  });

  it("reads a footer by ranged reads, in two when it is larger than the first guess", async () => {
    const path = join(tempFolder(), "many-groups.parquet");
    await rows().toParquet(path, { rowGroupSize: 20 });
    const bytes = new Uint8Array(readFileSync(path));
    const { footer, footerStart } = readFooter(bytes);
    expect(bytes.length - footerStart).toBeGreaterThan(64 * 1024);
    expect(await readFooterAsync(await asyncBufferFromFile(path))).toEqual(footer);
    expect(rowGroupsOf(footer)).toHaveLength(1_250);
  });

  it("reads by ranged reads a footer that just fills the first read", async () => {
    // Footer lengths that fit the first 64 KiB read but leave no room before them for readFooter.
    for (const length of [65_524, 65_525, 65_528, 65_529]) {
      const footer = writeThriftStruct([
        { id: 1, value: { type: 8, value: new Uint8Array(length - 5).fill(7) } },
      ]);
      expect(footer.length).toBe(length);
      const file = new Uint8Array(100_000 + length + 8);
      file.set(new TextEncoder().encode("PAR1"));
      file.set(footer, 100_000);
      new DataView(file.buffer).setUint32(100_000 + length, length, true);
      file.set(new TextEncoder().encode("PAR1"), 100_000 + length + 4);
      const source = {
        byteLength: file.length,
        slice: (start: number, end?: number) => file.slice(start, end).buffer,
      };
      expect(await readFooterAsync(source)).toEqual(readFooter(file).footer);
    }
  });

  it("refuses bytes that are not parquet", () => {
    expect(() => new ParquetJoiner().add(new TextEncoder().encode("not a parquet file"))).toThrow(
      InvalidArgumentError,
    );
    expect(() => new ParquetJoiner().footer()).toThrow(InvalidArgumentError);
  });
});
