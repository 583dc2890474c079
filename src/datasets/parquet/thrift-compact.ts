/**
 * Thrift's compact protocol, as parquet writes its footer, read into a tree that keeps every field's wire
 * type and written back byte for byte. wharf edits parquet footers (moving row groups between files) and
 * must carry every field it does not touch exactly as the writer wrote it: statistics, encodings, the
 * Arrow schema, fields newer than wharf. A reader that converts values to JavaScript types and a writer
 * that guesses wire types from them cannot promise that, so this keeps the wire form.
 */
import { InvalidArgumentError } from "../../core/errors.js";

/** The compact protocol's type ids. */
export const ThriftType = {
  TRUE: 1,
  FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const;

export type ThriftValue =
  | { type: 1 | 2 | 3 | 4 | 5; value: number }
  | { type: 6; value: bigint }
  | { type: 7; value: number }
  | { type: 8; value: Uint8Array }
  | { type: 9 | 10; elementType: number; value: ThriftValue[] }
  | { type: 11; keyType: number; valueType: number; value: [ThriftValue, ThriftValue][] }
  | { type: 12; value: ThriftStruct };

/** A struct's fields in the order they were written. */
export type ThriftStruct = { id: number; value: ThriftValue }[];

class CompactReader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  private byte(): number {
    const value = this.bytes[this.offset++];
    if (value === undefined)
      throw new InvalidArgumentError("A thrift structure ends early: the parquet footer is cut.");
    return value;
  }

  private varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.byte();
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  private zigzag(): bigint {
    const raw = this.varint();
    return (raw >> 1n) ^ -(raw & 1n);
  }

  private value(type: number): ThriftValue {
    switch (type) {
      case ThriftType.TRUE:
      case ThriftType.FALSE:
      case ThriftType.BYTE:
        // In a struct field the type itself is the boolean; in a list it is one byte that is read here.
        return { type, value: this.byte() };
      case ThriftType.I16:
      case ThriftType.I32:
        return { type, value: Number(this.zigzag()) };
      case ThriftType.I64:
        return { type, value: this.zigzag() };
      case ThriftType.DOUBLE: {
        const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, 8);
        this.offset += 8;
        return { type, value: view.getFloat64(0, true) };
      }
      case ThriftType.BINARY: {
        const length = Number(this.varint());
        const value = this.bytes.subarray(this.offset, this.offset + length);
        if (value.length !== length)
          throw new InvalidArgumentError("A thrift string runs past the footer's end.");
        this.offset += length;
        return { type, value };
      }
      case ThriftType.LIST:
      case ThriftType.SET: {
        const header = this.byte();
        const size = header >> 4 === 15 ? Number(this.varint()) : header >> 4;
        const elementType = header & 0x0f;
        const value = Array.from({ length: size }, () => this.value(elementType));
        return { type, elementType, value };
      }
      case ThriftType.MAP: {
        const size = Number(this.varint());
        const kinds = size === 0 ? 0 : this.byte();
        const keyType = kinds >> 4;
        const valueType = kinds & 0x0f;
        const value = Array.from(
          { length: size },
          () => [this.value(keyType), this.value(valueType)] as [ThriftValue, ThriftValue],
        );
        return { type, keyType, valueType, value };
      }
      case ThriftType.STRUCT:
        return { type, value: this.struct() };
      default:
        throw new InvalidArgumentError(
          `A thrift value has an unknown type ${type}: the parquet footer is corrupt.`,
        );
    }
  }

  struct(): ThriftStruct {
    const fields: ThriftStruct = [];
    let id = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return fields;
      const type = header & 0x0f;
      const delta = header >> 4;
      id = delta === 0 ? Number(this.zigzag()) : id + delta;
      // A boolean field carries its value in its type and has no payload.
      const value: ThriftValue =
        type === ThriftType.TRUE || type === ThriftType.FALSE
          ? { type, value: type === ThriftType.TRUE ? 1 : 0 }
          : this.value(type);
      fields.push({ id, value });
    }
  }
}

class CompactWriter {
  private chunks: number[] = [];

  private varint(value: bigint): void {
    let rest = value;
    while (rest >= 0x80n) {
      this.chunks.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.chunks.push(Number(rest));
  }

  private zigzag(value: bigint): void {
    this.varint(value >= 0n ? value << 1n : (-value << 1n) - 1n);
  }

  private value(value: ThriftValue): void {
    switch (value.type) {
      case ThriftType.TRUE:
      case ThriftType.FALSE:
      case ThriftType.BYTE:
        this.chunks.push(value.value & 0xff);
        return;
      case ThriftType.I16:
      case ThriftType.I32:
        this.zigzag(BigInt(value.value));
        return;
      case ThriftType.I64:
        this.zigzag(value.value);
        return;
      case ThriftType.DOUBLE: {
        const bytes = new Uint8Array(8);
        new DataView(bytes.buffer).setFloat64(0, value.value, true);
        this.chunks.push(...bytes);
        return;
      }
      case ThriftType.BINARY:
        this.varint(BigInt(value.value.length));
        for (const byte of value.value) this.chunks.push(byte);
        return;
      case ThriftType.LIST:
      case ThriftType.SET:
        if (value.value.length < 15) this.chunks.push((value.value.length << 4) | value.elementType);
        else {
          this.chunks.push(0xf0 | value.elementType);
          this.varint(BigInt(value.value.length));
        }
        for (const element of value.value) this.value(element);
        return;
      case ThriftType.MAP:
        this.varint(BigInt(value.value.length));
        if (value.value.length > 0) this.chunks.push((value.keyType << 4) | value.valueType);
        for (const [key, entry] of value.value) {
          this.value(key);
          this.value(entry);
        }
        return;
      case ThriftType.STRUCT:
        this.struct(value.value);
    }
  }

  struct(fields: ThriftStruct): void {
    let last = 0;
    for (const { id, value } of fields) {
      const delta = id - last;
      if (delta > 0 && delta <= 15) this.chunks.push((delta << 4) | value.type);
      else {
        this.chunks.push(value.type);
        this.zigzag(BigInt(id));
      }
      last = id;
      if (value.type !== ThriftType.TRUE && value.type !== ThriftType.FALSE) this.value(value);
    }
    this.chunks.push(0);
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

/** Reads one struct from the start of `bytes` (a parquet footer's FileMetaData, say). */
export function readThriftStruct(bytes: Uint8Array): ThriftStruct {
  return new CompactReader(bytes).struct();
}

/** Writes a struct read by `readThriftStruct`, changed or not, back to the compact protocol's bytes. */
export function writeThriftStruct(fields: ThriftStruct): Uint8Array {
  const writer = new CompactWriter();
  writer.struct(fields);
  return writer.bytes();
}

/** The field with this id, if the struct has it. */
export function thriftField(fields: ThriftStruct, id: number): ThriftValue | undefined {
  return fields.find((field) => field.id === id)?.value;
}
