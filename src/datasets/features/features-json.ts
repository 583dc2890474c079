/**
 * Features to and from the JSON that Python writes in `dataset_info.json`, the Arrow schema metadata and
 * README YAML. Reading takes every form Python has written (`Sequence`, `"id": null`, `"length": -1`,
 * a bare `[feature]`); writing gives what current Python writes: fields at their defaults left out,
 * `_type` last.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import {
  ArrayND,
  Audio,
  ClassLabel,
  type Feature,
  type FeatureDict,
  type Features,
  Image,
  isFeatureDict,
  LargeList,
  List,
  Pdf,
  Sequence,
  Translation,
  TranslationVariableLanguages,
  Value,
  Video,
} from "./feature-types.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Features from their JSON form. */
export function featuresFromJson(json: unknown): Features {
  const features = featureFromJson(json, "features");
  if (!isFeatureDict(features)) throw new InvalidArgumentError("Features JSON must be an object of columns.");
  return features;
}

function featureFromJson(json: unknown, where: string): Feature {
  if (Array.isArray(json)) {
    if (json.length !== 1)
      throw new InvalidArgumentError(`${where}: a list feature holds exactly one feature.`);
    return new List(featureFromJson(json[0], where));
  }
  if (json === null || typeof json !== "object") {
    throw new InvalidArgumentError(`${where}: expected a feature object, got ${JSON.stringify(json)}.`);
  }
  const object = json as JsonObject;
  const type = object._type;
  if (typeof type !== "string") {
    return Object.fromEntries(
      Object.entries(object).map(([name, inner]) => [name, featureFromJson(inner, `${where}.${name}`)]),
    );
  }
  const str = (key: string): string | undefined =>
    typeof object[key] === "string" ? (object[key] as string) : undefined;
  const num = (key: string): number | undefined =>
    typeof object[key] === "number" ? (object[key] as number) : undefined;
  const decode = object.decode === false ? false : undefined;
  switch (type) {
    case "Value":
      return new Value(str("dtype") ?? "null");
    case "ClassLabel": {
      const names = Array.isArray(object.names) ? (object.names as string[]) : undefined;
      const numClasses = num("num_classes");
      return names ? new ClassLabel({ names }) : new ClassLabel({ numClasses: numClasses ?? 0 });
    }
    case "List":
      return new List(featureFromJson(object.feature, `${where}[]`), num("length") ?? -1);
    case "Sequence":
      return Sequence(featureFromJson(object.feature, `${where}[]`), num("length") ?? -1);
    case "LargeList":
      return new LargeList(featureFromJson(object.feature, `${where}[]`));
    case "Array2D":
    case "Array3D":
    case "Array4D":
    case "Array5D":
      return new ArrayND({ shape: object.shape as (number | null)[], dtype: str("dtype") ?? "float32" });
    case "Image":
      return new Image({ mode: str("mode"), decode });
    case "Audio":
      return new Audio({
        samplingRate: num("sampling_rate"),
        numChannels: num("num_channels"),
        streamIndex: num("stream_index"),
        decode,
      });
    case "Video":
      return new Video({ streamIndex: num("stream_index"), decode });
    case "Pdf":
      return new Pdf({ decode });
    case "Translation":
      return new Translation({ languages: (object.languages as string[]) ?? [] });
    case "TranslationVariableLanguages":
      return new TranslationVariableLanguages({
        languages: (object.languages as string[] | null) ?? undefined,
      });
    default:
      throw new InvalidArgumentError(
        `${where}: feature type "${type}" is not known to wharf. Known: Value, ClassLabel, List, Sequence, LargeList, ` +
          "Array2D..Array5D, Image, Audio, Video, Pdf, Translation, TranslationVariableLanguages.",
      );
  }
}

/** The JSON current Python writes for these features. */
export function featuresToJson(features: Features): JsonObject {
  return featureToJson(features) as JsonObject;
}

function featureToJson(feature: Feature): Json {
  if (isFeatureDict(feature)) {
    return Object.fromEntries(
      Object.entries(feature as FeatureDict).map(([name, inner]) => [name, featureToJson(inner)]),
    );
  }
  const out: JsonObject = {};
  const put = (key: string, value: Json | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  if (feature instanceof Value) {
    put("dtype", feature.dtype);
  } else if (feature instanceof ClassLabel) {
    put("names", [...feature.names]);
  } else if (feature instanceof List) {
    put("feature", featureToJson(feature.feature));
    if (feature.length !== -1) put("length", feature.length);
  } else if (feature instanceof LargeList) {
    put("feature", featureToJson(feature.feature));
  } else if (feature instanceof ArrayND) {
    put("shape", [...feature.shape]);
    put("dtype", feature.dtype);
  } else if (feature instanceof Image) {
    put("mode", feature.mode);
    if (!feature.decode) put("decode", false);
  } else if (feature instanceof Audio) {
    put("sampling_rate", feature.samplingRate);
    put("num_channels", feature.numChannels);
    put("stream_index", feature.streamIndex);
    if (!feature.decode) put("decode", false);
  } else if (feature instanceof Video) {
    put("stream_index", feature.streamIndex);
    if (!feature.decode) put("decode", false);
  } else if (feature instanceof Pdf) {
    if (!feature.decode) put("decode", false);
  } else if (feature instanceof Translation) {
    put("languages", [...feature.languages]);
  } else if (feature instanceof TranslationVariableLanguages) {
    if (feature.languages) put("languages", [...feature.languages]);
    put("num_languages", feature.numLanguages);
  }
  out._type = feature._type;
  return out;
}
