/**
 * A commit's flat file map seen as folders: the entries of each folder, and each folder's git tree oid
 * (computed as git does, so a folder's `oid` in a tree listing is the one git would print). Built once
 * per commit and kept by the store's commit cache, so tree and paths-info requests cost a map lookup.
 */
import { createHash } from "node:crypto";
import type { StoredFile } from "./commit.js";

export type TreeEntry =
  | { type: "file"; path: string; file: StoredFile }
  | { type: "directory"; path: string; oid: string };

export class RepoTree {
  /** Folder path ("" for the root) to the names directly inside it, sorted. */
  private readonly folders = new Map<string, { files: string[]; folders: string[] }>();
  private readonly oids = new Map<string, string>();

  constructor(readonly files: Readonly<Record<string, StoredFile>>) {
    this.folders.set("", { files: [], folders: [] });
    for (const path of Object.keys(files).sort()) {
      const parts = path.split("/");
      let folder = "";
      for (const part of parts.slice(0, -1)) {
        const child = folder === "" ? part : `${folder}/${part}`;
        if (!this.folders.has(child)) {
          this.folders.set(child, { files: [], folders: [] });
          this.folders.get(folder)?.folders.push(child);
        }
        folder = child;
      }
      this.folders.get(folder)?.files.push(path);
    }
  }

  isDirectory(path: string): boolean {
    return this.folders.has(path);
  }

  /** The entry at `path`: a file, a folder, or undefined. */
  entry(path: string): TreeEntry | undefined {
    const file = this.files[path];
    if (file) return { type: "file", path, file };
    if (this.folders.has(path)) return { type: "directory", path, oid: this.directoryOid(path) };
    return undefined;
  }

  /** The entries directly in a folder (or, with `recursive`, all below it), folders first as the Hub lists. */
  list(folder: string, recursive: boolean): TreeEntry[] {
    const contents = this.folders.get(folder);
    if (!contents) return [];
    const entries: TreeEntry[] = [];
    for (const child of contents.folders) {
      entries.push({ type: "directory", path: child, oid: this.directoryOid(child) });
      if (recursive) entries.push(...this.list(child, true));
    }
    for (const path of contents.files) entries.push(this.entry(path) as TreeEntry);
    return entries;
  }

  /** The git tree oid of a folder: sha1 over `mode name\0` and the raw oid of each entry, in git's order. */
  directoryOid(folder: string): string {
    const known = this.oids.get(folder);
    if (known) return known;
    const contents = this.folders.get(folder) ?? { files: [], folders: [] };
    const items = [
      ...contents.files.map((path) => ({
        name: baseName(path),
        mode: "100644",
        oid: this.files[path]?.gitOid ?? "",
        sortKey: baseName(path),
      })),
      ...contents.folders.map((path) => ({
        name: baseName(path),
        mode: "40000",
        oid: this.directoryOid(path),
        // git sorts a folder as if its name ended with "/".
        sortKey: `${baseName(path)}/`,
      })),
    ].sort((a, b) => Buffer.compare(Buffer.from(a.sortKey), Buffer.from(b.sortKey)));
    const body = Buffer.concat(
      items.flatMap((item) => [Buffer.from(`${item.mode} ${item.name}\0`), Buffer.from(item.oid, "hex")]),
    );
    const oid = createHash("sha1").update(`tree ${body.length}\0`).update(body).digest("hex");
    this.oids.set(folder, oid);
    return oid;
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
