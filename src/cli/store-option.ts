/** `--store` and `--endpoint-url`, shared by `wharf mirror` and `wharf serve`: a folder or an S3 bucket. */
import { type Command, Option } from "commander";
import { readEnv } from "../core/index.js";
import { RepoStore } from "../mirror/index.js";
import { jsonOption } from "./options.js";

export interface StoreOptions {
  store?: string;
  endpointUrl?: string;
}

export const storeOption = () =>
  new Option(
    "--store <dir|s3://bucket/prefix>",
    "the store: a folder or an S3 bucket (default $WHARF_STORE)",
  );

export const endpointUrlOption = () =>
  new Option("--endpoint-url <url>", "the S3 endpoint for s3:// stores (default AWS_ENDPOINT_URL)");

export function storeAddress(options: StoreOptions): string {
  return options.store ?? readEnv().storeDir;
}

export function openStore(options: StoreOptions): RepoStore {
  return RepoStore.open(storeAddress(options), { endpoint: options.endpointUrl });
}

/** The options of a command that works on a store and reports: `--store`, `--endpoint-url`, `--quiet`, `--json`. */
export function addStoreOptions(command: Command): Command {
  return command
    .option("-q, --quiet", "no progress bars")
    .addOption(jsonOption())
    .addOption(storeOption())
    .addOption(endpointUrlOption());
}
