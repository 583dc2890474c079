/**
 * `wharf mirror`: the repos of a wharf store, a folder or an S3 bucket. `pull` copies a repo from a Hub
 * endpoint; `push` and `sync` copy between stores; `share` publishes a dataset in hg_localization's
 * bucket layout and `get` fetches one back; `import` commits a folder as a new commit on a branch;
 * `tag` and `branch` name a revision; `list` shows what the store (or a bucket's manifest) holds. (`wharf repo` manages
 * repos on a Hub, as Python's `hf repo`.)
 */
import { type Command, Option } from "commander";
import { InvalidArgumentError } from "../core/index.js";
import { isRepoType, parseRepoId, REPO_TYPES, type RepoType } from "../hub/index.js";
import {
  getSharedDataset,
  importFolder,
  isS3Address,
  listShared,
  NotInStoreError,
  pullRepo,
  RefsDivergedError,
  S3ObjectStore,
  s3Settings,
  shareDataset,
  syncStores,
  type TransferOptions,
  type TransferResult,
  transferRepos,
} from "../mirror/index.js";
import { jsonOption, repoTypeOf, repoTypeOption, typeOption } from "./options.js";
import { printJson, printTable, report } from "./output.js";
import { formatBytes, withProgressBars } from "./progress-bars.js";
import {
  addStoreOptions,
  endpointUrlOption,
  openStore,
  type StoreOptions,
  storeOption,
} from "./store-option.js";

interface PullCommandOptions extends StoreOptions {
  type: RepoType;
  repoType?: RepoType;
  revision?: string;
  include?: string[];
  exclude?: string[];
  config?: string;
  from?: string;
  token?: string;
  maxWorkers: string;
  quiet?: boolean;
  json?: boolean;
}

/** The bucket `--remote` reads: `--store` when it is one, else hg_localization's variables. */
function sharedBucket(options: StoreOptions): string {
  if (options.store && isS3Address(options.store)) return options.store;
  const bucket = process.env.HGLOC_S3_BUCKET_NAME;
  if (!bucket)
    throw new InvalidArgumentError(
      "--remote needs a bucket: pass --store s3://bucket/prefix (or set HGLOC_S3_BUCKET_NAME).",
    );
  return `s3://${bucket}/${process.env.HGLOC_S3_DATA_PREFIX ?? ""}`;
}

interface TransferCommandOptions extends StoreOptions {
  ids: string[];
  type: RepoType;
  force?: boolean;
  quiet?: boolean;
  json?: boolean;
}

/** Runs transfers with progress bars, returning what each did. */
async function withProgress<T>(
  options: TransferCommandOptions,
  run: (transfer: TransferOptions) => Promise<T>,
): Promise<T> {
  return withProgressBars(options, (onProgress) =>
    run({
      repos: options.ids.length > 0 ? options.ids.map((id) => parseRepoId(id, options.type)) : undefined,
      force: options.force,
      onProgress,
    }),
  );
}

/** Prints what each transfer did; diverged refs make the command fail, once everything else is done. */
function reportTransfers(results: TransferResult[], json: boolean | undefined): void {
  if (json) printJson(results.length === 1 ? results[0] : results);
  for (const result of results) {
    if (!json)
      process.stdout.write(
        `${result.from} -> ${result.to}: ${result.repos.length} repos, ${result.commitsCopied} commits, ` +
          `${result.blobsCopied} blobs (${formatBytes(result.bytesCopied)}), ${result.refsUpdated.length} refs moved\n`,
      );
    for (const conflict of result.conflicts)
      process.stderr.write(
        `diverged: ${conflict.repo} ${conflict.ref} is ${conflict.target} in ${result.to} and ${conflict.source} in ${result.from}; ` +
          "left as it was (push --force overwrites it)\n",
      );
  }
  const diverged = results.reduce((sum, result) => sum + result.conflicts.length, 0);
  if (diverged > 0)
    throw new RefsDivergedError(
      `${diverged} ref(s) diverged and were left as they were; merge them, or push --force to overwrite.`,
    );
}

