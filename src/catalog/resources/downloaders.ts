/**
 * The download resources: `fileDownloader` (one file, decompressed when its name ends in .gz, .bz2,
 * .xz or .zst), `zipDownloader` and `tarDownloader` (an archive unpacked safely, optionally only a
 * folder inside it or some of its files, a single top folder unwrapped) and `concatDownloader` (the
 * files inside a tar joined into one). Each takes one URL or several (mirrors tried in turn), and an
 * inline checksum or its repository's registry entry. Downloads resume after an interruption.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { decompressFile } from "../../core/archive/decompress.js";
import { extractArchive } from "../../core/archive/extract.js";
import { formatFromName, isCompression, stripCompressionSuffix } from "../../core/archive/formats.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { relativeFiles } from "../../core/folder-files.js";
import { fnmatch } from "../../core/glob/fnmatch.js";
import type { Checksum } from "../checksums.js";
import { fetchUrl, urlBaseName } from "./fetch-url.js";
import { makeResource, type Resource, type ResourceContext, type ResourceOptions } from "./resource.js";

interface DownloadSpec extends ResourceOptions {
  /** The URL, or mirrors tried in turn. */
  url: string | readonly string[];
  checksum?: Checksum;
}

function urlsOf(spec: DownloadSpec): string[] {
  const urls = typeof spec.url === "string" ? [spec.url] : [...spec.url];
  if (urls.length === 0) throw new InvalidArgumentError("A download resource needs at least one URL.");
  for (const url of urls) new URL(url);
  return urls;
}

export function fileDownloader(spec: DownloadSpec & { decompress?: boolean }): Resource {
  const urls = urlsOf(spec);
  const name = urlBaseName(urls[0] as string);
  const format = formatFromName(name);
  const compression = spec.decompress !== false && isCompression(format) ? format : undefined;
  return makeResource("file", spec, {
    canRecover: true,
    fileName: spec.fileName ?? (compression ? stripCompressionSuffix(name) : name),
    urls,
    async make(ctx) {
      if (!compression) {
        await fetchUrl(urls, ctx.workPath, spec.checksum, ctx);
        return;
      }
      const downloaded = join(ctx.scratch, name);
      await fetchUrl(urls, downloaded, spec.checksum, ctx);
      await decompressFile(downloaded, ctx.workPath, { compression, signal: ctx.signal });
      await rm(downloaded, { force: true });
    },
  });
}

interface ArchiveSpec extends DownloadSpec {
  /** Only this folder of the archive (relative to its root, after unwrapping). */
  subpath?: string;
  /** Only these files (paths or fnmatch patterns relative to the root, or to `subpath`). */
  files?: readonly string[];
  /** Take a single top-level folder as the root (default true). */
  unwrap?: boolean;
}

/** A path inside `root`, or an error: definitions name folders inside archives, never outside. */
function inside(root: string, path: string, what: string): string {
  const target = resolve(root, path);
  if (target !== root && !target.startsWith(`${root}${sep}`))
    throw new InvalidArgumentError(`${what} ${JSON.stringify(path)} leads outside the archive.`);
  return target;
}

/** Downloads and unpacks an archive into the scratch folder; returns the folder its content starts at. */
async function unpack(spec: ArchiveSpec, urls: string[], ctx: ResourceContext): Promise<string> {
  const archive = join(ctx.scratch, urlBaseName(urls[0] as string));
  await fetchUrl(urls, archive, spec.checksum, ctx);
  const unpacked = join(ctx.scratch, "unpacked");
  await rm(unpacked, { recursive: true, force: true });
  await extractArchive(archive, unpacked, { signal: ctx.signal });
  await rm(archive, { force: true });
  let root = unpacked;
  const top = await readdir(root, { withFileTypes: true });
  if (spec.unwrap !== false && top.length === 1 && top[0]?.isDirectory()) root = join(root, top[0].name);
  if (spec.subpath) {
    root = inside(root, spec.subpath, "The subpath");
    if (!(await stat(root).catch(() => undefined))?.isDirectory())
      throw new InvalidArgumentError(`The archive has no folder ${spec.subpath}.`);
  }
  return root;
}

function archiveDownloader(kind: "zip" | "tar", spec: ArchiveSpec): Resource {
  const urls = urlsOf(spec);
  return makeResource(kind, spec, {
    // The download resumes; the unpacking starts again from the downloaded archive.
    canRecover: true,
    urls,
    async make(ctx) {
      const root = await unpack(spec, urls, ctx);
      if (!spec.files) {
        await rename(root, ctx.workPath);
        return;
      }
      const available = await relativeFiles(root);
      await mkdir(ctx.workPath, { recursive: true });
      for (const pattern of spec.files) {
        const chosen = available.filter((file) => file === pattern || fnmatch(file, pattern));
        if (chosen.length === 0)
          throw new InvalidArgumentError(`The archive has no file matching ${pattern}.`);
        for (const file of chosen) {
          const target = join(ctx.workPath, ...file.split("/"));
          await mkdir(dirname(target), { recursive: true });
          await rename(join(root, ...file.split("/")), target);
        }
      }
    },
  });
}

export function zipDownloader(spec: ArchiveSpec): Resource {
  return archiveDownloader("zip", spec);
}

export function tarDownloader(spec: ArchiveSpec): Resource {
  return archiveDownloader("tar", spec);
}

/** The files of a tar (those `files` selects, in name order) joined into one file. */
export function concatDownloader(spec: DownloadSpec & { files?: string; fileName: string }): Resource {
  const urls = urlsOf(spec);
  return makeResource("concat", spec, {
    canRecover: true,
    urls,
    async make(ctx) {
      const root = await unpack({ url: spec.url, checksum: spec.checksum, unwrap: false }, urls, ctx);
      const parts = (await relativeFiles(root)).filter(
        (file) => spec.files === undefined || fnmatch(file, spec.files),
      );
      if (parts.length === 0)
        throw new InvalidArgumentError(`The archive has no file matching ${spec.files ?? "*"}.`);
      const out = createWriteStream(ctx.workPath);
      for (const part of parts)
        await pipeline(createReadStream(join(root, ...part.split("/"))), out, { end: false });
      await new Promise<void>((resolveEnd, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolveEnd())),
      );
    },
  });
}
