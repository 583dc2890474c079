/**
 * `wharf upload`: a file or a folder into a Hub repo, as Python's `hf upload REPO [LOCAL] [PATH_IN_REPO]`:
 * a file goes to PATH_IN_REPO (default its name), a folder's files under it (default the root), with
 * `--include`, `--exclude` and `--delete` patterns for folders. Prints the commit's URL; large files show
 * their upload's progress.
 */
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import type { Command } from "commander";
import { InvalidArgumentError } from "../core/index.js";
import { parseRepoId, type RepoType, uploadFile, uploadFolder } from "../hub/index.js";
import { jsonOption, repoTypeOf, repoTypeOption, typeOption } from "./options.js";
import { report } from "./output.js";
import { withProgressBars } from "./progress-bars.js";

interface UploadOptions {
  type: RepoType;
  repoType?: RepoType;
  revision?: string;
  include?: string[];
  exclude?: string[];
  delete?: string[];
  commitMessage?: string;
  commitDescription?: string;
  token?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerUpload(program: Command): void {
  program
    .command("upload")
    .description("upload a file or a folder to a Hub repo in one commit (several for many files)")
    .argument("<repo>", "the repo id, namespace/name")
    .argument("[local]", "a file or folder (default: the current folder)", ".")
    .argument("[pathInRepo]", "where it goes in the repo (default: a file's name, or the root)")
    .addOption(typeOption())
    .addOption(repoTypeOption())
    .option("--revision <branch>", "the branch to commit to (default main)")
    .option("--include <pattern...>", "for a folder: only files matching these patterns")
    .option("--exclude <pattern...>", "for a folder: skip files matching these patterns")
    .option("--delete <pattern...>", "for a folder: delete remote files matching these, unless uploaded")
    .option("--commit-message <text>", "the commit's title")
    .option("--commit-description <text>", "the commit's description")
    .option("--token <token>", "the token to send (default HF_TOKEN, then the stored one)")
    .option("-q, --quiet", "no progress bars; print only the commit URL")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      "\nExamples:\n  wharf upload me/my-model ./model.safetensors\n" +
        "  wharf upload me/my-data ./data data --type dataset --include '*.parquet' --delete '*.parquet'",
    )
    .action(async (repo: string, local: string, pathInRepo: string | undefined, options: UploadOptions) => {
      const repoType = repoTypeOf(options);
      parseRepoId(repo, repoType);
      const info = await stat(local).catch(() => undefined);
      if (!info) throw new InvalidArgumentError(`${local} does not exist: name a file or folder to upload.`);
      const common = {
        repoId: repo,
        repoType,
        revision: options.revision,
        commitDescription: options.commitDescription,
        ...(options.token !== undefined && { token: options.token }),
      };
      const result = await withProgressBars(options, (onProgress) =>
        info.isDirectory()
          ? uploadFolder({
              ...common,
              onProgress,
              folderPath: local,
              pathInRepo,
              allowPatterns: options.include,
              ignorePatterns: options.exclude,
              deletePatterns: options.delete,
              commitMessage: options.commitMessage,
            })
          : uploadFile({
              ...common,
              onProgress,
              file: local,
              pathInRepo: pathInRepo ?? basename(local),
              commitMessage: options.commitMessage,
            }),
      );
      report(result, options.json, () => `${result.commitUrl}\n`);
    });
}
