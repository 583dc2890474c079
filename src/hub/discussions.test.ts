/**
 * Discussions and pull requests with wharf's client against the wharf server (the sample hub): a
 * stranger proposes a change with `createPr`, the owner reviews it and merges it; conflicts, access
 * rules and the discussion lifecycle.
 */
import { describe, expect, it } from "vitest";
import { ALICE, BOB, useSampleHub } from "../../test/support/sample-hub.js";
import { useTempFolders } from "../../test/support/temp-folders.js";
import {
  EntryNotFoundError,
  ForbiddenError,
  HttpError,
  PreconditionFailedError,
  UnauthorizedError,
} from "../core/errors.js";
import { type CommitOperation, createCommit } from "./create-commit.js";
import {
  changeDiscussionStatus,
  commentDiscussion,
  createDiscussion,
  createPullRequest,
  editDiscussionComment,
  getDiscussionDetails,
  getRepoDiscussions,
  hideDiscussionComment,
  mergePullRequest,
  renameDiscussion,
} from "./discussions.js";
import { hfHubDownload } from "./hf-hub-download.js";
import { listRepoRefs } from "./list-repo-refs.js";

const hub = useSampleHub();
const temp = useTempFolders("wharf-discussions-");

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("pull requests", () => {
  it("lets a reader propose a commit as a pull request, read at its ref, merged only by writers", async () => {
    // bob holds a read token: he may not write to vega/movies, but he may propose a change to it.
    const repo = { repoId: "vega/movies", repoType: "dataset" as const, endpoint: hub().url };
    const proposed = await createCommit({
      ...repo,
      token: BOB,
      operations: [
        { type: "add", pathInRepo: "NOTES.md", content: new TextEncoder().encode("# notes from bob\n") },
      ],
      commitMessage: "Add notes",
      commitDescription: "Some context for the notes.",
      createPr: true,
    });
    expect(proposed.pullRequestNum).toBeGreaterThan(0);
    expect(proposed.pullRequestRevision).toBe(`refs/pr/${proposed.pullRequestNum}`);
    expect(proposed.pullRequestUrl).toBe(
      `${hub().url}/datasets/vega/movies/discussions/${proposed.pullRequestNum}`,
    );
    const num = proposed.pullRequestNum as number;

    // The proposal is readable at its ref, and main is untouched.
    const cache = temp();
    const atPr = await hfHubDownload({
      ...repo,
      filename: "NOTES.md",
      revision: `refs/pr/${num}`,
      cacheDir: cache,
      token: false,
    });
    expect(atPr).toContain(proposed.oid);
    await expect(
      hfHubDownload({ ...repo, filename: "NOTES.md", cacheDir: temp(), token: false }),
    ).rejects.toThrow();
    const refs = await listRepoRefs({ ...repo, token: false, includePullRequests: true });
    expect(refs.pullRequests).toEqual([
      { name: String(num), ref: `refs/pr/${num}`, targetCommit: proposed.oid },
    ]);

    const details = await getDiscussionDetails({ ...repo, discussionNum: num, token: false });
    expect(details).toMatchObject({
      num,
      title: "Add notes",
      status: "open",
      author: "bob",
      isPullRequest: true,
      targetBranch: "refs/heads/main",
      gitReference: `refs/pr/${num}`,
    });
    expect(details.events.map((event) => event.type)).toEqual(["comment", "commit"]);
    expect(details.events[0]?.content).toBe("Some context for the notes.");
    expect(details.events[1]).toMatchObject({ oid: proposed.oid, summary: "Add notes", author: "bob" });
    expect(details.diff).toContain("diff --git a/NOTES.md b/NOTES.md");
    expect(details.diff).toContain("+# notes from bob");

    // Only the repo's writers merge: not bob, though he opened it (the next test merges as a writer).
    await expect(mergePullRequest({ ...repo, discussionNum: num, token: BOB })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it("opens no pull request for a commit the branch refuses", async () => {
    const repo = { repoId: "vega/movies", repoType: "dataset" as const, endpoint: hub().url };
    const before = await collect(getRepoDiscussions({ ...repo, token: BOB }));
    const refsBefore = await listRepoRefs({ ...repo, token: false, includePullRequests: true });
    const propose = (extra: { parentCommit?: string; operations?: CommitOperation[] }) =>
      createCommit({
        ...repo,
        token: BOB,
        operations: [{ type: "add", pathInRepo: "LATE.md", content: "late\n" }],
        commitMessage: "Late",
        createPr: true,
        ...extra,
      });
    await expect(propose({ parentCommit: "0".repeat(40) })).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(
      propose({ operations: [{ type: "delete", pathInRepo: "no-such-file.txt" }] }),
    ).rejects.toBeInstanceOf(EntryNotFoundError);
    expect(await collect(getRepoDiscussions({ ...repo, token: BOB }))).toEqual(before);
    expect(await listRepoRefs({ ...repo, token: false, includePullRequests: true })).toEqual(refsBefore);
  });

  it("merges with a merge commit when the target moved, and refuses a conflict naming the files", async () => {
    const repo = {
      repoId: "team/secret-data",
      repoType: "dataset" as const,
      endpoint: hub().url,
      token: ALICE,
    };
    const write = (path: string, text: string, extra: { createPr?: boolean; revision?: string } = {}) =>
      createCommit({
        ...repo,
        operations: [{ type: "add", pathInRepo: path, content: new TextEncoder().encode(text) }],
        commitMessage: `Write ${path}`,
        ...extra,
      });
    const first = await write("a.txt", "from the pr\n", { createPr: true });
    const second = await write("b.txt", "also from a pr\n", { createPr: true });
    // main moves on, touching another file than the first pull request and the same file as the second.
    await write("c.txt", "on main\n");
    await write("b.txt", "on main too\n");

    await mergePullRequest({ ...repo, discussionNum: first.pullRequestNum as number, comment: "Thanks!" });
    const merged = await getDiscussionDetails({ ...repo, discussionNum: first.pullRequestNum as number });
    expect(merged.status).toBe("merged");
    expect(merged.mergeCommitOid).toMatch(/^[0-9a-f]{40}$/);
    const text = async (filename: string) =>
      (await import("node:fs/promises")).readFile(
        await hfHubDownload({ ...repo, filename, cacheDir: temp() }),
        "utf8",
      );
    expect(await text("a.txt")).toBe("from the pr\n");
    expect(await text("c.txt")).toBe("on main\n");

    const conflict = await mergePullRequest({
      ...repo,
      discussionNum: second.pullRequestNum as number,
    }).catch((error: unknown) => error);
    expect((conflict as HttpError).status).toBe(409);
    expect((conflict as Error).message).toContain("b.txt");
    expect(
      (await getDiscussionDetails({ ...repo, discussionNum: second.pullRequestNum as number })).status,
    ).toBe("open");
    expect(await text("b.txt")).toBe("on main too\n");
  });

  it("opens a draft pull request with no commits, which takes commits on its ref", async () => {
    const repo = {
      repoId: "team/secret-data",
      repoType: "dataset" as const,
      endpoint: hub().url,
      token: ALICE,
    };
    const draft = await createPullRequest({ ...repo, title: "Work in progress" });
    expect(draft).toMatchObject({
      status: "draft",
      isPullRequest: true,
      gitReference: `refs/pr/${draft.num}`,
    });
    const pushed = await createCommit({
      ...repo,
      revision: draft.gitReference,
      operations: [{ type: "add", pathInRepo: "wip.txt", content: new TextEncoder().encode("wip\n") }],
      commitMessage: "WIP",
    });
    expect(pushed.pullRequestUrl).toBeUndefined();
    const details = await getDiscussionDetails({ ...repo, discussionNum: draft.num });
    expect(details.events.at(-1)).toMatchObject({ type: "commit", oid: pushed.oid });
  });
});

describe("discussions", () => {
  it("open, comment, edit, hide, rename and close, each by whom the Hub allows", async () => {
    const repo = { repoId: "vega/seattle-weather", repoType: "dataset" as const, endpoint: hub().url };
    await expect(createDiscussion({ ...repo, title: "Anonymous?", token: false })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const opened = await createDiscussion({
      ...repo,
      title: "  Units of temp_max?  ",
      description: "Celsius or Fahrenheit?",
      token: BOB,
    });
    expect(opened).toMatchObject({
      title: "Units of temp_max?",
      status: "open",
      author: "bob",
      isPullRequest: false,
    });
    expect(opened.gitReference).toBeUndefined();

    const reply = await commentDiscussion({
      ...repo,
      discussionNum: opened.num,
      comment: "Celsius.",
      token: ALICE,
    });
    expect(reply).toMatchObject({ type: "comment", author: "alice", content: "Celsius.", edited: false });
    // Bob may not edit alice's comment; alice may.
    await expect(
      editDiscussionComment({
        ...repo,
        discussionNum: opened.num,
        commentId: reply.id,
        newContent: "Fahrenheit.",
        token: BOB,
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const edited = await editDiscussionComment({
      ...repo,
      discussionNum: opened.num,
      commentId: reply.id.toUpperCase(),
      newContent: "Degrees Celsius.",
      token: ALICE,
    });
    expect(edited).toMatchObject({ content: "Degrees Celsius.", edited: true });
    // Hiding is for the repo's writers, and the sample hub has none for vega/*.
    await expect(
      hideDiscussionComment({ ...repo, discussionNum: opened.num, commentId: reply.id, token: BOB }),
    ).rejects.toBeInstanceOf(ForbiddenError);

    const renamed = await renameDiscussion({
      ...repo,
      discussionNum: opened.num,
      newTitle: "Units of the temperatures",
      token: BOB,
    });
    expect(renamed).toMatchObject({
      type: "title-change",
      oldTitle: "Units of temp_max?",
      newTitle: "Units of the temperatures",
    });
    const closed = await changeDiscussionStatus({
      ...repo,
      discussionNum: opened.num,
      newStatus: "closed",
      comment: "Answered.",
      token: BOB,
    });
    expect(closed).toMatchObject({ type: "status-change", newStatus: "closed", author: "bob" });

    const details = await getDiscussionDetails({ ...repo, discussionNum: opened.num, token: false });
    expect(details.events.map((event) => event.type)).toEqual([
      "comment",
      "comment",
      "title-change",
      "comment",
      "status-change",
    ]);
    expect(details.status).toBe("closed");

    const mine = await collect(getRepoDiscussions({ ...repo, author: "bob", token: false }));
    expect(mine.map((discussion) => discussion.num)).toContain(opened.num);
    expect(
      await collect(
        getRepoDiscussions({ ...repo, discussionStatus: "open", discussionType: "discussion", token: false }),
      ),
    ).toEqual([]);
  });

  it("pages through many discussions, newest first", async () => {
    const repo = {
      repoId: "team/secret-data",
      repoType: "dataset" as const,
      endpoint: hub().url,
      token: ALICE,
    };
    const before = (await collect(getRepoDiscussions(repo))).length;
    for (let i = 0; i < 52; i++) await createDiscussion({ ...repo, title: `Question ${i}` });
    const all = await collect(getRepoDiscussions(repo));
    expect(all).toHaveLength(before + 52);
    expect(all[0]?.title).toBe("Question 51");
    const nums = all.map((discussion) => discussion.num);
    expect([...nums].sort((a, b) => b - a)).toEqual(nums);
    // A private repo's discussions are as hidden as the repo.
    await expect(collect(getRepoDiscussions({ ...repo, token: BOB }))).rejects.toBeInstanceOf(HttpError);
  });
});
