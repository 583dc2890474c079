/**
 * Run as a separate process by the hub cache tests: `hfHubDownload` of argv[3] from the repo argv[2]
 * (a dataset) at the endpoint argv[4] into the cache argv[5], printing the path it returns.
 */
import { hfHubDownload } from "../../src/hub/hf-hub-download.js";

const [repoId, filename, endpoint, cacheDir] = process.argv.slice(2);
if (!repoId || !filename || !endpoint || !cacheDir)
  throw new Error("usage: hub-download-child REPO FILE ENDPOINT CACHE");
const path = await hfHubDownload({ repoId, filename, repoType: "dataset", endpoint, cacheDir, token: false });
process.stdout.write(`${path}\n`);
