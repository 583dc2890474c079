import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempFolders } from "../../../test/support/temp-folders.js";
import { Dataset } from "../dataset.js";
import { loadDatasetFromDisk } from "../disk/load-from-disk.js";
import {
  Array2D,
  Array3D,
  Audio,
  ClassLabel,
  type Features,
  Image,
  LargeList,
  List,
  Sequence,
  Translation,
  TranslationVariableLanguages,
  Value,
  Video,
} from "./feature-types.js";

const tempFolder = useTempFolders("wharf-round-trip-");

/** One column of every kind of feature, two rows each (the second mostly null). */
const features: Features = {
  flag: new Value("bool"),
  tiny: new Value("int8"),
  big: new Value("uint64"),
  half: new Value("float16"),
  single: new Value("float32"),
  day: new Value("date32"),
  moment: new Value("timestamp[us, tz=UTC]"),
  clock: new Value("time32[ms]"),
  span: new Value("duration[s]"),
  price: new Value("decimal128(12, 3)"),
  digest: new Value("fixed_size_binary[4]"),
  blob: new Value("binary"),
  text: new Value("large_string"),
  label: new ClassLabel({ names: ["cat", "dog"] }),
  tokens: Sequence(new Value("string")),
  pair: new List(new Value("int32"), 2),
  many: new LargeList(new Value("float64")),
  grid: Array2D({ shape: [null, 2], dtype: "int16" }),
  cube: Array3D({ shape: [1, 2, 2], dtype: "float32" }),
  picture: new Image(),
  sound: new Audio({ samplingRate: 16_000 }),
  clip: new Video(),
  greeting: new Translation({ languages: ["en", "fr"] }),
  phrases: new TranslationVariableLanguages({ languages: ["de", "en"] }),
  nested: { name: new Value("string"), scores: new List({ value: new Value("float64") }) },
};

const rows = [
  {
    flag: true,
    tiny: -5,
    big: 2n ** 63n + 7n,
    half: 1.5,
    single: 0.25,
    day: new Date("2024-02-29T00:00:00Z"),
    moment: new Date("2024-02-29T12:34:56.789Z"),
    clock: 45_296_789,
    span: 3600,
    price: "123456789.125",
    digest: new Uint8Array([1, 2, 3, 4]),
    blob: new Uint8Array([0, 255]),
    text: "héllo ✓",
    label: "dog",
    tokens: ["a", "b"],
    pair: [1, 2],
    many: [0.5],
    grid: [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
    cube: [
      [
        [1, 2],
        [3, 4],
      ],
    ],
    picture: "images/cat.png",
    sound: { bytes: new Uint8Array([82, 73, 70, 70]), path: "a.wav" },
    clip: { bytes: null, path: "v.mp4" },
    greeting: { en: "hello", fr: "bonjour" },
    phrases: { language: ["de", "en"], translation: ["hallo", "hello"] },
    nested: { name: "x", scores: [{ value: 1 }, { value: 2.5 }] },
  },
  Object.fromEntries(Object.keys(features).map((name) => [name, null])),
];

describe("every feature type", () => {
  it("survives saveToDisk and loadFromDisk with its features and values", async () => {
    const ds = Dataset.fromList(rows, { features });
    const folder = join(tempFolder(), "saved");
    await ds.saveToDisk(folder);
    const loaded = loadDatasetFromDisk(folder).withFormat("python", { int64: "bigint" });
    expect(loaded.features).toEqual(features);
    const expected = ds.withFormat("python", { int64: "bigint" }).toList();
    expect(loaded.toList()).toEqual(expected);
    expect(expected[0]).toMatchObject({
      label: 1n,
      picture: { bytes: null, path: "images/cat.png" },
      price: "123456789.125",
    });
  });

  it("survives parquet for the types parquet stores", async () => {
    const parquetSafe = Object.fromEntries(
      Object.entries(features).filter(([name]) => !["half", "span", "clock", "day", "digest"].includes(name)),
    );
    const ds = Dataset.fromList(rows, { features: parquetSafe });
    const path = join(tempFolder(), "all.parquet");
    await ds.toParquet(path);
    const back = await Dataset.fromParquet(path);
    expect(back.features).toEqual(parquetSafe);
    expect(back.withFormat("python", { int64: "bigint" }).toList()).toEqual(
      ds.withFormat("python", { int64: "bigint" }).toList(),
    );
  });
});
