/**
 * One client's side of bench/snapshot, run as its own process so its time and peak memory are its own:
 * wharf's `snapshotDownload` on the built package, or `@huggingface/hub`'s, into an empty cache.
 * Usage: snapshot-client.mjs wharf|hf ENDPOINT REPO_ID CACHE_DIR
 */
import { snapshotDownload as hfSnapshotDownload } from "@huggingface/hub";
import { snapshotDownload } from "../../dist/hub/index.js";

const [client, endpoint, repoId, cacheDir] = process.argv.slice(2);
if (client === "wharf") {
  await snapshotDownload({ repoId, endpoint, cacheDir, token: false });
} else if (client === "hf") {
  await hfSnapshotDownload({ repo: { type: "model", name: repoId }, hubUrl: endpoint, cacheDir });
} else {
  throw new Error(`unknown client ${client}`);
}
