/**
 * A folder builder (`imagefolder`, `audiofolder`, `videofolder`, `pdffolder`) streamed: the split's
 * metadata files are fetched (they are small, and every row may need them), the rows are planned as a
 * load plans them (`folderRows`), and each media file's bytes are read only when its row is reached,
 * one request per file. A row's media is `{bytes, path}`, the path naming where the file lives, since
 * it may not be on this machine.
 */
import { basename, posix } from "node:path";
import { ClassLabel } from "../features/feature-types.js";
import type { Row, ShardReader } from "../iterable/iterable-dataset.js";
import { nameOf, sourceBytes } from "../iterable/stream-shards.js";
import { METADATA_FILES } from "./data-files.js";
import type { DataSource } from "./data-source.js";
import { type FolderBuilder, folderRows, mediaColumn, readMetadataRows } from "./read-folder.js";

export function folderShard(
  builder: FolderBuilder,
  source: DataSource,
  files: readonly string[],
): ShardReader {
  const name = `${builder} of ${files.length} files`;
  return {
    name,
    async *rows(skip: number) {
      const metadataFiles = files.filter((file) => METADATA_FILES.has(basename(file)));
      const local = await source.fetch(metadataFiles);
      const metadata = new Map<string, Row>();
      for (const file of metadataFiles) {
        for (const [fileName, row] of await readMetadataRows(local.get(file) as string, file))
          metadata.set(posix.join(posix.dirname(file), fileName), row);
      }
      const media = files.filter((file) => !METADATA_FILES.has(basename(file)));
      const column = mediaColumn(builder);
      const { rows, features } = folderRows(builder, media, metadata);
      // A folder label is handed out as its class number, as a loaded row holds it.
      const label = features.label instanceof ClassLabel ? features.label : undefined;
      for (const row of rows.slice(skip)) {
        const byteSource = source.byteSource(row[column] as string);
        const reference = { bytes: await sourceBytes(byteSource), path: nameOf(byteSource) };
        yield label && typeof row.label === "string"
          ? { ...row, [column]: reference, label: label.str2int(row.label) }
          : { ...row, [column]: reference };
      }
    },
  };
}
