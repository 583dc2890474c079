/**
 * `wharf catalog`: datasets by qualified id, as Python's `datamaestro`: `search` (answered from the
 * persisted index), `info`, `download`, `prepare` (prints the data as JSON, with its `id`, as
 * datamaestro does), `check` (every URL), `orphans`, `datafolders list|set`, `repositories` (list, add,
 * remove). Each takes `--json`; `prepare` prints JSON with or without it.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { Catalog, readCatalogConfig, searchLine, writeCatalogConfig } from "../catalog/index.js";
import { type OnProgress, readEnv } from "../core/index.js";
import { jsonOption } from "./options.js";
import { printJson, printTable, report } from "./output.js";
import { withProgressBars } from "./progress-bars.js";

interface CatalogCommandOptions {
  catalogDir?: string;
  quiet?: boolean;
  json?: boolean;
  registerChecksums?: boolean;
}

function open(options: CatalogCommandOptions, onProgress?: OnProgress): Promise<Catalog> {
  return Catalog.open({
    catalogDir: options.catalogDir,
    registerChecksums: options.registerChecksums,
    onProgress,
  });
}

function catalogDir(options: CatalogCommandOptions): string {
  return options.catalogDir ?? readEnv().catalogDir;
}

export function registerCatalog(program: Command): void {
  const catalog = program
    .command("catalog")
    .description("datasets by qualified id (com.lecun.mnist): search, describe, download and prepare them")
    .option("--catalog-dir <dir>", "the catalog's folder (default WHARF_CATALOG_DIR, $WHARF_HOME/catalog)");
  const common = (command: Command) => command.optsWithGlobals<CatalogCommandOptions>();

  catalog
    .command("search")
    .description("datasets whose id or name matches every term (regexes; prefixes tag:, task:, repo:, type:)")
    .argument("<terms...>", "the terms, all of which must match")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      "\nExamples:\n  wharf catalog search mnist\n  wharf catalog search tag:image task:classification",
    )
    .action(async (terms: string[], _options, command: Command) => {
      const options = common(command);
      const hits = await (await open(options)).search(terms);
      if (options.json) return printJson(hits);
      for (const hit of hits) process.stdout.write(`${searchLine(hit)}\n`);
    });

  catalog
    .command("info")
    .description("what a dataset is: name, source, tags, tasks, variants, resources, where its data goes")
    .argument("<id>", "a qualified id, alias, or variant id (id[key=value])")
    .addOption(jsonOption())
    .action(async (id: string, _options, command: Command) => {
      const options = common(command);
      const opened = await open(options);
      const resolved = await opened.resolve(id);
      const { definition } = resolved;
      const resources = Object.entries(definition.resources(resolved.params)).map(([name, resource]) => ({
        name,
        kind: resource.kind,
        dependsOn: resource.dependsOn,
        transient: resource.transient,
        urls: resource.urls,
      }));
      const info = {
        id: resolved.id,
        repository: resolved.repository.id,
        name: definition.name,
        url: definition.url,
        type: definition.type ?? null,
        description: definition.description,
        tags: definition.tags,
        tasks: definition.tasks,
        license: definition.license ?? null,
        citation: definition.citation ?? null,
        doi: definition.doi ?? null,
        aliases: definition.aliases,
        variants: definition.variants,
        resources,
        folder: opened.dataFolder(resolved),
      };
      if (options.json) return printJson(info);
      process.stdout.write(
        `${info.id}  (${info.type ?? "?"}, repository ${info.repository})\n${definition.name}: ${definition.description}\n` +
          `url: ${definition.url}\ntags: ${definition.tags.join(", ") || "-"}\ntasks: ${definition.tasks.join(", ") || "-"}\n` +
          `${definition.license ? `license: ${definition.license}\n` : ""}${Object.keys(definition.variants).length > 0 ? `variants: ${JSON.stringify(definition.variants)}\n` : ""}` +
          `data folder: ${info.folder}\nresources:\n`,
      );
      printTable(
        ["name", "kind", "needs", "url"],
        resources.map((resource) => [
          `${resource.name}${resource.transient ? " (transient)" : ""}`,
          resource.kind,
          resource.dependsOn.join(",") || "-",
          resource.urls[0] ?? "-",
        ]),
      );
    });

  for (const [name, description] of [
    ["download", "download a dataset's resources into its data folder (resumes; checks checksums)"],
    ["prepare", "download a dataset, then print its data as JSON (paths, with its id)"],
  ] as const) {
    catalog
      .command(name)
      .description(description)
      .argument("<id>", "a qualified id, alias, or variant id (id[key=value])")
      .option("--register-checksums", "record what was downloaded in the repository's checksum registry")
      .option("-q, --quiet", "no progress bars")
      .addOption(jsonOption())
      .addHelpText("after", `\nExamples:\n  wharf catalog ${name} com.lecun.mnist`)
      .action(async (id: string, _options, command: Command) => {
        const options = common(command);
        // Only --quiet turns these bars off: prepare prints its JSON either way.
        const bars = { quiet: options.quiet };
        if (name === "prepare") {
          const prepared = await withProgressBars(bars, async (onProgress) =>
            (await open(options, onProgress)).prepare(id),
          );
          return printJson(prepared);
        }
        const result = await withProgressBars(bars, async (onProgress) =>
          (await open(options, onProgress)).download(id),
        );
        report(result, options.json, () => `${result.folder}\n`);
      });
  }

  catalog
    .command("check")
    .description("probe every URL of every dataset (of one repository); exits 1 if one fails")
    .argument("[repository]", "only this repository's datasets")
    .addOption(jsonOption())
    .action(async (repository: string | undefined, _options, command: Command) => {
      const options = common(command);
      const results = await (await open(options)).check(repository);
      if (options.json) printJson(results);
      else
        printTable(
          ["dataset", "resource", "status", "url", "message"],
          results.map((result) => [
            result.dataset,
            result.resource,
            result.status,
            result.url,
            result.message,
          ]),
        );
      if (results.some((result) => result.status !== "ok")) process.exitCode = 1;
    });

  catalog
    .command("orphans")
    .description("data folders no dataset definition claims (left by removed definitions)")
    .addOption(jsonOption())
    .action(async (_options, command: Command) => {
      const options = common(command);
      const orphans = await (await open(options)).orphans();
      if (options.json) return printJson(orphans);
      for (const orphan of orphans) process.stdout.write(`${orphan}\n`);
    });

  const datafolders = catalog
    .command("datafolders")
    .description("named folders where you keep data (linkFolder candidates datafolder:NAME/...)");
  datafolders
    .command("list")
    .description("the data folders and their paths")
    .addOption(jsonOption())
    .action(async (_options, command: Command) => {
      const options = common(command);
      const config = await readCatalogConfig(catalogDir(options));
      if (options.json) return printJson(config.datafolders);
      for (const [key, path] of Object.entries(config.datafolders)) process.stdout.write(`${key}\t${path}\n`);
    });
  datafolders
    .command("set")
    .description("name a data folder")
    .argument("<name>", "the data folder's name")
    .argument("<path>", "the folder")
    .addOption(jsonOption())
    .action(async (key: string, path: string, _options, command: Command) => {
      const options = common(command);
      const dir = catalogDir(options);
      const config = await readCatalogConfig(dir);
      const datafolders = { ...config.datafolders, [key]: path };
      await writeCatalogConfig(dir, { ...config, datafolders });
      report(datafolders, options.json, () => `datafolder:${key} is ${path}\n`);
    });

  const repositories = catalog
    .command("repositories")
    .description("the repositories of definitions: list, add, remove");
  repositories
    .command("list", { isDefault: true })
    .description("the repositories and how many datasets each defines")
    .addOption(jsonOption())
    .action(async (_options, command: Command) => {
      const options = common(command);
      const all = await (await open(options)).allRepositories();
      const rows = all.map((repository) => ({
        id: repository.id,
        datasets: repository.definitions.length,
        description: repository.description,
      }));
      if (options.json) return printJson(rows);
      printTable(
        ["repository", "datasets", "description"],
        rows.map((row) => [row.id, String(row.datasets), row.description]),
      );
    });
  for (const action of ["add", "remove"] as const) {
    repositories
      .command(action)
      .description(`${action} a repository (a module, or a package folder)`)
      .argument("<path>", "a module exporting a repository, or a package folder naming one")
      .addOption(jsonOption())
      .action(async (path: string, _options, command: Command) => {
        const options = common(command);
        const dir = catalogDir(options);
        const config = await readCatalogConfig(dir);
        const absolute = resolve(path);
        const others = config.repositories.filter((entry) => entry !== absolute);
        const repositories = action === "add" ? [...others, absolute] : others;
        await writeCatalogConfig(dir, { ...config, repositories });
        report(repositories, options.json, () => `${action === "add" ? "added" : "removed"} ${absolute}\n`);
      });
  }
}
