import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { filterPaths, fnmatch } from "./fnmatch.js";
import { globFiles, globMatch, hasMagic } from "./python-glob.js";

// Cases from Python's fnmatch documentation and huggingface_hub's filter_repo_objects docstring.
describe("fnmatch (huggingface_hub allow/ignore patterns)", () => {
  it.each([
    ["foo.txt", "*.txt", true],
    ["foo.txt", "*.TXT", false],
    ["sub/dir/config.json", "*.json", true],
    ["a", "?", true],
    ["ab", "?", false],
    ["a/b", "a?b", true],
    ["file1", "file[0-9]", true],
    ["filex", "file[0-9]", false],
    ["filex", "file[!0-9]", true],
    ["file?", "file[?]", true],
    ["fileA", "file[?]", false],
    ["x]", "[]]]", false],
    ["]", "[]]", true],
    ["a", "[!]]", true],
    ["[", "[", true],
    ["[ab", "[ab", true],
    ["b", "[z-a]", false],
    ["-", "[a-]", true],
    ["data/train.csv", "data/*", true],
    ["data.csv", "data/*", false],
    ["a+b(c).txt", "a+b(c).txt", true],
  ])("fnmatch(%j, %j) is %s", (name, pattern, expected) => {
    expect(fnmatch(name, pattern)).toBe(expected);
  });

  it("filters like filter_repo_objects: allow, then ignore; a trailing / means the folder", () => {
    const files = ["aaa.txt", "bbb.txt", "ccc.json", "data/x.parquet", "data/sub/y.parquet", "README.md"];
    expect(filterPaths(files, { allowPatterns: ["*.txt"] })).toEqual(["aaa.txt", "bbb.txt"]);
    expect(filterPaths(files, { ignorePatterns: ["*.txt", "*.json"] })).toEqual([
      "data/x.parquet",
      "data/sub/y.parquet",
      "README.md",
    ]);
    expect(filterPaths(files, { allowPatterns: "data/" })).toEqual(["data/x.parquet", "data/sub/y.parquet"]);
    expect(filterPaths(files, { allowPatterns: ["data/*", "*.md"], ignorePatterns: "*/sub/*" })).toEqual([
      "data/x.parquet",
      "README.md",
    ]);
    const objects = [{ rfilename: "a.bin" }, { rfilename: "b.safetensors" }];
    expect(filterPaths(objects, { allowPatterns: "*.safetensors" }, (o) => o.rfilename)).toEqual([
      objects[1],
    ]);
  });
});

// Cases from Python's glob documentation (recursive=True) and datasets' data-file patterns.
describe("Python glob (datasets data files)", () => {
  it.each([
    ["1.gif", "*.gif", true],
    ["card.gif", "*.gif", true],
    [".card.gif", "*.gif", false],
    [".card.gif", ".c*", true],
    ["sub/3.txt", "*.txt", false],
    ["sub/3.txt", "*/*.txt", true],
    ["2.txt", "?.txt", true],
    ["2.txt", "[0-9].*", true],
    ["a.txt", "**/*.txt", true],
    ["sub/a.txt", "**/*.txt", true],
    ["sub/deeper/a.txt", "**/*.txt", true],
    [".hidden/a.txt", "**/*.txt", false],
    [
      "data/train-00000-of-00002.parquet",
      "data/train-[0-9][0-9][0-9][0-9][0-9]-of-[0-9][0-9][0-9][0-9][0-9]*.*",
      true,
    ],
    ["data/a/b/train.csv", "data/**/train.csv", true],
    ["data/train.csv", "data/**/train.csv", true],
    ["data/a/b/train.csv", "data/**", true],
    ["datax/train.csv", "data/**", false],
    ["ab/c", "a**/c", true],
    ["a/b/c", "a**/c", false],
    ["a/b", "a[/]b", false],
  ])("glob %j against %j is %s", (path, pattern, expected) => {
    expect(globMatch(path, pattern)).toBe(expected);
  });

  it("tells patterns with wildcards from plain paths", () => {
    expect(hasMagic("data/*.csv")).toBe(true);
    expect(hasMagic("data/train.csv")).toBe(false);
  });

  it("walks a folder and returns the matching files sorted", async () => {
    const root = await mkdtemp(join(tmpdir(), "wharf-glob-"));
    try {
      for (const path of ["b.csv", "a.csv", "sub/c.csv", "sub/deep/d.csv", ".hidden/e.csv", "sub/f.json"]) {
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), "x");
      }
      expect(await globFiles(root, "*.csv")).toEqual(["a.csv", "b.csv"]);
      expect(await globFiles(root, "**/*.csv")).toEqual(["a.csv", "b.csv", "sub/c.csv", "sub/deep/d.csv"]);
      expect(await globFiles(root, "sub/**")).toEqual(["sub/c.csv", "sub/deep/d.csv", "sub/f.json"]);
      expect(await globFiles(root, ".hidden/*")).toEqual([".hidden/e.csv"]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
