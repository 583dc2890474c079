/** The `wharf` command tree: one group per file beside this one; each is a thin layer over the library. */
import { Command } from "commander";
import { WHARF_VERSION } from "../core/index.js";
import { registerAuth } from "./auth.js";
import { registerCache } from "./cache.js";
import { registerCatalog } from "./catalog.js";
import { registerCompletion } from "./completion.js";
import { registerDatasets } from "./datasets.js";
import { registerDownload } from "./download.js";
import { registerEnv } from "./env.js";
import { addExamples } from "./examples.js";
import { registerHubExtras } from "./hub-extras.js";
import { registerMirror } from "./mirror.js";
import { registerRepo } from "./repo.js";
import { registerServe } from "./serve.js";
import { registerUpload } from "./upload.js";

export function buildProgram(): Command {
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
  addExamples(program);
  return program;
}
