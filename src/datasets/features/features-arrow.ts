/**
 * Features to Arrow and back, with Python's mapping: structs for dicts, `item` children for lists,
 * int64 for ClassLabel, `{bytes, path}` structs for media, sorted language structs for Translation, the
 * `datasets.features.features.Array{N}DExtensionType` extension over nested lists for arrays, and the
 * `huggingface` schema metadata that carries the features themselves.
 */
import {
  LargeList as ArrowLargeList,
  List as ArrowList,
  Binary,
  type DataType,
  Field,
  FixedSizeList,
  Int64,
  Schema,
  Struct,
  Type,
  Utf8,
} from "apache-arrow";
import { InvalidArgumentError } from "../../core/errors.js";
import { pythonJsonDumps } from "../python-json.js";
import {
  ArrayND,
  ClassLabel,
  type Feature,
  type Features,
  isFeatureDict,
  LargeList,
  List,
  MediaFeature,
  Translation,
  TranslationVariableLanguages,
  Value,
} from "./feature-types.js";
import { featuresFromJson, featuresToJson } from "./features-json.js";
import { arrowTypeOfDtype, dtypeOfArrowType } from "./value-dtype.js";

export const HUGGINGFACE_METADATA_KEY = "huggingface";
const EXTENSION_NAME = "ARROW:extension:name";
const EXTENSION_METADATA = "ARROW:extension:metadata";
const ARRAY_EXTENSION = /^datasets\.features\.features\.Array([2-5])DExtensionType$/;

/** The Arrow field of one column (extension metadata included for arrays). */
export function arrowFieldOf(name: string, feature: Feature): Field {
  if (feature instanceof ArrayND) {
    const metadata = new Map([
      [EXTENSION_NAME, `datasets.features.features.Array${feature.ndims}DExtensionType`],
      [EXTENSION_METADATA, pythonJsonDumps([feature.shape, feature.dtype])],
    ]);
    return new Field(name, arrowTypeOf(feature), true, metadata);
  }
  return new Field(name, arrowTypeOf(feature), true);
}

/** The Arrow type that stores a feature. */
export function arrowTypeOf(feature: Feature): DataType {
  if (isFeatureDict(feature)) {
    return new Struct(Object.entries(feature).map(([name, inner]) => arrowFieldOf(name, inner)));
  }
  if (feature instanceof Value) return arrowTypeOfDtype(feature.dtype);
  if (feature instanceof ClassLabel) return new Int64();
  if (feature instanceof List) {
    const item = arrowFieldOf("item", feature.feature);
    return feature.length >= 0 ? new FixedSizeList(feature.length, item) : new ArrowList(item);
  }
  if (feature instanceof LargeList) return new ArrowLargeList(arrowFieldOf("item", feature.feature));
  if (feature instanceof ArrayND) {
    let type = arrowTypeOfDtype(feature.dtype);
    for (let i = 0; i < feature.ndims; i++) type = new ArrowList(new Field("item", type, true));
    return type;
  }
  if (feature instanceof MediaFeature) {
    return new Struct([new Field("bytes", new Binary(), true), new Field("path", new Utf8(), true)]);
  }
  if (feature instanceof Translation) {
    return new Struct([...feature.languages].sort().map((language) => new Field(language, new Utf8(), true)));
  }
  if (feature instanceof TranslationVariableLanguages) {
    return new Struct([
      new Field("language", new ArrowList(new Field("item", new Utf8(), true)), true),
      new Field("translation", new ArrowList(new Field("item", new Utf8(), true)), true),
    ]);
  }
  throw new InvalidArgumentError(
    `wharf cannot store a ${(feature as { _type: string })._type} feature in Arrow.`,
  );
}

/** The Arrow schema for features, with the `huggingface` metadata Python writes. */
export function arrowSchemaOf(features: Features): Schema {
  const fields = Object.entries(features).map(([name, feature]) => arrowFieldOf(name, feature));
  return new Schema(fields, new Map([[HUGGINGFACE_METADATA_KEY, huggingfaceMetadata(features)]]));
}

/** The `huggingface` metadata value: `{"info": {"features": ...}}` as Python's json.dumps writes it. */
export function huggingfaceMetadata(features: Features): string {
  return pythonJsonDumps({ info: { features: featuresToJson(features) } });
}

/** The features an Arrow field stands for, read as Python's generate_from_arrow_type does. */
export function featureOfArrowField(field: Field): Feature {
  const extension = field.metadata.get(EXTENSION_NAME);
  if (extension && ARRAY_EXTENSION.test(extension)) {
    const [shape, dtype] = JSON.parse(field.metadata.get(EXTENSION_METADATA) ?? "[]") as [
      (number | null)[],
      string,
    ];
    return new ArrayND({ shape, dtype });
  }
  return featureOfArrowType(field.type, field.name);
}

function featureOfArrowType(type: DataType, name: string): Feature {
  switch (type.typeId) {
    case Type.Struct:
      return Object.fromEntries(
        (type as Struct).children.map((child) => [child.name, featureOfArrowField(child)]),
      );
    case Type.List:
      return new List(featureOfArrowField((type as ArrowList).children[0] as Field));
    case Type.LargeList:
      return new LargeList(featureOfArrowField((type as ArrowLargeList).children[0] as Field));
    case Type.FixedSizeList: {
      const fixed = type as FixedSizeList;
      return new List(featureOfArrowField(fixed.children[0] as Field), fixed.listSize);
    }
    case Type.Dictionary:
      return featureOfArrowType((type as unknown as { dictionary: DataType }).dictionary, name);
    default: {
      const dtype = dtypeOfArrowType(type);
      if (!dtype)
        throw new InvalidArgumentError(
          `Column "${name}" has Arrow type ${type}, which has no datasets feature.`,
        );
      return new Value(dtype);
    }
  }
}

/**
 * The features of an Arrow schema: for each column, the `huggingface` metadata's feature when the
 * metadata has one whose Arrow type agrees with the column's (as Python prefers them), else the one read
 * from the Arrow type.
 */
export function featuresOfSchema(schema: Schema): Features {
  const declared = declaredFeatures(schema);
  return Object.fromEntries(
    schema.fields.map((field) => {
      const feature = declared?.[field.name];
      const agrees = feature !== undefined && String(arrowTypeOf(feature)) === String(field.type);
      return [field.name, agrees ? feature : featureOfArrowField(field)];
    }),
  );
}

/** The features in a schema's `huggingface` metadata, if it holds readable ones. */
export function declaredFeatures(schema: Schema): Features | undefined {
  const metadata = schema.metadata.get(HUGGINGFACE_METADATA_KEY);
  if (!metadata) return undefined;
  try {
    const parsed = JSON.parse(metadata) as { info?: { features?: unknown } };
    return parsed.info?.features ? featuresFromJson(parsed.info.features) : undefined;
  } catch {
    return undefined;
  }
}
