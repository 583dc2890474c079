/**
 * Run as a separate process by the cross-process tests: downloads argv[2] to argv[3] with the engine and
 * prints the result as JSON, so a test can start several at once against one target.
 */
import { downloadFile } from "../../src/core/download/engine.js";

const [url, dest] = process.argv.slice(2);
if (!url || !dest) throw new Error("usage: download-child URL DEST");
const result = await downloadFile({ url, dest });
process.stdout.write(`${JSON.stringify(result)}\n`);
