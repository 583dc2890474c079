#!/usr/bin/env node
/** The `wharf` command: one group per file beside this one; each is a thin layer over the library. */
import { Command } from "commander";
import { WHARF_VERSION } from "../core/index.js";
import { registerAuth } from "./auth.js";
import { registerCache } from "./cache.js";
import { registerCatalog } from "./catalog.js";
import { registerCompletion } from "./completion.js";
import { registerDatasets } from "./datasets.js";
import { registerDownload } from "./download.js";
import { registerEnv } from "./env.js";
import { registerHubExtras } from "./hub-extras.js";
import { registerMirror } from "./mirror.js";
import { registerRepo } from "./repo.js";
import { run } from "./run.js";
import { registerServe } from "./serve.js";
import { registerUpload } from "./upload.js";

// The AWS SDK warns on every run that its releases after January 2027 will need Node 22; wharf pins
// its SDK in package-lock.json, so the notice is for wharf's maintainers, not for each command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const program = new Command("wharf")
  .description("Get datasets from where they live to where they are used, and keep them there.")
  .version(WHARF_VERSION);
registerAuth(program);
registerCache(program);
registerCatalog(program);
registerDatasets(program);
registerDownload(program);
registerEnv(program);
registerHubExtras(program);
registerMirror(program);
registerRepo(program);
registerServe(program);
registerUpload(program);
// Last: its script lists every command registered above.
registerCompletion(program);

process.exitCode = await run(program, process.argv);
