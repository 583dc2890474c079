/**
 * `wharf repo discussions|pr|like`: a repo's discussions and pull requests, and likes, on a Hub (a
 * wharf server works), through the hub client's community functions.
 */
import type { Command } from "commander";
import {
  changeDiscussionStatus,
  commentDiscussion,
  createDiscussion,
  type Discussion,
  getDiscussionDetails,
  getRepoDiscussions,
  like,
  mergePullRequest,
  renameDiscussion,
  unlike,
} from "../hub/index.js";
import { type HubOptions, target, withRepoOptions } from "./hub-target.js";
import { printJson, printTable, report, shortDate } from "./output.js";

type Listed = HubOptions & { status?: "open" | "closed" | "all"; author?: string; json?: boolean };

async function list(id: string, options: Listed, kind: "all" | "discussion" | "pull_request"): Promise<void> {
  const found: Discussion[] = [];
  for await (const discussion of getRepoDiscussions({
    ...target(id, options),
    discussionType: kind,
    discussionStatus: options.status,
    author: options.author,
  }))
    found.push(discussion);
  if (options.json) return printJson(found);
  printTable(
    ["#", "kind", "status", "author", "created", "title"],
    found.map((d) => [
      String(d.num),
      d.isPullRequest ? "pr" : "discussion",
      d.status,
      d.author,
      shortDate(d.createdAt),
      d.title,
    ]),
  );
}

const num = (text: string) => Number(text);

type Opened = HubOptions & { title: string; description?: string };

/** Open a discussion or a draft pull request; a pull request also prints the ref to push its commits to. */
async function open(id: string, options: Opened, pullRequest: boolean): Promise<void> {
  const created = await createDiscussion({
    ...target(id, options),
    title: options.title,
    description: options.description,
    pullRequest,
  });
  report(created, options.json, () =>
    pullRequest ? `#${created.num} ${created.gitReference}\n` : `#${created.num}\n`,
  );
}

export function registerCommunity(repo: Command): void {
  const discussions = repo
    .command("discussions")
    .description("a repo's discussions: list, show, create, comment, close, reopen, rename");
  withRepoOptions(
    discussions.command("list").description("a repo's discussions").argument("<id>", "namespace/name"),
  )
    .option("--status <status>", "open, closed or all", "all")
    .option("--author <user>", "only those this user opened")
    .addHelpText(
      "after",
      "\nExample:\n  wharf repo discussions list team/my-data --type dataset --status open",
    )
    .action((id: string, options: Listed) => list(id, options, "discussion"));

  withRepoOptions(
    discussions
      .command("show")
      .description("a discussion's events, and a pull request's diff")
      .argument("<id>", "namespace/name")
      .argument("<num>", "the number"),
  ).action(async (id: string, n: string, options: HubOptions) => {
    const details = await getDiscussionDetails({ ...target(id, options), discussionNum: num(n) });
    if (options.json) return printJson(details);
    process.stdout.write(`#${details.num} ${details.title} (${details.status}, by ${details.author})\n`);
    for (const event of details.events) {
      const what =
        event.type === "comment"
          ? event.hidden
            ? "(hidden)"
            : event.content
          : event.type === "commit"
            ? `commit ${event.oid?.slice(0, 12)} ${event.summary}`
            : event.type === "status-change"
              ? `-> ${event.newStatus}`
              : event.type === "title-change"
                ? `renamed to "${event.newTitle}"`
                : event.type;
      process.stdout.write(`${shortDate(event.createdAt)}  ${event.author}: ${what}\n`);
    }
    if (details.diff) process.stdout.write(`\n${details.diff}`);
  });

  withRepoOptions(
    discussions.command("create").description("open a discussion").argument("<id>", "namespace/name"),
  )
    .requiredOption("--title <title>", "the title (3 to 200 characters)")
    .option("--description <text>", "the first comment")
    .action((id: string, options: Opened) => open(id, options, false));

  withRepoOptions(
    discussions
      .command("comment")
      .description("comment on a discussion")
      .argument("<id>", "namespace/name")
      .argument("<num>", "the number")
      .argument("<text>", "the comment"),
  ).action(async (id: string, n: string, text: string, options: HubOptions) => {
    const comment = await commentDiscussion({ ...target(id, options), discussionNum: num(n), comment: text });
    report(comment, options.json, () => `commented on #${n}\n`);
  });

  for (const [name, status] of [
    ["close", "closed"],
    ["reopen", "open"],
  ] as const) {
    withRepoOptions(
      discussions
        .command(name)
        .description(`${name} a discussion`)
        .argument("<id>", "namespace/name")
        .argument("<num>", "the number"),
    )
      .option("--comment <text>", "a comment to leave with it")
      .action(async (id: string, n: string, options: HubOptions & { comment?: string }) => {
        const change = await changeDiscussionStatus({
          ...target(id, options),
          discussionNum: num(n),
          newStatus: status,
          comment: options.comment,
        });
        report(change, options.json, () => `#${n} is ${status}\n`);
      });
  }

  withRepoOptions(
    discussions
      .command("rename")
      .description("rename a discussion")
      .argument("<id>", "namespace/name")
      .argument("<num>", "the number")
      .argument("<title>", "the new title"),
  ).action(async (id: string, n: string, title: string, options: HubOptions) => {
    const change = await renameDiscussion({ ...target(id, options), discussionNum: num(n), newTitle: title });
    report(change, options.json, () => `renamed #${n} to "${title}"\n`);
  });

  const pr = repo.command("pr").description("a repo's pull requests: list, create (a draft), merge");
  withRepoOptions(pr.command("list").description("a repo's pull requests").argument("<id>", "namespace/name"))
    .option("--status <status>", "open, closed or all", "all")
    .option("--author <user>", "only those this user opened")
    .action((id: string, options: Listed) => list(id, options, "pull_request"));
  withRepoOptions(
    pr.command("create").description("open a draft pull request").argument("<id>", "namespace/name"),
  )
    .requiredOption("--title <title>", "the title")
    .option("--description <text>", "the first comment")
    .addHelpText("after", "\nThen push commits to its ref: wharf upload ID FILE --revision refs/pr/NUM")
    .action((id: string, options: Opened) => open(id, options, true));
  withRepoOptions(
    pr
      .command("merge")
      .description("merge a pull request")
      .argument("<id>", "namespace/name")
      .argument("<num>", "the number"),
  )
    .option("--comment <text>", "a comment to leave with it")
    .action(async (id: string, n: string, options: HubOptions & { comment?: string }) => {
      await mergePullRequest({ ...target(id, options), discussionNum: num(n), comment: options.comment });
      report({ num: num(n), merged: true }, options.json, () => `merged #${n}\n`);
    });

  withRepoOptions(
    repo
      .command("like")
      .description("like a repo (or, with --undo, stop liking it)")
      .argument("<id>", "namespace/name"),
  )
    .option("--undo", "unlike it")
    .action(async (id: string, options: HubOptions & { undo?: boolean }) => {
      await (options.undo ? unlike : like)(target(id, options));
      const liked = !options.undo;
      report({ repoId: id, liked }, options.json, () => `${liked ? "liked" : "stopped liking"} ${id}\n`);
    });
}
