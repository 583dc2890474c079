import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { Array2D, Audio, ClassLabel, Image, LargeList, List, Translation, Value } from "./feature-types.js";
import { featuresFromYaml, featuresToYaml } from "./features-yaml.js";

describe("features in a card's YAML", () => {
  it("reads the forms Python writes, old ones included", () => {
    const yaml = parse(`
- name: text
  dtype: string
- name: label
  dtype:
    class_label:
      names:
        '0': neg
        '1': pos
- name: tokens
  list: string
- name: answers
  sequence:
  - name: text
    dtype: string
  - name: start
    dtype: int32
- name: picture
  dtype: image
- name: sound
  dtype:
    audio:
      sampling_rate: 16000
- name: grid
  dtype:
    array2_d:
      shape: [null, 3]
      dtype: float32
- name: meta
  struct:
  - name: a
    dtype: int64
`);
    expect(featuresFromYaml(yaml)).toEqual({
      text: new Value("string"),
      label: new ClassLabel({ names: ["neg", "pos"] }),
      tokens: new List(new Value("string")),
      answers: { text: new List(new Value("string")), start: new List(new Value("int32")) },
      picture: new Image(),
      sound: new Audio({ samplingRate: 16_000 }),
      grid: Array2D({ shape: [null, 3], dtype: "float32" }),
      meta: { a: new Value("int64") },
    });
  });

  it("writes what it reads back, in Python's shape", () => {
    const features = {
      id: new Value("int64"),
      label: new ClassLabel({ names: ["a", "b"] }),
      scores: new LargeList(new Value("float32")),
      pair: new Translation({ languages: ["en", "fr"] }),
      nested: { words: new List(new Value("string"), 2) },
    };
    const yaml = featuresToYaml(features);
    expect(yaml[0]).toEqual({ name: "id", dtype: "int64" });
    expect(yaml[1]).toEqual({ name: "label", dtype: { class_label: { names: { "0": "a", "1": "b" } } } });
    expect(yaml[2]).toEqual({ name: "scores", large_list: "float32" });
    expect(yaml[4]).toEqual({ name: "nested", struct: [{ name: "words", list: "string", length: 2 }] });
    expect(featuresFromYaml(parse(stringify(yaml)))).toEqual(features);
    expect(() => featuresFromYaml([{ name: "x", dtype: "int7" }])).toThrow(/int7/);
  });
});
