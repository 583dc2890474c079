#!/usr/bin/env node
/** The `wharf` command: the program (program.ts) run on the command line, with wharf's exit codes. */
import { buildProgram } from "./program.js";
import { run } from "./run.js";

// The AWS SDK warns on every run that its releases after January 2027 will need Node 22; wharf pins
// its SDK in package-lock.json, so the notice is for wharf's maintainers, not for each command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

process.exitCode = await run(await buildProgram(process.argv), process.argv);
