/**
 * Builders of hostile archives for the extraction tests. Real archivers refuse to write `../x` or lie
 * about sizes, so zips are assembled here byte by byte (stored or raw-deflate entries, unix modes), tars
 * with tar-stream's packer, and decompression bombs from raw deflate segments repeated many times.
 */

import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { constants, crc32, deflateRawSync } from "node:zlib";
import tarStream from "tar-stream";

export interface ZipEntrySpec {
  name: string;
  /** Stored bytes (method 0). */
  data?: Buffer;
  /** Raw deflate bytes (method 8), with the size the header claims. */
  deflated?: { bytes: Buffer; declaredSize: number };
  /** Unix mode, e.g. 0o120777 for a symlink (whose data is the target). */
  mode?: number;
}

export function buildZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const body = entry.deflated?.bytes ?? entry.data ?? Buffer.alloc(0);
    const method = entry.deflated ? 8 : 0;
    const size = entry.deflated?.declaredSize ?? body.length;
    const crc = entry.data ? crc32(entry.data) : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** Raw deflate data that inflates to `mebibytes` MiB of zeros, about 1 KiB per MiB. */
export function zeroBombDeflate(mebibytes: number): Buffer {
  const segment = deflateRawSync(Buffer.alloc(1 << 20), { finishFlush: constants.Z_FULL_FLUSH });
  const last = deflateRawSync(Buffer.alloc(0));
  return Buffer.concat([...Array.from({ length: mebibytes }, () => segment), last]);
}

/** A gzip member around raw deflate data (its trailer's checksum is never reached by a refused read). */
export function gzipWrap(rawDeflate: Buffer, inflatedSize: number): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(inflatedSize % 2 ** 32, 4);
  return Buffer.concat([header, rawDeflate, trailer]);
}

export interface TarEntrySpec {
  name: string;
  type?: "file" | "directory" | "symlink" | "link";
  data?: Buffer;
  linkname?: string;
  mode?: number;
}

export async function writeTar(path: string, entries: TarEntrySpec[]): Promise<void> {
  const pack = tarStream.pack();
  const done = pipeline(pack, createWriteStream(path));
  for (const entry of entries) {
    const type = entry.type ?? "file";
    if (type === "file")
      pack.entry({ name: entry.name, mode: entry.mode ?? 0o644 }, entry.data ?? Buffer.alloc(0));
    else pack.entry({ name: entry.name, type, linkname: entry.linkname });
  }
  pack.finalize();
  await done;
}

/** A ustar header for a regular file (the one tar-stream would write; built here to stream a bomb). */
function ustarFileHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  const field = (text: string, offset: number) => header.write(text, offset, "ascii");
  field(name, 0);
  field("0000644\0", 100);
  field("0000000\0", 108);
  field("0000000\0", 116);
  field(`${size.toString(8).padStart(11, "0")}\0`, 124);
  field("00000000000\0", 136);
  field("        ", 148);
  field("0", 156);
  field("ustar\0", 257);
  field("00", 263);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  field(`${checksum.toString(8).padStart(6, "0")}\0 `, 148);
  return header;
}

/** A tar.gz whose entries are `count` files of `mebibytes` MiB of zeros, written in about 1 KiB a MiB. */
export async function writeTarGzBomb(path: string, count: number, mebibytes: number): Promise<void> {
  const fullFlush = { finishFlush: constants.Z_FULL_FLUSH };
  const bomb = zeroBombDeflate(mebibytes).subarray(0, -2); // without the final block
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    parts.push(deflateRawSync(ustarFileHeader(`zeros-${i}.bin`, mebibytes * 2 ** 20), fullFlush), bomb);
  }
  parts.push(deflateRawSync(Buffer.alloc(1024)));
  await writeFile(path, gzipWrap(Buffer.concat(parts), count * mebibytes * 2 ** 20));
}
