/** `listRepoFiles`: every file path of a repo at a revision, as Python's `list_repo_files`. */
import { type ListRepoTreeOptions, listRepoTree } from "./list-repo-tree.js";

export async function listRepoFiles(
  options: Omit<ListRepoTreeOptions, "recursive" | "pathInRepo">,
): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of listRepoTree({ ...options, recursive: true })) {
    if (entry.type === "file") files.push(entry.path);
  }
  return files;
}
