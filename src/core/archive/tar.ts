/**
 * Tar extraction: tar-stream parses the format (ustar, pax, GNU long names); every entry is written by
 * the ExtractionTarget, which owns the safety checks. Devices and fifos carry no data and are skipped.
 */
import type { Readable } from "node:stream";
import tarStream from "tar-stream";
import { CorruptArchiveError, WharfError } from "../errors.js";
import type { ExtractionTarget } from "./target.js";

export async function extractTar(source: Readable, target: ExtractionTarget): Promise<void> {
  const extract = tarStream.extract();
  let current: { destroy(error?: Error): void } | undefined;
  // A failing source (corrupt compressed data) must also end the entry being written, or the write
  // would wait forever for bytes that will not come.
  source.on("error", (error) => {
    current?.destroy(error);
    extract.destroy(error);
  });
  source.pipe(extract);
  try {
    for await (const entry of extract) {
      current = entry;
      const { header } = entry;
      switch (header.type) {
        case "file":
        case "contiguous-file":
          target.reserve(header.size ?? 0);
          // Handed over as a plain async iterable: node's pipeline does not see a tar-stream (streamx)
          // entry's errors when given the stream itself.
          await target.file(header.name, iterate(entry as AsyncIterable<Uint8Array>), header.mode);
          break;
        case "directory":
          await target.directory(header.name);
          entry.resume();
          break;
        case "symlink":
          await target.symlink(header.name, header.linkname ?? "");
          entry.resume();
          break;
        case "link":
          await target.hardlink(header.name, header.linkname ?? "");
          entry.resume();
          break;
        default:
          entry.resume();
      }
    }
  } catch (error) {
    source.destroy();
    if (error instanceof WharfError) throw error;
    throw new CorruptArchiveError(
      `${target.archive}: not a readable tar archive (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
}

async function* iterate(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  yield* source;
}
