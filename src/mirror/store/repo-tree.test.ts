import { describe, expect, it } from "vitest";
import type { StoredFile } from "./commit.js";
import { RepoTree } from "./repo-tree.js";

const file = (size: number): StoredFile => ({
  size,
  sha256: "0".repeat(64),
  gitOid: "1".repeat(40),
  lfs: false,
});

describe("RepoTree", () => {
  it("lists each folder before its contents, subfolders before files", () => {
    const tree = new RepoTree({
      "b.txt": file(1),
      "a/x.txt": file(2),
      "a/c/y.txt": file(3),
      "z/w.txt": file(4),
    });
    expect(tree.list("", true).map((entry) => entry.path)).toEqual([
      "a",
      "a/c",
      "a/c/y.txt",
      "a/x.txt",
      "z",
      "z/w.txt",
      "b.txt",
    ]);
    expect(tree.list("", false).map((entry) => entry.path)).toEqual(["a", "z", "b.txt"]);
    expect(tree.list("a", false).map((entry) => entry.path)).toEqual(["a/c", "a/x.txt"]);
    expect(tree.list("nothing", true)).toEqual([]);
  });

  it("lists a folder of 200,000 files recursively", () => {
    const files: Record<string, StoredFile> = {};
    for (let i = 0; i < 200_000; i++) files[`images/${i}.png`] = file(i);
    const all = new RepoTree(files).list("", true);
    expect(all).toHaveLength(200_001);
    expect(all[0]).toMatchObject({ type: "directory", path: "images" });
  });

  it("finds only the commit's own files, whatever their names", () => {
    const files = JSON.parse('{"__proto__": {"size": 1, "sha256": "x", "gitOid": "y", "lfs": false}}');
    const tree = new RepoTree(files);
    expect(tree.file("__proto__")?.size).toBe(1);
    expect(tree.file("constructor")).toBeUndefined();
    expect(tree.entry("toString")).toBeUndefined();
  });
});
