/**
 * The `wharf` command tree: one group per file beside this one; each is a thin layer over the library.
 *
 * The groups over the datasets layer and above (catalog, datasets, mirror, serve) are loaded only when
 * the command line may need them: their libraries (apache-arrow alone takes 0.08 s) made every command
 * start in 0.30 s, where a command of the hub's groups (`wharf download`, `wharf repo ...`) needs 0.12 s
 * and one of the datasets group 0.24 s.
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

/** The heavy groups, by the name of the command each registers, and how to load each. */
const HEAVY_GROUPS = {
  catalog: async () => (await import("./catalog.js")).registerCatalog,
  datasets: async () => (await import("./datasets.js")).registerDatasets,
  mirror: async () => (await import("./mirror.js")).registerMirror,
  serve: async () => (await import("./serve.js")).registerServe,
} satisfies Record<string, () => Promise<Register>>;

type HeavyName = keyof typeof HEAVY_GROUPS;
type HeavyGroups = Partial<Record<HeavyName, Register>>;

async function loadHeavyGroups(names: readonly HeavyName[]): Promise<HeavyGroups> {
  const loaded = await Promise.all(names.map(async (name) => [name, await HEAVY_GROUPS[name]()] as const));
  return Object.fromEntries(loaded);
}

const isHeavyName = (name: string): name is HeavyName => Object.hasOwn(HEAVY_GROUPS, name);

/** The tree, with the heavy groups given; in one order whichever they are, as `--help` lists it. */
function assemble(heavy: HeavyGroups): Command {
  const program = new Command("wharf")
    .description("Get datasets from where they live to where they are used, and keep them there.")
    .version(WHARF_VERSION);
  registerAuth(program);
  registerCache(program);
  heavy.catalog?.(program);
  heavy.datasets?.(program);
  registerDownload(program);
  registerEnv(program);
  registerHubExtras(program);
  heavy.mirror?.(program);
  registerRepo(program);
  heavy.serve?.(program);
  registerUpload(program);
  // Last: its script lists every command registered above.
  registerCompletion(program);
  addExamples(program);
  return program;
}

/**
 * The whole tree; or, when `argv` (a process's, program and script first) names a command, only the
 * groups it can reach: the hub's groups, and the heavy group it names if it names one. `--version`
 * alone needs no heavy group. `completion` lists every command, and a name no group knows may be a
 * typo to suggest a fix for: both get the whole tree, as does a command line that names no command.
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) return assemble({});
  const named = args.find((arg) => !arg.startsWith("-"));
  if (named !== undefined && isHeavyName(named)) return assemble(await loadHeavyGroups([named]));
  if (named !== undefined && named !== "completion") {
    const light = assemble({});
    if (light.commands.some((command) => command.name() === named || command.aliases().includes(named)))
      return light;
  }
  return assemble(await loadHeavyGroups(Object.keys(HEAVY_GROUPS) as HeavyName[]));
}
