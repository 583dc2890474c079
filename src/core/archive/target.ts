/**
 * The only code that writes archive entries to disk. Every entry name and link target is checked twice
 * before a byte is written: lexically (no absolute path, no `..` that climbs out) and physically (the
 * real path of the folder it lands in is inside the extraction root, so a symlink planted by an earlier
 * entry cannot redirect a later one), and every symlink is checked once more when all entries are out.
 * Every byte counts against one budget for the whole archive.
 */
import { createWriteStream } from "node:fs";
import { link, lstat, mkdir, readlink, realpath, symlink, unlink } from "node:fs/promises";
import { dirname, isAbsolute, posix, relative, resolve, sep } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ArchiveTooLargeError, UnsafeArchivePathError } from "../errors.js";

export class ExtractionTarget {
  /** Bytes written so far. */
  written = 0;
  /** Files, links and folders created so far. */
  entries = 0;
  /** Symlinks written, with the entry names that made them, for `verifyLinks`. */
  private readonly links: Array<{ name: string; path: string }> = [];

  private constructor(
    readonly archive: string,
    /** The real path of the folder that receives the entries. */
    readonly root: string,
    readonly maxBytes: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  static async create(
    archive: string,
    root: string,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<ExtractionTarget> {
    await mkdir(root, { recursive: true });
    return new ExtractionTarget(archive, await realpath(root), maxBytes, signal);
  }

  /** The entry's name made relative and normalized, or an error if it points outside. */
  normalize(name: string): string {
    const slashed = name.replace(/\\/g, "/");
    if (slashed.includes("\0"))
      throw new UnsafeArchivePathError(this.archive, name, "has a NUL byte in its name");
    if (slashed.startsWith("/") || /^[a-zA-Z]:/.test(slashed)) {
      throw new UnsafeArchivePathError(this.archive, name, "is an absolute path");
    }
    const normal = posix.normalize(slashed).replace(/\/+$/, "");
    if (normal === ".." || normal.startsWith("../")) {
      throw new UnsafeArchivePathError(this.archive, name, "climbs out with ..");
    }
    return normal === "." ? "" : normal;
  }

  /** Bytes the budget still allows. */
  get remaining(): number {
    return this.maxBytes - this.written;
  }

  /** Fails now if an entry that declares `size` bytes cannot fit. */
  reserve(size: number): void {
    if (size > this.remaining) throw new ArchiveTooLargeError(this.archive, this.maxBytes);
  }

  async directory(name: string): Promise<void> {
    const relativePath = this.normalize(name);
    if (relativePath === "") return;
    const path = await this.placeInside(name, relativePath);
    await mkdir(path, { recursive: true });
    await this.assertPhysicallyInside(name, path);
    this.entries++;
  }

  async file(name: string, content: AsyncIterable<Uint8Array>, mode?: number): Promise<void> {
    const path = await this.placeInside(name, this.normalize(name));
    await removeExisting(path);
    const counter = new BudgetCounter(this);
    // "wx": never open through something that appeared at the path meanwhile.
    await pipeline(content, counter, createWriteStream(path, { flags: "wx", mode: fileMode(mode) }), {
      signal: this.signal,
    });
    this.entries++;
  }

  async symlink(name: string, target: string): Promise<void> {
    const relativePath = this.normalize(name);
    const path = await this.placeInside(name, relativePath);
    const slashed = target.replace(/\\/g, "/");
    if (slashed.startsWith("/") || /^[a-zA-Z]:/.test(slashed)) {
      throw new UnsafeArchivePathError(this.archive, name, `is a link to the absolute path ${target}`);
    }
    const pointsTo = posix.normalize(posix.join(posix.dirname(relativePath), slashed));
    if (pointsTo === ".." || pointsTo.startsWith("../")) {
      throw new UnsafeArchivePathError(this.archive, name, `is a link to ${target}`);
    }
    // Lexically inside is not enough: `l -> sub/..` then `m -> l/..` is "." to posix.normalize but the
    // root's parent on disk. Resolve the target through the links already written, as the OS will.
    await this.assertPhysicallyInside(name, `${dirname(path)}/${slashed}`, true);
    await removeExisting(path);
    await symlink(slashed, path);
    this.links.push({ name, path });
    this.entries++;
  }

  /**
   * Checks every symlink again once all entries are out. A link can be inside when written and lead
   * outside once later entries give its path a new meaning: `b -> x/..`, then `x -> d/..`, then a
   * folder `d` makes `b` the root's parent.
   */
  async verifyLinks(): Promise<void> {
    for (const { name, path } of this.links) {
      let target: string;
      try {
        target = await readlink(path);
      } catch (error) {
        // A later entry of the same name replaced the link with a file or folder.
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EINVAL" || code === "ENOENT") continue;
        throw error;
      }
      await this.assertPhysicallyInside(name, `${dirname(path)}/${target}`, true);
    }
  }

  async hardlink(name: string, targetName: string): Promise<void> {
    const path = await this.placeInside(name, this.normalize(name));
    const source = resolve(this.root, this.normalize(targetName));
    await this.assertPhysicallyInside(name, source);
    // link() does not follow a symlink: it would copy the link itself, whose relative target then
    // means something else at the new place (`a/s -> ..` linked as `t` is the root's parent).
    if ((await lstat(source)).isSymbolicLink()) {
      throw new UnsafeArchivePathError(
        this.archive,
        name,
        `is a hard link to the symbolic link ${targetName}`,
      );
    }
    await removeExisting(path);
    await link(source, path);
    this.entries++;
  }

  /** The entry's absolute path, with its parent folder created and checked to be really inside. */
  private async placeInside(name: string, relativePath: string): Promise<string> {
    if (relativePath === "")
      throw new UnsafeArchivePathError(this.archive, name, "names the extraction folder itself");
    const path = resolve(this.root, relativePath);
    // Check the part that exists before creating the rest, so no folder is ever made outside.
    await this.assertPhysicallyInside(name, dirname(path), true);
    await mkdir(dirname(path), { recursive: true });
    await this.assertPhysicallyInside(name, dirname(path));
    return path;
  }

  /**
   * Resolves links on the way to `path` (realpath, so `..` applies to where a link really leads) and
   * refuses the entry if that is outside the root. With `mayNotExist`, the nearest existing ancestor
   * is checked instead.
   */
  private async assertPhysicallyInside(name: string, path: string, mayNotExist = false): Promise<void> {
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!mayNotExist || (code !== "ENOENT" && code !== "ENOTDIR")) throw error;
      const parent = dirname(path);
      if (parent === path) throw error;
      return this.assertPhysicallyInside(name, parent, true);
    }
    const rel = relative(this.root, real);
    if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new UnsafeArchivePathError(this.archive, name, "resolves (through a link) to a path");
    }
  }
}

/** Passes bytes through while charging them to the target's budget. */
class BudgetCounter extends Transform {
  constructor(private readonly target: ExtractionTarget) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.target.written += chunk.length;
    if (this.target.written > this.target.maxBytes) {
      callback(new ArchiveTooLargeError(this.target.archive, this.target.maxBytes));
    } else {
      callback(null, chunk);
    }
  }
}

/** Archives may repeat a name; the later entry wins, and a link there is removed, not followed. */
async function removeExisting(path: string): Promise<void> {
  try {
    const stats = await lstat(path);
    if (stats.isDirectory() && !stats.isSymbolicLink()) return;
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** Keeps the executable bits of an entry's mode and nothing dangerous (no setuid, no world-write). */
function fileMode(mode: number | undefined): number {
  return mode !== undefined && (mode & 0o111) !== 0 ? 0o755 : 0o644;
}
