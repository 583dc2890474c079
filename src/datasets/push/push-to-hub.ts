/**
 * `pushToHub`: splits written as parquet shards `{dataDir}/{split}-{i:05d}-of-{n:05d}.parquet` (`data` for
 * the default config, else the config's name), the card's YAML `configs` and `dataset_info` updated for
 * that config (other configs and splits kept), and shards an earlier push left for these splits deleted,
 * all in one commit, as Python's `push_to_hub` does. The repo is created if it does not exist.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { InvalidArgumentError } from "../../core/errors.js";
import { type CommitInfo, type CommitOperation, createCommit } from "../../hub/create-commit.js";
import { hfHubDownload } from "../../hub/hf-hub-download.js";
import type { HubCallOptions } from "../../hub/hub-request.js";
import { listRepoFiles } from "../../hub/list-repo-files.js";
import { createRepo } from "../../hub/repo-management.js";
import type { Dataset } from "../dataset.js";
import { estimateBytes, shardCount } from "../disk/save-to-disk.js";
import { featuresToYaml } from "../features/features-yaml.js";
import { toParquet } from "../writers/to-parquet.js";

export interface PushToHubOptions extends HubCallOptions {
  /** The config the splits belong to (default `default`). */
  configName?: string;
  /** Largest shard, in bytes or as "500MB" (default 500 MB). */
  maxShardSize?: number | string;
  numShards?: number;
  private?: boolean;
  commitMessage?: string;
  /** The branch (default `main`). */
  revision?: string;
}

type YamlObject = Record<string, unknown>;

export async function pushSplitsToHub(
  repoId: string,
  splits: Record<string, Dataset>,
  options: PushToHubOptions = {},
): Promise<CommitInfo> {
  const configName = options.configName ?? "default";
  if (configName === "data")
    throw new InvalidArgumentError('A config may not be named "data": that is the default config\'s folder.');
  const dataDir = configName === "default" ? "data" : configName;
  const call = {
    endpoint: options.endpoint,
    token: options.token,
    client: options.client,
    signal: options.signal,
  };
  const repo = { ...call, repoId, repoType: "dataset" as const };
  await createRepo({ ...repo, private: options.private, existOk: true });
  const existing = await listRepoFiles({ ...repo, revision: options.revision });

  const work = await mkdtemp(join(tmpdir(), "wharf-push-"));
  try {
    const operations: CommitOperation[] = [];
    const splitInfo: YamlObject[] = [];
    let downloadSize = 0;
    let datasetSize = 0;
    for (const [split, dataset] of Object.entries(splits)) {
      const count = shardCount(dataset, { maxShardSize: options.maxShardSize, numShards: options.numShards });
      const paths: string[] = [];
      for (let index = 0; index < count; index++) {
        const name = `${split}-${String(index).padStart(5, "0")}-of-${String(count).padStart(5, "0")}.parquet`;
        const file = join(work, name);
        downloadSize += await toParquet(dataset.shard({ numShards: count, index, contiguous: true }), file);
        paths.push(`${dataDir}/${name}`);
        operations.push({ type: "add", pathInRepo: `${dataDir}/${name}`, file });
      }
      const stale = existing.filter(
        (path) =>
          path.startsWith(`${dataDir}/${split}-`) && path.endsWith(".parquet") && !paths.includes(path),
      );
      for (const path of stale) operations.push({ type: "delete", pathInRepo: path });
      const bytes = Math.round(estimateBytes(dataset));
      datasetSize += bytes;
      splitInfo.push({ name: split, num_bytes: bytes, num_examples: dataset.numRows });
    }
    const features = Object.values(splits)[0]?.features ?? {};
    const card = existing.includes("README.md")
      ? await readFile(
          await hfHubDownload({ ...repo, filename: "README.md", revision: options.revision }),
          "utf8",
        )
      : undefined;
    const readme = updatedCard(card, repoId, configName, dataDir, Object.keys(splits), {
      features: featuresToYaml(features),
      splits: splitInfo,
      download_size: downloadSize,
      dataset_size: datasetSize,
    });
    operations.push({ type: "add", pathInRepo: "README.md", content: readme });
    return await createCommit({
      ...repo,
      revision: options.revision,
      operations,
      commitMessage: options.commitMessage ?? "Upload dataset",
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The card with this config's `data_files` and `dataset_info` set, everything else kept. */
function updatedCard(
  card: string | undefined,
  repoId: string,
  configName: string,
  dataDir: string,
  pushedSplits: readonly string[],
  info: YamlObject,
): string {
  const match = card ? /^---\r?\n([\s\S]*?)\r?\n---\s*\r?\n?([\s\S]*)$/.exec(card) : null;
  const header = ((match ? parse(match[1] as string) : undefined) ?? {}) as YamlObject;
  const body = match ? (match[2] as string) : (card ?? `# ${repoId}\n`);

  const configs = (Array.isArray(header.configs) ? header.configs : []) as YamlObject[];
  let config = configs.find((entry) => (entry.config_name ?? "default") === configName);
  if (!config) {
    config = { config_name: configName };
    configs.push(config);
  }
  const kept = (Array.isArray(config.data_files) ? (config.data_files as YamlObject[]) : []).filter(
    (entry) => !pushedSplits.includes(String(entry.split)),
  );
  config.data_files = [...kept, ...pushedSplits.map((split) => ({ split, path: `${dataDir}/${split}-*` }))];
  header.configs = configs;

  const entry = { config_name: configName, ...info };
  const previous = header.dataset_info;
  if (configs.length === 1 && configName === "default" && !Array.isArray(previous)) {
    header.dataset_info = mergeInfo(previous as YamlObject | undefined, info);
  } else {
    const list = (
      Array.isArray(previous)
        ? previous
        : previous
          ? [{ config_name: "default", ...(previous as YamlObject) }]
          : []
    ) as YamlObject[];
    const index = list.findIndex((item) => (item.config_name ?? "default") === configName);
    if (index >= 0) list[index] = mergeInfo(list[index], entry);
    else list.push(entry);
    header.dataset_info = list;
  }
  return `---\n${stringify(header)}---\n${body.startsWith("\n") ? body : `\n${body}`}`;
}

/** This push's info over an earlier one: its splits replace same-named splits, the others stay. */
function mergeInfo(previous: YamlObject | undefined, info: YamlObject): YamlObject {
  const pushed = info.splits as YamlObject[];
  const previousSplits = previous?.splits;
  const earlier = (Array.isArray(previousSplits) ? (previousSplits as YamlObject[]) : []).filter(
    (split) => !pushed.some((entry) => entry.name === split.name),
  );
  return { ...previous, ...info, splits: [...earlier, ...pushed] };
}
