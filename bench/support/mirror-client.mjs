/**
 * One client's side of bench/mirror, run as its own process so its time and memory are its own, on the
 * built package: `snapshot` fills an empty Hub cache, `pull` fills an empty store (a folder, or an
 * s3:// address reached through the AWS_* variables).
 * Usage: mirror-client.mjs snapshot|pull ENDPOINT REPO_ID TARGET
 */
import { snapshotDownload } from "../../dist/hub/index.js";
import { pullRepo, RepoStore } from "../../dist/mirror/index.js";

// As the wharf command does (cli/main.ts): the AWS SDK's notice about future Node versions is not a
// figure of the benchmark.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const [what, endpoint, repoId, target] = process.argv.slice(2);
if (what === "snapshot") {
  await snapshotDownload({ repoId, endpoint, cacheDir: target, token: false });
} else if (what === "pull") {
  await pullRepo(RepoStore.open(target), { repoId, endpoint, token: false });
} else {
  throw new Error(`unknown client ${what}`);
}
