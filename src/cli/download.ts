/**
 * `wharf download`: files of a Hub repo into the shared cache (or a folder), as Python's `hf download`:
 * one file prints its path; none or several fetch a snapshot (the files named, or those `--include`
 * and `--exclude` select) and print its folder. `--dry-run` lists what would be fetched.
 */
import type { Command } from "commander";
import {
  type DryRunFileInfo,
  hfHubDownload,
  parseRepoId,
  type RepoType,
  snapshotDownload,
} from "../hub/index.js";
import { cacheDirOption, jsonOption, repoTypeOf, repoTypeOption, typeOption } from "./options.js";
import { printJson, printTable, report } from "./output.js";
import { formatBytes, withProgressBars } from "./progress-bars.js";

interface DownloadOptions {
  type: RepoType;
  repoType?: RepoType;
  revision?: string;
  include?: string[];
  exclude?: string[];
  cacheDir?: string;
  localDir?: string;
  forceDownload?: boolean;
  token?: string;
  maxWorkers: string;
  dryRun?: boolean;
  quiet?: boolean;
  json?: boolean;
}

function printPlan(files: DryRunFileInfo[], json: boolean | undefined): void {
  if (json) {
    printJson(files);
    return;
  }
  const fetching = files.filter((file) => file.willDownload);
  printTable(
    ["file", "size", "cached", "will download"],
    files.map((file) => [
      file.filename,
      formatBytes(file.fileSize),
      file.isCached ? "yes" : "no",
      file.willDownload ? "yes" : "no",
    ]),
  );
  const bytes = fetching.reduce((sum, file) => sum + file.fileSize, 0);
  process.stdout.write(
    `${fetching.length} of ${files.length} files would be downloaded (${formatBytes(bytes)}).\n`,
  );
}

export function registerDownload(program: Command): void {
  program
    .command("download")
    .description("download files of a Hub repo into the cache (or --local-dir) and print where they are")
    .argument("<repo>", "the repo id, namespace/name")
    .argument("[files...]", "files to download (default: the whole repo)")
    .addOption(typeOption())
    .addOption(repoTypeOption())
    .option("--revision <rev>", "a branch, tag or commit (default main)")
    .option("--include <pattern...>", "only files matching these patterns (fnmatch: * crosses /)")
    .option("--exclude <pattern...>", "skip files matching these patterns")
    .addOption(cacheDirOption())
    .option("--local-dir <dir>", "put the files in this folder instead of the cache")
    .option("--force-download", "download even what is cached")
    .option("--token <token>", "the token to send (default HF_TOKEN, then the stored one)")
    .option("--max-workers <n>", "files downloaded at once", "8")
    .option("--dry-run", "list what would be downloaded, and download nothing")
    .option("-q, --quiet", "no progress bars; print only the path")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      "\nExamples:\n  wharf download vega/cars-regressor config.json\n" +
        "  wharf download vega/flights --type dataset --include 'data/*' --local-dir ./flights\n" +
        "  HF_ENDPOINT=http://127.0.0.1:8080 wharf download team/data --type dataset --dry-run",
    )
    .action(async (repo: string, files: string[], options: DownloadOptions) => {
      const repoType = repoTypeOf(options);
      parseRepoId(repo, repoType);
      const common = {
        repoId: repo,
        repoType,
        revision: options.revision,
        cacheDir: options.cacheDir,
        localDir: options.localDir,
        forceDownload: options.forceDownload,
        token: options.token,
      };
      if (options.dryRun) {
        const plan =
          files.length === 1
            ? [await hfHubDownload({ ...common, filename: files[0] as string, dryRun: true })]
            : await snapshotDownload({
                ...common,
                allowPatterns: files.length > 0 ? files : options.include,
                ignorePatterns: options.exclude,
                dryRun: true,
              });
        return printPlan(plan, options.json);
      }
      const path = await withProgressBars(options, (onProgress) =>
        files.length === 1
          ? hfHubDownload({ ...common, filename: files[0] as string, onProgress })
          : snapshotDownload({
              ...common,
              allowPatterns: files.length > 0 ? files : options.include,
              ignorePatterns: options.exclude,
              maxWorkers: Number(options.maxWorkers),
              onProgress,
            }),
      );
      report({ path }, options.json, () => `${path}\n`);
    });
}
