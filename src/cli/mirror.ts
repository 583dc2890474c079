/**
 * `wharf mirror`: the repos of a wharf store, on this machine. `import` commits a folder as a new commit
 * on a branch; `tag` and `branch` name a revision; `list` shows what the store holds. (`wharf repo`
 * manages repos on a Hub, as Python's `hf repo`.)
 */
import { type Command, Option } from "commander";
import { isRepoType, parseRepoId, REPO_TYPES, type RepoType } from "../hub/index.js";
import { importFolder, NotInStoreError } from "../mirror/index.js";
import { typeOption } from "./options.js";
import { endpointUrlOption, openStore, type StoreOptions, storeOption } from "./store-option.js";

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
        },
      ) => {
        const id = parseRepoId(options.repo, options.type);
        const result = await importFolder(openStore(options), folder, id, {
          branch: options.revision,
          title: options.message,
          private: options.private,
        });
        const files = Object.keys(result.commit.files).length;
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
      .action(
        async (
          idText: string,
          name: string,
          options: StoreOptions & { type: RepoType; revision: string },
        ) => {
          const store = openStore(options);
          const id = parseRepoId(idText, options.type);
          const commit = await store.resolveRevision(id, options.revision);
          if (!commit)
            throw new NotInStoreError(
              `${idText} has no revision ${options.revision} in ${store.objects.location}.`,
            );
          await store.setRef(id, kind === "tag" ? "tags" : "heads", name, undefined, commit);
          process.stdout.write(`${kind} ${name} -> ${commit}\n`);
        },
      );
  }

  repo
    .command("list")
    .description("list the repos of a store")
    .addOption(new Option("--type <type>", "only repos of this type").choices([...REPO_TYPES]))
    .addOption(storeOption())
    .addOption(endpointUrlOption())
    .action(async (options: StoreOptions & { type?: string }) => {
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
