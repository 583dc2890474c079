/**
 * Resources from a Hugging Face Hub (any `HF_ENDPOINT`, a wharf mirror included), through wharf's own
 * client and datasets layer: `hfSnapshot` (a repo's files, as `snapshotDownload` into a folder) and
 * `hfDataset` (a dataset loaded as `loadDataset` loads it, kept as `save_to_disk` output).
 */
import { loadDataset } from "../../datasets/load/load-dataset.js";
import type { RepoType } from "../../hub/repo-id.js";
import { snapshotDownload } from "../../hub/snapshot-download.js";
import { makeResource, type Resource, type ResourceOptions } from "./resource.js";

interface HubSpec extends ResourceOptions {
  repoId: string;
  revision?: string;
  endpoint?: string;
}

export function hfSnapshot(
  spec: HubSpec & {
    repoType?: RepoType;
    allowPatterns?: string | string[];
    ignorePatterns?: string | string[];
  },
): Resource {
  return makeResource("hf-snapshot", spec, {
    // Files already in the folder are not fetched again.
    canRecover: true,
    async make(ctx) {
      await snapshotDownload({
        repoId: spec.repoId,
        repoType: spec.repoType,
        revision: spec.revision,
        endpoint: spec.endpoint,
        allowPatterns: spec.allowPatterns,
        ignorePatterns: spec.ignorePatterns,
        localDir: ctx.workPath,
        signal: ctx.signal,
        onProgress: ctx.onProgress,
      });
    },
  });
}

export function hfDataset(spec: HubSpec & { name?: string; split?: string }): Resource {
  return makeResource("hf-dataset", spec, {
    canRecover: false,
    async make(ctx) {
      const loaded = await loadDataset(spec.repoId, {
        name: spec.name,
        split: spec.split,
        revision: spec.revision,
        endpoint: spec.endpoint,
      });
      await loaded.saveToDisk(ctx.workPath);
    },
  });
}
