/**
 * The few facts of an Arrow IPC message header that indexing a stream file needs (its kind, its body's
 * length, a record batch's row count), read straight from the header's flatbuffer. apache-arrow's
 * `Message.decode` builds every node and buffer description too, which made opening a file of thousands
 * of batches cost tens of milliseconds; this reads three fields.
 *
 * Flatbuffer tables: a uint32 root offset, then at the table an int32 back to its vtable, whose uint16
 * entries (after the vtable and table sizes) give each field's offset in the table, 0 when absent.
 * Message (Message.fbs): version, header_type, header, bodyLength, custom_metadata.
 * RecordBatch: length, nodes, buffers, compression.
 */

export const HEADER_SCHEMA = 1;
export const HEADER_DICTIONARY_BATCH = 2;
export const HEADER_RECORD_BATCH = 3;

export interface MessageFacts {
  headerType: number;
  bodyLength: number;
  /** Rows of a record batch; 0 for other messages. */
  rows: number;
}

export function readMessageFacts(header: Uint8Array): MessageFacts {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const message = view.getUint32(0, true);
  const headerType = fieldOffset(view, message, 1)
    ? view.getUint8(message + fieldOffset(view, message, 1))
    : 0;
  const bodyLengthAt = fieldOffset(view, message, 3);
  const bodyLength = bodyLengthAt ? readInt64(view, message + bodyLengthAt) : 0;
  let rows = 0;
  const headerAt = fieldOffset(view, message, 2);
  if (headerType === HEADER_RECORD_BATCH && headerAt) {
    const batch = message + headerAt + view.getUint32(message + headerAt, true);
    const lengthAt = fieldOffset(view, batch, 0);
    rows = lengthAt ? readInt64(view, batch + lengthAt) : 0;
  }
  return { headerType, bodyLength, rows };
}

/** Field `index`'s offset inside the table at `table`, or 0 when the field is absent. */
function fieldOffset(view: DataView, table: number, index: number): number {
  const vtable = table - view.getInt32(table, true);
  const vtableSize = view.getUint16(vtable, true);
  const entry = 4 + 2 * index;
  return entry < vtableSize ? view.getUint16(vtable + entry, true) : 0;
}

function readInt64(view: DataView, at: number): number {
  const value = view.getBigInt64(at, true);
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError(`An IPC header holds ${value} where a length belongs.`);
  return Number(value);
}
