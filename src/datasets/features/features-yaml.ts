/**
 * Features in the YAML form of dataset cards (`dataset_info.features`, a config's `features`): a list of
 * `{name, ...}` where a Value is `dtype: int64`, a class label `dtype: {class_label: {names: {'0': a}}}`,
 * a list `list: string` (old cards: `sequence:`), a large list `large_list: ...`, a struct
 * `struct: [...]`, and other types `dtype: image` or `dtype: {audio: {sampling_rate: 16000}}`.
 * Converted through the features JSON form, so every type the JSON form knows works here too.
 */
import { DatasetCardError } from "../errors.js";
import type { Features } from "./feature-types.js";
import { featuresFromJson, featuresToJson } from "./features-json.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const snake = (name: string) => name.replace(/(?<=[a-z0-9])([A-Z])/g, "_$1").toLowerCase();
const camel = (name: string) => name.replace(/(^|_)([a-z0-9])/g, (_, __, char: string) => char.toUpperCase());

/** Features as a card's YAML list. */
export function featuresToYaml(features: Features): JsonObject[] {
  return Object.entries(featuresToJson(features)).map(([name, feature]) => ({ name, ...toYaml(feature) }));
}

function toYaml(json: Json): JsonObject {
  const { _type: type, ...rest } = json as JsonObject;
  if (type === undefined) {
    return { struct: Object.entries(rest).map(([name, inner]) => ({ name, ...toYaml(inner) })) };
  }
  if (type === "List" || type === "LargeList") {
    const { feature, ...more } = rest;
    return { [type === "List" ? "list" : "large_list"]: simplify(toYaml(feature as Json)), ...more };
  }
  if (type === "Value") return rest;
  if (type === "ClassLabel") {
    const names = (rest.names as string[]) ?? [];
    return {
      dtype: { class_label: { names: Object.fromEntries(names.map((label, i) => [String(i), label])) } },
    };
  }
  const kind = snake(type as string);
  return Object.keys(rest).length === 0 ? { dtype: kind } : { dtype: { [kind]: rest } };
}

/** `{dtype: x}` alone becomes `x`, as Python writes list items. */
function simplify(inner: JsonObject): Json {
  const keys = Object.keys(inner);
  return keys.length === 1 && keys[0] === "dtype" && typeof inner.dtype === "string" ? inner.dtype : inner;
}

/** Features from a card's YAML list (or mapping). */
export function featuresFromYaml(yaml: unknown, where = "features"): Features {
  try {
    return featuresFromJson(fromYaml(yaml));
  } catch (error) {
    throw new DatasetCardError(`${where} in the card cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function fromYaml(yaml: unknown): Json {
  if (Array.isArray(yaml)) {
    return Object.fromEntries(
      yaml.map((item: JsonObject) => {
        const { name, ...rest } = item;
        return [String(name), fromYaml(rest)];
      }),
    );
  }
  if (typeof yaml === "string") return { dtype: yaml, _type: "Value" };
  if (yaml === null || typeof yaml !== "object")
    throw new Error(`expected a feature, got ${JSON.stringify(yaml)}`);
  const object = yaml as JsonObject;
  const [key] = Object.keys(object);
  if (key === undefined) return {};
  const { [key]: value, ...more } = object;
  switch (key) {
    case "list":
    case "sequence":
    case "large_list":
      return {
        feature: fromYaml(value),
        ...more,
        _type: key === "list" ? "List" : key === "sequence" ? "Sequence" : "LargeList",
      };
    case "struct":
      return fromYaml(value);
    case "dtype":
      if (typeof value === "string")
        return KNOWN_TYPES.has(value) ? { _type: camel(value) } : { dtype: value, _type: "Value" };
      return fromYaml(value);
    case "class_label": {
      const names = (value as JsonObject).names;
      const list = Array.isArray(names)
        ? names
        : Object.entries((names ?? {}) as JsonObject)
            .sort(([a], [b]) => Number(a) - Number(b))
            .map(([, label]) => label);
      return { names: list, _type: "ClassLabel" };
    }
    default:
      return {
        ...(value as JsonObject),
        _type: key.startsWith("array") ? key.replace(/^array(\d)_d$/, "Array$1D") : camel(key),
      };
  }
}

/** The types a card names by `dtype:` alone (everything else there is a Value dtype). */
const KNOWN_TYPES = new Set([
  "image",
  "audio",
  "video",
  "pdf",
  "translation",
  "translation_variable_languages",
]);
