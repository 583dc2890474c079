/**
 * Where `loadDataset` finds a dataset's files: a Hub dataset repo (through wharf's Hub client, so any
 * `HF_ENDPOINT` works, a wharf mirror included) or a local folder. Each gives the same things: a listing
 * of relative paths, the card's text, a fingerprint of the content (the commit, or the files' sizes and
 * times), the names the cache uses, and a way to get local copies of chosen files.
 */
import { readdir, readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import type { OnProgress } from "../../core/progress.js";
import { hfHubDownload } from "../../hub/hf-hub-download.js";
import { authHeaders, endpointOf, type HubCallOptions } from "../../hub/hub-request.js";
import { repoInfo } from "../../hub/repo-info.js";
import { snapshotDownload } from "../../hub/snapshot-download.js";
import { hfHubUrl } from "../../hub/urls.js";
import { fingerprintOfFiles } from "../fingerprint.js";
import type { ByteSource } from "../iterable/stream-shards.js";

export interface DataSource {
  /** `/`-separated paths relative to the dataset's root. */
  listing: string[];
  cardText: string | undefined;
  /** The content's identity: a commit id, or a hash of the local files. */
  fingerprint: string;
  /** The name in prepared file names (`{datasetName}-{split}.arrow`). */
  datasetName: string;
  /** The folder under the datasets cache (`{namespace}___{name}` for Hub repos). */
  cacheName: string;
  /** Local paths of the chosen files, fetched if need be. */
  fetch(files: readonly string[]): Promise<Map<string, string>>;
  /** Where a file's bytes can be streamed from without fetching it whole. */
  byteSource(file: string): ByteSource;
}

export interface HubSourceOptions extends HubCallOptions {
  revision?: string;
  /** The Hub cache (default `HF_HUB_CACHE`). */
  hubCacheDir?: string;
  /** Progress of the data files fetched: bytes of each, and files done of all. */
  onProgress?: OnProgress;
}

export async function hubSource(repoId: string, options: HubSourceOptions): Promise<DataSource> {
  const info = await repoInfo({ ...options, repoId, repoType: "dataset", revision: options.revision });
  const listing = info.siblings.map((sibling) => sibling.rfilename);
  const call = {
    endpoint: options.endpoint,
    token: options.token,
    client: options.client,
    signal: options.signal,
  };
  const cardText = listing.includes("README.md")
    ? await readFile(
        await hfHubDownload({
          ...call,
          repoId,
          repoType: "dataset",
          filename: "README.md",
          revision: info.sha,
          cacheDir: options.hubCacheDir,
        }),
        "utf8",
      )
    : undefined;
  const [namespace, name] = repoId.split("/") as [string, string];
  return {
    listing,
    cardText,
    fingerprint: info.sha,
    datasetName: name,
    cacheName: `${namespace}___${name}`,
    fetch: async (files) => {
      const folder = await snapshotDownload({
        ...call,
        repoId,
        repoType: "dataset",
        revision: info.sha,
        cacheDir: options.hubCacheDir,
        allowPatterns: [...files],
        onProgress: options.onProgress,
      });
      return new Map(files.map((file) => [file, join(folder, file)]));
    },
    byteSource: (file) => ({
      url: hfHubUrl({
        endpoint: endpointOf(options),
        repoId,
        repoType: "dataset",
        revision: info.sha,
        filename: file,
      }),
      headers: authHeaders(options),
    }),
  };
}

export async function localSource(folder: string): Promise<DataSource> {
  const root = resolve(folder);
  const listing: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    for (const entry of await readdir(join(root, relative), { withFileTypes: true })) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() || entry.isSymbolicLink()) listing.push(path);
    }
  };
  await walk("");
  listing.sort();
  const card = listing.includes("README.md") ? await readFile(join(root, "README.md"), "utf8") : undefined;
  return filesSource(root, listing, card, basename(root));
}

/** Files named directly (a builder name with `dataFiles`): the listing holds their absolute paths. */
export function builderSource(builder: string, files: readonly string[]): DataSource {
  return filesSource(
    "/",
    files.map((file) => resolve(file)),
    undefined,
    builder,
  );
}

function filesSource(
  root: string,
  listing: string[],
  cardText: string | undefined,
  name: string,
): DataSource {
  return {
    listing,
    cardText,
    // The card only: loadDataset adds the data files it uses, so unrelated files never cost a stat.
    fingerprint: cardText === undefined ? "" : fingerprintOfFiles([resolve(root, "README.md")]),
    datasetName: name,
    cacheName: name,
    fetch: async (files) => new Map(files.map((file) => [file, resolve(root, file)])),
    byteSource: (file) => ({ path: resolve(root, file) }),
  };
}
