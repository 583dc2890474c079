/**
 * The repo a `wharf repo` subcommand works on, and the options they all take: `--type`, `--token`, and
 * `--json` (what was found, or what was done, as JSON).
 */
import { type Command, Option } from "commander";
import { parseRepoId, type RepoType } from "../hub/index.js";
import { jsonOption, repoTypeOf, repoTypeOption, typeOption } from "./options.js";

export interface HubOptions {
  type: RepoType;
  repoType?: RepoType;
  token?: string;
  json?: boolean;
}

const tokenOption = () =>
  new Option("--token <token>", "the token to send (default HF_TOKEN, then the stored one)");

/** The repo and call options every subcommand starts from. */
export function target(id: string, options: HubOptions) {
  const repoType = repoTypeOf(options);
  parseRepoId(id, repoType);
  return { repoId: id, repoType, ...(options.token !== undefined && { token: options.token }) };
}

export function withRepoOptions(command: Command): Command {
  return command
    .addOption(typeOption())
    .addOption(repoTypeOption())
    .addOption(tokenOption())
    .addOption(jsonOption());
}