export function registerMirror(program: Command): void {
  const repo = program.command("mirror").description("manage the repos of a wharf store on this machine");

  repo
    .command("import")
    .description("commit a folder as a new commit on a branch of a store repo (created if missing)")
    .argument("<folder>", "the folder whose files become the commit")
    .requiredOption("--repo <id>", "the repo id, namespace/name")
    .addOption(typeOption())
    .option("--revision <branch>", "the branch to commit on", "main")
    .option("--message <title>", "the commit's title")
    .option("--private", "make a new repo private")
    .addOption(storeOption())
    .addOption(endpointUrlOption())
    .option("-q, --quiet", "no progress bars")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      "\nExamples:\n  wharf mirror import ./my-data --repo team/my-data --type dataset\n" +
        "  wharf mirror import ./v2 --repo team/my-model --revision dev --message 'Second try'",
    )
    .action(
      async (
        folder: string,
        options: StoreOptions & {
          repo: string;
          type: RepoType;
          revision: string;
          message?: string;
          private?: boolean;
          quiet?: boolean;
          json?: boolean;
        },
      ) => {
        const id = parseRepoId(options.repo, options.type);
        const result = await withProgressBars(options, (onProgress) =>
          importFolder(openStore(options), folder, id, {
            branch: options.revision,
            title: options.message,
            private: options.private,
            onProgress,
          }),
        );
        const files = Object.keys(result.commit.files).length;
        if (options.json) {
          const { createdRepo, newBlobs, storedBytes } = result;
          return printJson({
            repo: options.repo,
            type: options.type,
            commit: result.commit.id,
            branch: options.revision,
            files,
            createdRepo,
            newBlobs,
            storedBytes,
          });
        }
        process.stdout.write(
          `${result.createdRepo ? "created" : "updated"} ${options.type} ${options.repo}: commit ${result.commit.id} ` +
            `on ${options.revision}, ${files} files, ${result.newBlobs} new blobs (${result.storedBytes} bytes stored)\n`,
        );
      },
    );

  for (const kind of ["tag", "branch"] as const) {
    repo
      .command(kind)
      .description(`create a ${kind} at a revision of a store repo`)
      .argument("<id>", "the repo id, namespace/name")
      .argument("<name>", `the ${kind}'s name`)
      .addOption(typeOption())
      .option("--revision <rev>", "the revision it points to", "main")
      .addOption(storeOption())
      .addOption(endpointUrlOption())
      .addOption(jsonOption())
      .action(
        async (
          idText: string,
          name: string,
          options: StoreOptions & { type: RepoType; revision: string; json?: boolean },
        ) => {
          const store = openStore(options);
          const id = parseRepoId(idText, options.type);
          const commit = await store.resolveRevision(id, options.revision);
          if (!commit)
            throw new NotInStoreError(
              `${idText} has no revision ${options.revision} in ${store.objects.location}.`,
            );
          await store.setRef(id, kind === "tag" ? "tags" : "heads", name, undefined, commit);
          report(
            { repoId: idText, [kind]: name, commit },
            options.json,
            () => `${kind} ${name} -> ${commit}\n`,
          );
        },
      );
  }

  addStoreOptions(repo.command("pull"))
    .description("copy a repo at a revision from a Hub endpoint into the store, under the Hub's commit id")
    .argument("<repo>", "the repo id, namespace/name")
    .addOption(typeOption())
    .addOption(repoTypeOption())
    .option("--revision <rev>", "a branch, tag or commit of the upstream (default main)")
    .option("--include <pattern...>", "only files matching these patterns (fnmatch: * crosses /)")
    .option("--exclude <pattern...>", "skip files matching these patterns")
    .option("--config <name>", "a dataset config: only its data files and the card")
    .option("--from <url>", "the upstream endpoint (default HF_ENDPOINT)")
    .option("--token <token>", "the upstream token (default HF_TOKEN, then the stored one)")
    .option("--max-workers <n>", "files fetched at once", "8")
    .addHelpText(
      "after",
      "\nExamples:\n  wharf mirror pull vega/flights --type dataset\n" +
        "  wharf mirror pull glue --type dataset --config mrpc --store s3://team-bucket/hub\n" +
        "  wharf mirror pull team/model --revision v1.0 --from http://wharf.internal:8080",
    )
    .action(async (idText: string, options: PullCommandOptions) => {
      const repoType = repoTypeOf(options);
      parseRepoId(idText, repoType);
      const result = await withProgressBars(options, (onProgress) =>
        pullRepo(openStore(options), {
          repoId: idText,
          repoType,
          revision: options.revision,
          allowPatterns: options.include,
          ignorePatterns: options.exclude,
          config: options.config,
          endpoint: options.from,
          token: options.token,
          maxWorkers: Number(options.maxWorkers),
          onProgress,
        }),
      );
      const summary = {
        repo: idText,
        type: repoType,
        commit: result.commit.id,
        ref: result.ref ?? null,
        files: Object.keys(result.commit.files).length,
        downloadedFiles: result.downloadedFiles,
        downloadedBytes: result.downloadedBytes,
        createdRepo: result.createdRepo,
      };
      report(
        summary,
        options.json,
        () =>
          `pulled ${repoType} ${idText} at ${result.commit.id}${result.ref ? ` (${result.ref})` : ""}: ` +
          `${summary.files} files, ${result.downloadedFiles} downloaded (${formatBytes(result.downloadedBytes)})\n`,
      );
    });

  repo
    .command("share")
    .description(
      "publish a dataset of the store in a bucket, in hg_localization's layout, readable without credentials",
    )
    .argument("<repo>", "the dataset id, namespace/name")
    .option("--config <name>", "the config to share (default: the dataset's default)")
    .option("--revision <rev>", "the revision (default main; recorded as default_revision)")
    .option("--to <s3://bucket/prefix>", "the bucket (default: --store, when it is one)")
    .option("-q, --quiet", "no progress bars")
    .addOption(jsonOption())
    .addOption(storeOption())
    .addOption(endpointUrlOption())
    .addHelpText(
      "after",
      "\nExamples:\n  wharf mirror share vega/seattle-weather --store ./store --to s3://public-bucket/data\n" +
        "  wharf mirror share glue --config mrpc --store s3://team-bucket/hub",
    )
    .action(
      async (
        idText: string,
        options: StoreOptions & {
          config?: string;
          revision?: string;
          to?: string;
          quiet?: boolean;
          json?: boolean;
        },
      ) => {
        const target = options.to ?? options.store ?? "";
        if (!isS3Address(target))
          throw new InvalidArgumentError(
            `Sharing needs a bucket: pass --to s3://bucket/prefix (got ${JSON.stringify(target)}).`,
          );
        const bucket = new S3ObjectStore(s3Settings(target, { endpoint: options.endpointUrl }));
        const result = await withProgressBars(options, (onProgress) =>
          shareDataset(openStore(options), parseRepoId(idText, "dataset"), bucket, {
            config: options.config,
            revision: options.revision,
            onProgress,
          }),
        );
        report(
          result,
          options.json,
          () =>
            `shared ${idText} as ${result.key}: ${result.files} files under ${result.prefix}, ` +
            `${result.entry.s3_zip_key} (${formatBytes(result.entry.size ?? 0)}, sha256 ${result.entry.sha256})\n`,
        );
      },
    );

  repo
    .command("get")
    .description("get a shared dataset version as a local save_to_disk folder, and print where it is")
    .argument("<id>", "the dataset id")
    .option("--config <name>", "the config")
    .option("--revision <rev>", "the revision")
    .option(
      "--from <s3://bucket/prefix>",
      "the bucket (default HGLOC_S3_BUCKET_NAME under HGLOC_S3_DATA_PREFIX)",
    )
    .option("--anonymous", "send no credentials: only what the bucket shares publicly")
    .option(
      "--local-store <dir>",
      "where copies are kept (default HGLOC_DATASETS_STORE_PATH, else $WHARF_HOME/hg_localization)",
    )
    .addOption(endpointUrlOption())
    .option("-q, --quiet", "no progress bars")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      "\nExamples:\n  wharf mirror get vega/seattle-weather --from s3://public-bucket/data --anonymous\n" +
        '  node -e "import(\'wharf/datasets\').then(d => console.log(d.loadFromDisk(process.argv[1])))" "$(wharf mirror get glue --config mrpc)"',
    )
    .action(
      async (
        id: string,
        options: {
          config?: string;
          revision?: string;
          from?: string;
          anonymous?: boolean;
          localStore?: string;
          endpointUrl?: string;
          quiet?: boolean;
          json?: boolean;
        },
      ) => {
        const copy = await withProgressBars(options, (onProgress) =>
          getSharedDataset(id, {
            config: options.config,
            revision: options.revision,
            bucket: options.from,
            anonymous: options.anonymous,
            localStore: options.localStore,
            endpoint: options.endpointUrl,
            onProgress,
          }),
        );
        report(copy, options.json, () => `${copy.folder}\n`);
      },
    );

  addStoreOptions(repo.command("push"))
    .description(
      "copy repos from one store to another (folder or S3, either way), sending only what is missing",
    )
    .argument("[repos...]", "repo ids, namespace/name (default: every repo of the store)")
    .addOption(typeOption())
    .requiredOption("--to <dir|s3://bucket/prefix>", "the store to copy into")
    .option("--force", "move branches of the target that diverged from the source's")
    .addHelpText(
      "after",
      "\nExamples:\n  wharf mirror push --store ./store --to s3://team-bucket/hub\n" +
        "  wharf mirror push vega/flights --type dataset --store s3://team-bucket/hub --to ./offline-store",
    )
    .action(async (ids: string[], options: Omit<TransferCommandOptions, "ids"> & { to: string }) => {
      const from = openStore(options);
      const to = openStore({ ...options, store: options.to });
      const result = await withProgress({ ...options, ids }, (transfer) => transferRepos(from, to, transfer));
      reportTransfers([result], options.json);
    });

  addStoreOptions(repo.command("sync"))
    .description(
      "bring two stores level both ways: each gets the repos, commits and forward ref moves of the other",
    )
    .argument("[repos...]", "repo ids, namespace/name (default: every repo of either store)")
    .addOption(typeOption())
    .requiredOption("--with <dir|s3://bucket/prefix>", "the other store")
    .addHelpText("after", "\nExample:\n  wharf mirror sync --store ./store --with s3://team-bucket/hub")
    .action(async (ids: string[], options: Omit<TransferCommandOptions, "ids"> & { with: string }) => {
      const one = openStore(options);
      const other = openStore({ ...options, store: options.with });
      const results = await withProgress({ ...options, ids }, (transfer) => syncStores(one, other, transfer));
      reportTransfers(results, options.json);
    });

  repo
    .command("list")
    .description("list the repos of a store, or with --remote the datasets a bucket shares publicly")
    .addOption(new Option("--type <type>", "only repos of this type").choices([...REPO_TYPES]))
    .option("--remote", "the bucket's public manifest (read without credentials)")
    .addOption(jsonOption())
    .addOption(storeOption())
    .addOption(endpointUrlOption())
    .addHelpText(
      "after",
      "\nExamples:\n  wharf mirror list --store s3://team-bucket/hub\n" +
        "  wharf mirror list --remote --store s3://public-bucket/data --endpoint-url https://s3.example.org",
    )
    .action(async (options: StoreOptions & { type?: string; remote?: boolean; json?: boolean }) => {
      if (options.remote) {
        const manifest = await listShared(sharedBucket(options), { endpoint: options.endpointUrl });
        if (options.json) return printJson(Object.values(manifest));
        return printTable(
          ["dataset", "config", "revision", "size", "sha256"],
          Object.values(manifest).map((entry) => [
            entry.dataset_id,
            entry.config_name ?? "-",
            entry.revision ?? "-",
            entry.size === undefined ? "-" : formatBytes(entry.size),
            entry.sha256 ?? "-",
          ]),
        );
      }
      const store = openStore(options);
      const types = options.type && isRepoType(options.type) ? [options.type] : REPO_TYPES;
      for (const type of types) {
        for (const record of await store.listRepos(type)) {
          const head = await store.readRef(record, "heads", "main");
          process.stdout.write(
            `${type}\t${record.namespace}/${record.name}\t${record.private ? "private" : "public"}\t${head ?? "-"}\n`,
          );
        }
      }
    });
}
