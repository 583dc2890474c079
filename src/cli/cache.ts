/**
 * `wharf cache`: the Python-shared Hub cache, as Python's `hf cache`: `scan` shows what it holds,
 * `delete` removes repos or revisions, `prune` removes detached revisions and abandoned partial
 * downloads (or, with `--max-size`, the least recently used revisions until the cache fits), and
 * `verify` re-hashes every blob. Deleting shows the plan and the bytes it frees first, and asks before
 * going on (`--yes` skips the question; `--dry-run` only shows the plan).
 */
import { createInterface } from "node:readline/promises";
import bytes from "bytes";
import type { Command } from "commander";
import { CacheCorruptError, InvalidArgumentError } from "../core/index.js";
import {
  type CacheInfo,
  type DeleteCacheStrategy,
  deleteRevisions,
  evictLru,
  isRepoType,
  pruneCache,
  repoFolderName,
  scanCacheDir,
  verifyCache,
} from "../hub/index.js";
import { cacheDirOption, jsonOption } from "./options.js";
import { count, printJson, printTable, shortDate } from "./output.js";
import { formatBytes, withProgressBars } from "./progress-bars.js";

interface DeleteOptions {
  cacheDir?: string;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
}

/** The commits a target names: a commit hash itself, or every revision of a repo (`dataset/ns/name`). */
function commitsOf(info: CacheInfo, target: string): string[] {
  if (/^[0-9a-f]{40}$/.test(target)) return [target];
  const [type, ...id] = target.split("/");
  const repoType = type?.replace(/s$/, "") ?? "";
  if (!isRepoType(repoType) || id.length === 0)
    throw new InvalidArgumentError(
      `"${target}" names neither a revision (a 40-character commit) nor a repo (model/ns/name, dataset/ns/name, space/ns/name).`,
    );
  const folder = repoFolderName(id.join("/"), repoType);
  const repo = info.repos.find((candidate) => candidate.repoPath.endsWith(`/${folder}`));
  if (!repo) throw new InvalidArgumentError(`The cache holds no ${repoType} ${id.join("/")}.`);
  return repo.revisions.map((revision) => revision.commitHash);
}

function describePlan(plan: DeleteCacheStrategy): string {
  const parts = [
    plan.repos.length && count(plan.repos.length, "repo"),
    plan.snapshots.length && count(plan.snapshots.length, "revision"),
    plan.blobs.length && count(plan.blobs.length, "blob"),
    plan.incompleteFiles.length && count(plan.incompleteFiles.length / 2, "partial download"),
  ].filter(Boolean);
  return parts.length ? `${parts.join(", ")}, freeing ${formatBytes(plan.expectedFreedSize)}` : "nothing";
}

async function confirmed(question: string): Promise<boolean> {
  const lines = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await lines.question(`${question} [y/N] `)).trim());
  } finally {
    lines.close();
  }
}

/** Shows a plan, then carries it out unless it is a dry run or the user says no. */
async function carryOut(command: Command, plan: DeleteCacheStrategy, options: DeleteOptions): Promise<void> {
  for (const hash of plan.notFound)
    process.stderr.write(`wharf: warning: the cache holds no revision ${hash}\n`);
  const summary = describePlan(plan);
  if (options.dryRun) {
    if (options.json) return printJson({ ...plan, execute: undefined });
    return void process.stdout.write(`would delete ${summary}\n`);
  }
  if (summary === "nothing") return void process.stdout.write("nothing to delete\n");
  if (!options.yes) {
    if (!process.stdin.isTTY)
      command.error(`wharf: would delete ${summary}; pass --yes to do it.`, { exitCode: 2 });
    if (!(await confirmed(`Delete ${summary}?`))) return void process.stdout.write("nothing deleted\n");
  }
  await plan.execute();
  process.stdout.write(`deleted ${summary}\n`);
}

const deleteFlags = (command: Command) =>
  command
    .addOption(cacheDirOption())
    .option("--dry-run", "show what would be deleted, and delete nothing")
    .option("-y, --yes", "do not ask before deleting")
    .addOption(jsonOption());

