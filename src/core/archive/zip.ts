/**
 * Zip extraction: yauzl reads the central directory and inflates entries (checking their sizes);
 * every entry is written by the ExtractionTarget. Declared sizes are charged to the budget before an
 * entry is inflated, so an honest bomb is refused without inflating a byte, and a lying one is stopped
 * by the byte count.
 */
import type { Readable } from "node:stream";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { CorruptArchiveError, UnsafeArchivePathError, WharfError } from "../errors.js";
import type { ExtractionTarget } from "./target.js";

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const MAX_LINK_TARGET = 4096;

/** yauzl's own name checks run first; they describe the same unsafe entries ours would refuse. */
const YAUZL_UNSAFE = /^(invalid relative path|absolute path|invalid characters in fileName): (.*)$/;

export async function extractZip(path: string, target: ExtractionTarget): Promise<void> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, validateEntrySizes: true, autoClose: true });
  } catch (error) {
    throw new CorruptArchiveError(`${path}: not a readable zip archive (${(error as Error).message}).`, {
      cause: error,
    });
  }
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      await extractEntry(zip, entry, target);
    }
  } catch (error) {
    zip.close();
    const unsafe = error instanceof Error ? YAUZL_UNSAFE.exec(error.message) : null;
    if (unsafe) throw new UnsafeArchivePathError(path, unsafe[2] ?? "", `is refused (${unsafe[1]})`);
    if (error instanceof WharfError) throw error;
    throw new CorruptArchiveError(`${path}: a zip entry could not be read (${(error as Error).message}).`, {
      cause: error,
    });
  }
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off("entry", onEntry);
      zip.off("end", onEnd);
      zip.off("error", onError);
    };
    const onEntry = (entry: Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    zip.on("entry", onEntry);
    zip.on("end", onEnd);
    zip.on("error", onError);
    zip.readEntry();
  });
}

async function extractEntry(zip: ZipFile, entry: Entry, target: ExtractionTarget): Promise<void> {
  const name = entry.fileName;
  const unixMode = entry.versionMadeBy >> 8 === 3 ? entry.externalFileAttributes >>> 16 : 0;
  if (name.endsWith("/")) {
    await target.directory(name);
    return;
  }
  target.reserve(entry.uncompressedSize);
  const content: Readable = await zip.openReadStreamPromise(entry);
  // yauzl's size check keeps failing for every chunk inflate still pushes after the first error; the
  // first one reaches our pipeline, the rest have nowhere to go.
  content.on("error", () => {});
  if ((unixMode & S_IFMT) === S_IFLNK) {
    await target.symlink(name, await readSmall(content));
    return;
  }
  await target.file(name, content, unixMode & 0o777);
}

async function readSmall(stream: Readable): Promise<string> {
  let text = "";
  for await (const chunk of stream) {
    text += (chunk as Buffer).toString("utf8");
    if (text.length > MAX_LINK_TARGET)
      throw new CorruptArchiveError("a zip symlink entry is too long to be a link");
  }
  return text;
}
