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
  private readonly listings = new Map<string, readonly TreeEntry[]>();
  private readonly fileCount: number;

  constructor(readonly files: Readonly<Record<string, StoredFile>>) {
    this.folders.set("", { files: [], folders: [] });
    const paths = Object.keys(files).sort();
    this.fileCount = paths.length;
    for (const path of paths) {
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

  /** How many files the commit holds. */
  get size(): number {
    return this.fileCount;
  }

  isDirectory(path: string): boolean {
    return this.folders.has(path);
  }

  /**
   * The file at `path`, or undefined. The one way to look a path up: a path such as `constructor` or
   * `__proto__` must not find what every object inherits.
   */
  file(path: string): StoredFile | undefined {
    return Object.hasOwn(this.files, path) ? this.files[path] : undefined;
  }

  /** The entry at `path`: a file, a folder, or undefined. */
  entry(path: string): TreeEntry | undefined {
    const file = this.file(path);
    if (file) return { type: "file", path, file };
    if (this.folders.has(path)) return { type: "directory", path, oid: this.directoryOid(path) };
    return undefined;
  }

  /**
   * The entries directly in a folder (or, with `recursive`, all below it), each folder before its
   * contents and folders before files, as the Hub lists them. Remembered per folder, so the pages of
   * one listing do not each rebuild it.
   */
  list(folder: string, recursive: boolean): readonly TreeEntry[] {
    const key = `${recursive ? "all" : "top"}:${folder}`;
    const known = this.listings.get(key);
    if (known) return known;
    const entries: TreeEntry[] = [];
    // Depth first with an explicit stack, not recursion: a folder holding a million files below it
    // must not exhaust the call stack. A folder's own files come after everything in its subfolders.
    const steps: Array<{ folder: string; files: boolean }> = [{ folder, files: false }];
    while (steps.length > 0) {
      const step = steps.pop() as { folder: string; files: boolean };
      const contents = this.folders.get(step.folder);
      if (!contents) continue;
      if (step.files) {
        for (const path of contents.files) entries.push(this.entry(path) as TreeEntry);
        continue;
      }
      if (step.folder !== folder) {
        entries.push({ type: "directory", path: step.folder, oid: this.directoryOid(step.folder) });
        if (!recursive) continue;
      }
      steps.push({ folder: step.folder, files: true });
      for (let i = contents.folders.length - 1; i >= 0; i--) {
        steps.push({ folder: contents.folders[i] as string, files: false });
      }
    }
    this.listings.set(key, entries);
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
        oid: this.file(path)?.gitOid ?? "",
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
