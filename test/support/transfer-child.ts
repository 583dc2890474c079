/**
 * Run as a separate process by the transfer tests: copies every repo of the store at argv[2] to the
 * store at argv[3], printing "blobs N" as each blob is done, so a test can kill it midway.
 */

import { RepoStore } from "../../src/mirror/store/repo-store.js";
import { transferRepos } from "../../src/mirror/transfer.js";

const [from, to] = process.argv.slice(2);
if (!from || !to) throw new Error("usage: transfer-child FROM TO");
const result = await transferRepos(RepoStore.open(from), RepoStore.open(to), {
  concurrency: 2,
  onProgress: (event) => process.stdout.write(`${event.phase} ${event.done}\n`),
});
process.stdout.write(`${JSON.stringify(result)}\n`);
