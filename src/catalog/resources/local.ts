/**
 * Resources made from other resources or from what is already on disk: `filesCopy` (files picked out of
 * another resource, typically a transient archive), `custom` (a function), `reference` (another
 * dataset of the catalog, prepared first), `linkFolder`/`linkFile` (data a user has already, found at
 * one of several candidate paths) and `manualDownload` (a file a user must fetch by hand, matched in
 * the manual folder by its checksum).
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, stat, symlink } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { InvalidArgumentError } from "../../core/errors.js";
import { sha256OfFile } from "../../core/hash.js";
import { type Checksum, verifyFile } from "../checksums.js";
import { ManualDownloadError } from "../errors.js";
import { makeResource, type Resource, type ResourceContext, type ResourceOptions } from "./resource.js";

/** `{destination: source}` paths copied from the resource `from` (a folder) into a new folder. */
export function filesCopy(
  spec: { from: string; files: Readonly<Record<string, string>> } & Omit<ResourceOptions, "dependsOn">,
): Resource {
  return makeResource(
    "files-copy",
    { ...spec, dependsOn: [spec.from] },
    {
      canRecover: false,
      async make(ctx) {
        const source = resolve(ctx.inputs[spec.from] as string);
        await mkdir(ctx.workPath, { recursive: true });
        for (const [destination, from] of Object.entries(spec.files)) {
          const origin = resolve(source, from);
          const target = resolve(ctx.workPath, destination);
          if (!origin.startsWith(`${source}${sep}`) || !target.startsWith(`${resolve(ctx.workPath)}${sep}`))
            throw new InvalidArgumentError(`filesCopy: ${destination} <- ${from} leads outside its folders.`);
          if (!existsSync(origin))
            throw new InvalidArgumentError(`filesCopy: ${spec.from} has no file ${from}.`);
          await mkdir(dirname(target), { recursive: true });
          await copyFile(origin, target);
        }
      },
    },
  );
}

/** A resource made by a function that writes `ctx.workPath` (a file or a folder). */
export function custom(
  spec: { make: (ctx: ResourceContext) => Promise<void>; canRecover?: boolean } & ResourceOptions,
): Resource {
  return makeResource("custom", spec, {
    canRecover: spec.canRecover ?? false,
    make: spec.make,
  });
}

/** Another dataset of the catalog, prepared first; its folder is linked here. */
export function reference(spec: { dataset: string } & ResourceOptions): Resource {
  return makeResource("reference", spec, {
    canRecover: false,
    transient: false,
    async make(ctx) {
      await symlink(await ctx.prepareOther(spec.dataset), ctx.workPath);
    },
  });
}

/** A candidate path, with `datafolder:NAME/rest` read through the user's data folders (undefined if unset). */
function dataFolderPath(
  candidate: string,
  dataFolders: Readonly<Record<string, string>>,
): string | undefined {
  const match = /^datafolder:([^/]+)(?:\/(.*))?$/.exec(candidate);
  if (!match) return candidate;
  const folder = dataFolders[match[1] as string];
  return folder === undefined ? undefined : join(folder, match[2] ?? "");
}

function link(kind: "folder" | "file", spec: { candidates: readonly string[] } & ResourceOptions): Resource {
  return makeResource(`link-${kind}`, spec, {
    canRecover: false,
    transient: false,
    async make(ctx) {
      for (const given of spec.candidates) {
        const candidate = dataFolderPath(given, ctx.dataFolders);
        if (candidate === undefined) continue;
        const found = await stat(candidate).catch(() => undefined);
        if (found && (kind === "folder" ? found.isDirectory() : found.isFile())) {
          await symlink(resolve(candidate), ctx.workPath);
          return;
        }
      }
      throw new InvalidArgumentError(
        `no ${kind} is at any of ${spec.candidates.join(", ")}; put the data at one of them (or name a data folder: wharf catalog datafolders set NAME PATH).`,
      );
    },
  });
}

export function linkFolder(spec: { candidates: readonly string[] } & ResourceOptions): Resource {
  return link("folder", spec);
}

export function linkFile(spec: { candidates: readonly string[] } & ResourceOptions): Resource {
  return link("file", spec);
}

/**
 * A file that must be fetched by hand (a licence to accept, a login): found in the manual folder under
 * any name, by its sha256; until it is there, the error says where to get it and where to put it.
 */
export function manualDownload(
  spec: { fileName: string; instructions: string; checksum: Checksum & { sha256: string } } & Omit<
    ResourceOptions,
    "fileName"
  >,
): Resource {
  return makeResource("manual", spec, {
    canRecover: false,
    async make(ctx) {
      const names = await readdir(ctx.manualFolder).catch(() => [] as string[]);
      // The file under its own name first, so a folder of many files is not hashed whole each time.
      names.sort((a, b) => Number(b === spec.fileName) - Number(a === spec.fileName));
      for (const name of names) {
        const path = join(ctx.manualFolder, name);
        if (!(await stat(path)).isFile()) continue;
        if ((await sha256OfFile(path)) !== spec.checksum.sha256) continue;
        await verifyFile(path, spec.checksum, path);
        await copyFile(path, ctx.workPath);
        return;
      }
      throw new ManualDownloadError(
        `${ctx.datasetId} needs ${spec.fileName}, which must be downloaded by hand: ${spec.instructions} ` +
          `Then put it in ${ctx.manualFolder} (any name; it is found by its sha256 ${spec.checksum.sha256}) and run again.`,
      );
    },
  });
}
