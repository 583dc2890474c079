/** Options several commands share, spelled once. */
import { Option } from "commander";
import { REPO_TYPES, type RepoType } from "../hub/index.js";

export const typeOption = () =>
  new Option("--type <type>", "repo type").choices([...REPO_TYPES]).default("model" satisfies RepoType);

/** `--repo-type`, the name Python's `hf` CLI uses, accepted as a synonym of `--type`. */
export const repoTypeOption = () =>
  new Option("--repo-type <type>", "same as --type").choices([...REPO_TYPES]).hideHelp();

export function repoTypeOf(options: { type: RepoType; repoType?: RepoType }): RepoType {
  return options.repoType ?? options.type;
}

export const jsonOption = () => new Option("--json", "print JSON");
export const cacheDirOption = () => new Option("--cache-dir <dir>", "the Hub cache (default HF_HUB_CACHE)");
