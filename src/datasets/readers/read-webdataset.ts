/**
 * The webdataset builder: tar shards whose consecutive entries sharing a key (the path up to the first
 * dot of the file name) form one example, a column per extension, plus `__key__` and `__url__` (the
 * shard). As Python's builder decodes them: image and audio files become `Image`/`Audio` references
 * `{bytes, path: "{key}.{ext}"}`, `.json` is parsed, `.txt`/`.text` is text, `.cls` (and the other
 * class and index extensions) an integer, anything else raw bytes. An example without some column gets
 * null there.
 */
import { createReadStream } from "node:fs";
import { extname } from "node:path";
import { Readable } from "node:stream";
import tarStream from "tar-stream";
import { Dataset } from "../dataset.js";
import { DataFileRowError } from "../errors.js";
import { Audio, type Feature, type Features, Image, Value } from "../features/feature-types.js";
import { inferFeature } from "../features/infer-features.js";
import { AUDIO, IMAGE } from "../load/data-files.js";

const IMAGES = new Set(IMAGE.split(" ").map((extension) => extension.slice(1)));
const AUDIOS = new Set(AUDIO.split(" ").map((extension) => extension.slice(1)));
const TEXT = new Set(["txt", "text", "transcript"]);
const INTEGERS = new Set(["cls", "cls2", "class", "count", "index", "inx", "id"]);

type Row = Record<string, unknown>;

/** `dir/sample.seg.png` gives key `dir/sample` and field `seg.png`. */
export function splitKey(path: string): { key: string; field: string } | undefined {
  const match = /^((?:.*\/|)[^./]+)\.([^/]*)$/.exec(path);
  return match ? { key: match[1] as string, field: (match[2] as string).toLowerCase() } : undefined;
}

function lastExtension(field: string): string {
  return extname(`x.${field}`).slice(1);
}

function decode(field: string, bytes: Buffer, key: string, shard: string): unknown {
  const extension = lastExtension(field);
  if (IMAGES.has(extension) || AUDIOS.has(extension))
    return { bytes: new Uint8Array(bytes), path: `${key}.${field}` };
  if (extension === "json") {
    try {
      return JSON.parse(bytes.toString("utf8"));
    } catch (error) {
      throw new DataFileRowError(shard, 0, `${key}.${field} is not JSON: ${(error as Error).message}`);
    }
  }
  if (TEXT.has(extension)) return bytes.toString("utf8");
  if (INTEGERS.has(extension)) {
    const text = bytes.toString("utf8").trim();
    if (!/^-?\d+$/.test(text))
      throw new DataFileRowError(shard, 0, `${key}.${field} is not an integer: ${JSON.stringify(text)}`);
    return Number(text);
  }
  return new Uint8Array(bytes);
}

/** The examples of one shard (its bytes, named `shard`), in the order of its entries. */
export async function* webDatasetExamples(
  bytes: AsyncIterable<Uint8Array> | Readable,
  shard: string,
): AsyncIterable<Row> {
  const extract = tarStream.extract();
  const source = bytes instanceof Readable ? bytes : Readable.from(bytes);
  source.on("error", (error) => extract.destroy(error));
  source.pipe(extract);
  let current: Row | undefined;
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (entry.header.type !== "file") continue;
    const parts = splitKey(entry.header.name);
    // Files without an extension, or hidden ones, are not fields of any example.
    if (!parts || entry.header.name.split("/").some((segment) => segment.startsWith("."))) continue;
    if (current && current.__key__ !== parts.key) {
      yield current;
      current = undefined;
    }
    current ??= { __key__: parts.key, __url__: shard };
    current[parts.field] = decode(parts.field, Buffer.concat(chunks), parts.key, shard);
  }
  if (current) yield current;
}

function featureOf(field: string, values: unknown[]): Feature {
  const extension = lastExtension(field);
  if (IMAGES.has(extension)) return new Image();
  if (AUDIOS.has(extension)) return new Audio();
  if (INTEGERS.has(extension)) return new Value("int64");
  if (TEXT.has(extension)) return new Value("string");
  if (extension === "json") return inferFeature(values, field);
  return new Value("binary");
}

export async function readWebDataset(files: readonly string[]): Promise<Dataset> {
  const rows: Row[] = [];
  for (const file of files)
    for await (const row of webDatasetExamples(createReadStream(file), file)) rows.push(row);
  const fields = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter(
    (name) => !name.startsWith("__"),
  );
  const features: Features = { __key__: new Value("string"), __url__: new Value("string") };
  for (const field of fields.sort())
    features[field] = featureOf(
      field,
      rows.map((row) => row[field] ?? null),
    );
  return Dataset.fromList(
    rows.map((row) => Object.fromEntries(Object.keys(features).map((name) => [name, row[name] ?? null]))),
    { features },
  );
}
