/**
 * The IDX tensor format (MNIST's): two zero bytes, an element type, the number of dimensions, each
 * dimension as a big-endian uint32, then the elements big-endian in C order. Every element type is
 * read: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
 */
import { open, readFile } from "node:fs/promises";
import { InvalidArgumentError } from "../../core/errors.js";

export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
export type IdxType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

export interface IdxTensor {
  dtype: IdxType;
  shape: number[];
  data: IdxArray;
}

interface ElementType {
  dtype: IdxType;
  size: number;
  make(length: number): IdxArray;
  read(view: DataView, offset: number): number;
}

const TYPES: Record<number, ElementType> = {
  8: { dtype: "uint8", size: 1, make: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o) },
  9: { dtype: "int8", size: 1, make: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o) },
  11: { dtype: "int16", size: 2, make: (n) => new Int16Array(n), read: (v, o) => v.getInt16(o) },
  12: { dtype: "int32", size: 4, make: (n) => new Int32Array(n), read: (v, o) => v.getInt32(o) },
  13: { dtype: "float32", size: 4, make: (n) => new Float32Array(n), read: (v, o) => v.getFloat32(o) },
  14: { dtype: "float64", size: 8, make: (n) => new Float64Array(n), read: (v, o) => v.getFloat64(o) },
};

interface Header {
  type: ElementType;
  shape: number[];
  offset: number;
}

function parseHeader(bytes: Buffer, path: string): Header {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0)
    throw new InvalidArgumentError(`${path} is not an IDX file (it does not start with two zero bytes).`);
  const code = bytes[2] as number;
  const type = TYPES[code];
  if (!type)
    throw new InvalidArgumentError(
      `${path}: IDX element type 0x${code.toString(16)} is not one of 0x08, 0x09, 0x0B-0x0E.`,
    );
  const count = bytes[3] as number;
  if (bytes.length < 4 + 4 * count) throw new InvalidArgumentError(`${path}: the IDX header is cut short.`);
  const shape = Array.from({ length: count }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  return { type, shape, offset: 4 + 4 * count };
}

/** The element type and shape, from the header alone. */
export async function readIdxHeader(path: string): Promise<{ dtype: IdxType; shape: number[] }> {
  const file = await open(path);
  try {
    const head = Buffer.alloc(4 + 4 * 255);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const { type, shape } = parseHeader(head.subarray(0, bytesRead), path);
    return { dtype: type.dtype, shape };
  } finally {
    await file.close();
  }
}

/** The whole tensor, its elements in the machine's own byte order. */
export async function readIdx(path: string): Promise<IdxTensor> {
  const bytes = await readFile(path);
  const { type, shape, offset } = parseHeader(bytes, path);
  const length = shape.reduce((product, size) => product * size, 1);
  if (bytes.length !== offset + length * type.size) {
    throw new InvalidArgumentError(
      `${path}: the IDX header announces ${length} elements of ${type.size} bytes, but the file holds ${bytes.length - offset} bytes of data.`,
    );
  }
  const data = type.make(length);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, length * type.size);
  for (let i = 0; i < length; i++) data[i] = type.read(view, i * type.size);
  return { dtype: type.dtype, shape, data };
}
