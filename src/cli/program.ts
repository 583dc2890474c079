/**
 * The `wharf` command tree: one group per file beside this one; each is a thin layer over the library.
 *
 * The groups over the datasets layer and above (catalog, datasets, mirror, serve) are loaded only when
 * the command line may need them: their libraries (apache-arrow alone takes 0.08 s) made every command
 * start in 0.30 s, where a command of the hub's groups (`wharf download`, `wharf repo ...`) needs 0.1 s.
 */
import { Command } from "commander";
import { WHARF_VERSION } from "../core/index.js";
import { registerAuth } from "./auth.js";
import { registerCache } from "./cache.js";
import { registerCompletion } from "./completion.js";
import { registerDownload } from "./download.js";
import { registerEnv } from "./env.js";
import { addExamples } from "./examples.js";
import { registerHubExtras } from "./hub-extras.js";
import { registerRepo } from "./repo.js";
import { registerUpload } from "./upload.js";

type Register = (program: Command) => void;

interface HeavyGroups {
  catalog: Register;
  datasets: Register;
  mirror: Register;
  serve: Register;
}

async function loadHeavyGroups(): Promise<HeavyGroups> {
  const [catalog, datasets, mirror, serve] = await Promise.all([
    import("./catalog.js"),
    import("./datasets.js"),
    import("./mirror.js"),
    import("./serve.js"),
  ]);
  return {
    catalog: catalog.registerCatalog,
    datasets: datasets.registerDatasets,
    mirror: mirror.registerMirror,
    serve: serve.registerServe,
  };
}

/** The tree, with the heavy groups when they are given; in one order either way, as `--help` lists it. */
function assemble(heavy: HeavyGroups | undefined): Command {
  const program = new Command("wharf")
    .description("Get datasets from where they live to where they are used, and keep them there.")
    .version(WHARF_VERSION);
  registerAuth(program);
  registerCache(program);
  heavy?.catalog(program);
  heavy?.datasets(program);
  registerDownload(program);
  registerEnv(program);
  registerHubExtras(program);
  heavy?.mirror(program);
  registerRepo(program);
  heavy?.serve(program);
  registerUpload(program);
  // Last: its script lists every command registered above.
  registerCompletion(program);
  addExamples(program);
  return program;
}

/**
 * The whole tree; or, when `argv` (a process's, program and script first) names a command of the hub's
 * groups or only asks for the version, the tree without the heavy groups, which it cannot reach.
 * `completion` lists every command, and a name no light group knows may be a heavy command or a typo
 * to suggest a fix for: both get the whole tree.
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const args = argv.slice(2);
  // The version alone needs no command at all.
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) return assemble(undefined);
  const named = args.find((arg) => !arg.startsWith("-"));
  if (named !== undefined && named !== "completion") {
    const light = assemble(undefined);
    if (light.commands.some((command) => command.name() === named || command.aliases().includes(named)))
      return light;
  }
  return assemble(await loadHeavyGroups());
}
