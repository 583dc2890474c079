#!/usr/bin/env node
/** The `wharf` command: one group per file beside this one; each is a thin layer over the library. */
import { Command } from "commander";
import { WHARF_VERSION } from "../core/index.js";
import { registerEnv } from "./env.js";
import { registerRepo } from "./repo.js";
import { run } from "./run.js";
import { registerServe } from "./serve.js";

const program = new Command("wharf")
  .description("Get datasets from where they live to where they are used, and keep them there.")
  .version(WHARF_VERSION);
registerEnv(program);
registerRepo(program);
registerServe(program);

process.exitCode = await run(program, process.argv);
