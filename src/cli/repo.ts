/**
 * `wharf repo`: repos on a Hub (`HF_ENDPOINT`; a wharf server works), as Python's `hf repo`: create,
 * delete, move, settings, and branches and tags (discussions, pull requests and likes: repo-community.ts). (`wharf mirror` manages a store on this machine.)
 */
import { type Command, Option } from "commander";
import { InvalidArgumentError } from "../core/index.js";
import {
  createBranch,
  createRepo,
  createTag,
  deleteBranch,
  deleteRepo,
  deleteTag,
  moveRepo,
  updateRepoSettings,
} from "../hub/index.js";
import { type HubOptions, target, withRepoOptions } from "./hub-target.js";
import { report } from "./output.js";
import { registerCommunity } from "./repo-community.js";

export function registerRepo(program: Command): void {
  const repo = program
    .command("repo")
    .description(
      "create, delete, move and configure repos on a Hub; their discussions, pull requests and likes",
    );
  registerCommunity(repo);

  withRepoOptions(repo.command("create").description("create a repo").argument("<id>", "namespace/name"))
    .option("--private", "make it private")
    .option("--exist-ok", "succeed if it exists already")
    .addHelpText("after", "\nExamples:\n  wharf repo create me/my-data --type dataset --private")
    .action(async (id: string, options: HubOptions & { private?: boolean; existOk?: boolean }) => {
      const repo = target(id, options);
      const url = await createRepo({
        ...repo,
        private: options.private,
        existOk: options.existOk,
      });
      report({ url, repoId: id, repoType: repo.repoType }, options.json, () => `${url}\n`);
    });

  withRepoOptions(repo.command("delete").description("delete a repo").argument("<id>", "namespace/name"))
    .option("--missing-ok", "succeed if it does not exist")
    .action(async (id: string, options: HubOptions & { missingOk?: boolean }) => {
      await deleteRepo({ ...target(id, options), missingOk: options.missingOk });
      report({ repoId: id, deleted: true }, options.json, () => `deleted ${id}\n`);
    });

  withRepoOptions(
    repo
      .command("move")
      .description("rename a repo")
      .argument("<from>", "namespace/name")
      .argument("<to>", "namespace/name"),
  ).action(async (from: string, to: string, options: HubOptions) => {
    const { repoType, ...call } = target(from, options);
    await moveRepo({ ...call, fromId: from, toId: to, repoType });
    report({ from, to, moved: true }, options.json, () => `moved ${from} to ${to}\n`);
  });

  withRepoOptions(
    repo
      .command("settings")
      .description("make a repo private, public or gated")
      .argument("<id>", "namespace/name"),
  )
    .option("--private", "make it private")
    .option("--public", "make it public")
    .addOption(new Option("--gated <mode>", "gate access").choices(["auto", "manual", "false"]))
    .action(
      async (id: string, options: HubOptions & { private?: boolean; public?: boolean; gated?: string }) => {
        if (options.private && options.public)
          throw new InvalidArgumentError("Choose --private or --public, not both.");
        const gated =
          options.gated === undefined
            ? undefined
            : options.gated === "false"
              ? false
              : (options.gated as "auto" | "manual");
        const privacy = options.private ? true : options.public ? false : undefined;
        await updateRepoSettings({ ...target(id, options), private: privacy, gated });
        report({ repoId: id, private: privacy, gated }, options.json, () => `updated ${id}\n`);
      },
    );

  for (const kind of ["branch", "tag"] as const) {
    const group = repo.command(kind).description(`create or delete a ${kind}`);
    withRepoOptions(
      group
        .command("create")
        .description(`create a ${kind}`)
        .argument("<id>", "namespace/name")
        .argument("<name>", `the ${kind}`),
    )
      .option("--revision <rev>", `where the ${kind} points (default main)`)
      .option("--exist-ok", "succeed if it exists already")
      .option("-m, --message <text>", "a tag's message")
      .action(
        async (
          id: string,
          name: string,
          options: HubOptions & { revision?: string; existOk?: boolean; message?: string },
        ) => {
          const call = { ...target(id, options), revision: options.revision, existOk: options.existOk };
          if (kind === "branch") await createBranch({ ...call, branch: name });
          else await createTag({ ...call, tag: name, tagMessage: options.message });
          report(
            { repoId: id, [kind]: name, created: true },
            options.json,
            () => `created ${kind} ${name} on ${id}\n`,
          );
        },
      );
    withRepoOptions(
      group
        .command("delete")
        .description(`delete a ${kind}`)
        .argument("<id>", "namespace/name")
        .argument("<name>", `the ${kind}`),
    ).action(async (id: string, name: string, options: HubOptions) => {
      if (kind === "branch") await deleteBranch({ ...target(id, options), branch: name });
      else await deleteTag({ ...target(id, options), tag: name });
      report(
        { repoId: id, [kind]: name, deleted: true },
        options.json,
        () => `deleted ${kind} ${name} of ${id}\n`,
      );
    });
  }
}
