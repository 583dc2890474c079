import { List as ArrowList, Field, Schema, Utf8 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../core/errors.js";
import {
  Array2D,
  ClassLabel,
  Image,
  LargeList,
  List,
  Sequence,
  Translation,
  Value,
} from "./feature-types.js";
import { arrowSchemaOf, featuresOfSchema, huggingfaceMetadata } from "./features-arrow.js";
import { featuresFromJson, featuresToJson } from "./features-json.js";

describe("features JSON", () => {
  it("reads old Python files: Sequence, id: null, length -1, a sequence of a dict", () => {
    const features = featuresFromJson({
      tokens: {
        feature: { dtype: "string", id: null, _type: "Value" },
        length: -1,
        id: null,
        _type: "Sequence",
      },
      answers: {
        feature: { text: { dtype: "string", _type: "Value" }, start: { dtype: "int32", _type: "Value" } },
        _type: "Sequence",
      },
      label: { num_classes: 2, names: ["neg", "pos"], names_file: null, id: null, _type: "ClassLabel" },
      bare: [{ dtype: "float", _type: "Value" }],
    });
    expect(features.tokens).toEqual(new List(new Value("string")));
    expect(features.answers).toEqual({
      text: new List(new Value("string")),
      start: new List(new Value("int32")),
    });
    expect((features.label as ClassLabel).names).toEqual(["neg", "pos"]);
    expect(features.bare).toEqual(new List(new Value("float32")));
  });

  it("writes what current Python writes: defaults left out, _type last", () => {
    const json = featuresToJson({
      text: new Value("string"),
      label: new ClassLabel({ names: ["a", "b"] }),
      fixed: new List(new Value("int8"), 3),
      big: new LargeList(new Value("int64")),
      grid: Array2D({ shape: [null, 2], dtype: "float32" }),
      picture: new Image({ decode: false }),
      pair: new Translation({ languages: ["fr", "en"] }),
    });
    expect(JSON.stringify(json)).toBe(
      JSON.stringify({
        text: { dtype: "string", _type: "Value" },
        label: { names: ["a", "b"], _type: "ClassLabel" },
        fixed: { feature: { dtype: "int8", _type: "Value" }, length: 3, _type: "List" },
        big: { feature: { dtype: "int64", _type: "Value" }, _type: "LargeList" },
        grid: { shape: [null, 2], dtype: "float32", _type: "Array2D" },
        picture: { decode: false, _type: "Image" },
        pair: { languages: ["fr", "en"], _type: "Translation" },
      }),
    );
  });

  it("refuses an unknown type and a bad dtype with a message naming them", () => {
    expect(() => featuresFromJson({ x: { _type: "Hologram" } })).toThrow(/Hologram/);
    expect(() => new Value("int7")).toThrow(InvalidArgumentError);
  });
});

describe("features in Arrow", () => {
  it("maps as Python does and survives a round trip through the schema metadata", () => {
    const features = {
      id: new Value("int64"),
      when: new Value("timestamp[us, tz=UTC]"),
      price: new Value("decimal128(10, 2)"),
      label: new ClassLabel({ names: ["x", "y"] }),
      tags: Sequence(new Value("string")),
      grid: Array2D({ shape: [2, 3], dtype: "int32" }),
      picture: new Image(),
      pair: new Translation({ languages: ["fr", "en"] }),
      nested: { a: new Value("bool"), b: new List(new Value("float64"), 2) },
    };
    const schema = arrowSchemaOf(features);
    expect(schema.fields.map((field) => String(field.type))).toEqual([
      "Int64",
      "Timestamp<MICROSECOND, UTC>",
      "Decimal[10e+2]",
      "Int64",
      "List<Utf8>",
      "List<List<Int32>>",
      "Struct<{bytes:Binary, path:Utf8}>",
      "Struct<{en:Utf8, fr:Utf8}>",
      "Struct<{a:Bool, b:FixedSizeList[2]<Float64>}>",
    ]);
    const grid = schema.fields[5] as Field;
    expect(grid.metadata.get("ARROW:extension:name")).toBe("datasets.features.features.Array2DExtensionType");
    expect(grid.metadata.get("ARROW:extension:metadata")).toBe('[[2, 3], "int32"]');
    expect(featuresOfSchema(schema)).toEqual(features);
  });

  it("writes the huggingface metadata with Python's separators", () => {
    expect(huggingfaceMetadata({ id: new Value("int64") })).toBe(
      '{"info": {"features": {"id": {"dtype": "int64", "_type": "Value"}}}}',
    );
  });

  it("reads features from Arrow types when the metadata disagrees with them", () => {
    const schema = new Schema(
      [new Field("words", new ArrowList(new Field("item", new Utf8(), true)), true)],
      new Map([["huggingface", huggingfaceMetadata({ words: new Value("string") })]]),
    );
    expect(featuresOfSchema(schema)).toEqual({ words: new List(new Value("string")) });
  });

  it("ClassLabel converts names and numbers both ways", () => {
    const label = new ClassLabel({ names: ["neg", "pos"] });
    expect(label.str2int("pos")).toBe(1);
    expect(label.int2str(0)).toBe("neg");
    expect(() => label.str2int("maybe")).toThrow(/maybe/);
    expect(() => label.int2str(2)).toThrow(InvalidArgumentError);
  });
});