export function registerCache(program: Command): void {
  const cache = program.command("cache").description("inspect, clean and verify the Hub cache Python shares");

  cache
    .command("scan")
    .alias("ls")
    .description("list the repos (and with --revisions, the revisions) the cache holds")
    .addOption(cacheDirOption())
    .option("--revisions", "one line per revision")
    .addOption(jsonOption())
    .action(async (options: { cacheDir?: string; revisions?: boolean; json?: boolean }) => {
      const info = await scanCacheDir(options.cacheDir);
      for (const warning of info.warnings) process.stderr.write(`wharf: warning: ${warning}\n`);
      if (options.json) return printJson(info);
      const repos = [...info.repos].sort((a, b) => b.sizeOnDisk - a.sizeOnDisk);
      if (options.revisions) {
        printTable(
          ["repo", "type", "revision", "size", "files", "modified", "refs"],
          repos.flatMap((repo) =>
            repo.revisions.map((revision) => [
              repo.repoId,
              repo.repoType,
              revision.commitHash,
              formatBytes(revision.sizeOnDisk),
              String(revision.files.length),
              shortDate(revision.lastModified),
              revision.refs.join(", "),
            ]),
          ),
        );
      } else {
        printTable(
          ["repo", "type", "size", "files", "accessed", "modified", "refs"],
          repos.map((repo) => [
            repo.repoId,
            repo.repoType,
            formatBytes(repo.sizeOnDisk),
            String(repo.nbFiles),
            shortDate(repo.lastAccessed),
            shortDate(repo.lastModified),
            repo.revisions.flatMap((revision) => revision.refs).join(", "),
          ]),
        );
      }
      process.stdout.write(
        `\n${count(info.repos.length, "repo")}, ${formatBytes(info.sizeOnDisk)} on disk${info.warnings.length ? `, ${count(info.warnings.length, "warning")}` : ""}\n`,
      );
    });

  deleteFlags(
    cache
      .command("delete")
      .alias("rm")
      .description("delete repos or revisions from the cache")
      .argument("<targets...>", "repos (model/ns/name, dataset/ns/name, space/ns/name) or revision commits")
      .addHelpText(
        "after",
        "\nExamples:\n  wharf cache delete dataset/vega/flights --yes\n  wharf cache delete 1f2e3d...(40 hex) --dry-run",
      ),
  ).action(async (targets: string[], options: DeleteOptions, command: Command) => {
    const info = await scanCacheDir(options.cacheDir);
    await carryOut(
      command,
      deleteRevisions(
        info,
        targets.flatMap((target) => commitsOf(info, target)),
      ),
      options,
    );
  });

  deleteFlags(
    cache
      .command("prune")
      .description(
        "delete revisions no branch or tag points at, and partial downloads untouched for an hour; " +
          "with --max-size, the least recently used revisions until the cache fits instead",
      )
      .option("--max-size <size>", "the size the cache may keep, such as 20GB or 500MB")
      .addHelpText(
        "after",
        "\nExamples:\n  wharf cache prune --dry-run\n  wharf cache prune --max-size 50GB --yes",
      ),
  ).action(async (options: DeleteOptions & { maxSize?: string }, command: Command) => {
    const info = await scanCacheDir(options.cacheDir);
    let plan: DeleteCacheStrategy;
    if (options.maxSize !== undefined) {
      const maxSize = bytes.parse(options.maxSize);
      if (maxSize === null || !Number.isFinite(maxSize) || maxSize < 0)
        throw new InvalidArgumentError(
          `--max-size takes a size such as 20GB or 500MB, not "${options.maxSize}".`,
        );
      plan = evictLru(info, { maxSize });
    } else {
      plan = await pruneCache(info);
    }
    await carryOut(command, plan, options);
  });

  cache
    .command("verify")
    .description("re-hash every blob against its name and list those whose bytes changed")
    .addOption(cacheDirOption())
    .option("-q, --quiet", "no progress bar")
    .addOption(jsonOption())
    .action(async (options: { cacheDir?: string; quiet?: boolean; json?: boolean }) => {
      const result = await withProgressBars(options, (onProgress) =>
        verifyCache(options.cacheDir, { onProgress }),
      );
      if (options.json) printJson(result);
      else {
        for (const blob of result.corrupt)
          process.stdout.write(`corrupt ${blob.blobPath} (its bytes hash to ${blob.actual})\n`);
        process.stdout.write(`${count(result.checked, "blob")} checked, ${result.corrupt.length} corrupt\n`);
      }
      if (result.corrupt.length > 0)
        throw new CacheCorruptError(
          `${count(result.corrupt.length, "blob")} of the cache corrupt; delete their revisions (wharf cache delete) ` +
            "or download them again with --force-download.",
        );
    });
}
