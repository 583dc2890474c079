/**
 * The resource DAG of one dataset, run as datamaestro runs it and made safer: resources in dependency
 * order (a cycle is an error that names it), independent ones in parallel, the whole under the
 * dataset's lock (`.state.lock`), with states persisted in `.state.json` after every change.
 *
 * - A resource writes its work under `.downloads/`; the runner renames the work to the final path and
 *   only then marks it complete, so a final path is never half made.
 * - A failure keeps the partial work of a resource that can resume (a download) and marks it partial;
 *   any other failure, and any checksum or size mismatch, wipes the work and leaves it none.
 * - A complete resource whose final path went missing runs again; a final path found without a state
 *   (made by hand, or by an older version) is adopted as complete.
 * - Transient resources (an archive others copy files from) run only when something that needs them
 *   must, and are deleted as soon as everything that depends on them is complete.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { ChecksumMismatchError, SizeMismatchError } from "../core/errors.js";
import { withLock } from "../core/lock.js";
import { DefinitionError, ResourceError } from "./errors.js";
import type { Resource, ResourceContext } from "./resources/resource.js";
import { type ResourceState, readStates, writeStates } from "./state-file.js";

export const WORK_FOLDER = ".downloads";
export const LOCK_FILE = ".state.lock";

/** What every resource of a run shares (the runner adds its name, paths and inputs). */
export type SharedContext = Omit<ResourceContext, "name" | "workPath" | "inputs" | "scratch">;

export interface RunOptions {
  /** The dataset's data folder. */
  folder: string;
  resources: Readonly<Record<string, Resource>>;
  context: SharedContext;
  /** Resources made at once (default 4). */
  concurrency?: number;
}

export interface RunResult {
  /** The final path of every resource that is complete now, by name. */
  paths: Record<string, string>;
  /** The resources made by this run, in the order they finished. */
  made: string[];
}

/** The resources in an order where each comes after those it depends on. */
export function dependencyOrder(resources: Readonly<Record<string, Resource>>): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw new DefinitionError(
        `The resources depend on each other in a cycle: ${cycle.join(" -> ")}. Break it.`,
      );
    }
    state.set(name, "visiting");
    for (const dependency of resources[name]?.dependsOn ?? []) {
      if (!resources[dependency]) {
        throw new DefinitionError(
          `The resource ${name} depends on ${dependency}, which the dataset does not define (it has ${Object.keys(resources).join(", ")}).`,
        );
      }
      visit(dependency, [...path, name]);
    }
    state.set(name, "done");
    order.push(name);
  };
  for (const name of Object.keys(resources).sort()) visit(name, []);
  return order;
}

export function finalPath(folder: string, name: string, resource: Resource): string {
  return join(folder, resource.fileName ?? name);
}

function isMismatch(error: unknown): boolean {
  return error instanceof ChecksumMismatchError || error instanceof SizeMismatchError;
}

export async function runResources(options: RunOptions): Promise<RunResult> {
  const { folder, resources, context } = options;
  const order = dependencyOrder(resources);
  await mkdir(folder, { recursive: true });
  // A lock left by a killed run is taken over after 5 s without a refresh (its holder refreshes it every
  // 2.5 s), rather than the default 20 s: a crashed `prepare` is usually run again at once.
  return withLock(
    join(folder, LOCK_FILE),
    async () => {
      const states = await readStates(folder);
      const pathOf = (name: string) => finalPath(folder, name, resources[name] as Resource);
      const stateOf = (name: string): ResourceState => states.get(name) ?? "none";
      for (const name of order) {
        const there = existsSync(pathOf(name));
        if (stateOf(name) === "complete" && !there) states.set(name, "none");
        else if (!states.has(name) && there) states.set(name, "complete");
        else if (!states.has(name)) states.set(name, "none");
      }
      let saving = Promise.resolve();
      const save = () => {
        saving = saving.then(() => writeStates(folder, states));
        return saving;
      };
      await save();

      const dependents = new Map<string, string[]>(order.map((name) => [name, []]));
      for (const name of order)
        for (const dependency of resources[name]?.dependsOn ?? []) dependents.get(dependency)?.push(name);
      // What must run: every non-transient resource not complete, and whatever those need that is not.
      const mustRun = new Set<string>();
      const need = (name: string) => {
        if (mustRun.has(name) || stateOf(name) === "complete") return;
        mustRun.add(name);
        for (const dependency of resources[name]?.dependsOn ?? []) need(dependency);
      };
      for (const name of order) if (!resources[name]?.transient) need(name);

      const dropFinishedTransients = async () => {
        for (const name of order) {
          const resource = resources[name] as Resource;
          if (!resource.transient || !existsSync(pathOf(name))) continue;
          const users = dependents.get(name) ?? [];
          if (users.length > 0 && users.every((user) => stateOf(user) === "complete")) {
            await rm(pathOf(name), { recursive: true, force: true });
            states.set(name, "none");
            await save();
          }
        }
      };
      await dropFinishedTransients();

      const made: string[] = [];
      const failures: ResourceError[] = [];
      const run = async (name: string) => {
        const resource = resources[name] as Resource;
        const workPath = join(folder, WORK_FOLDER, name);
        const scratch = join(folder, WORK_FOLDER, `${name}.scratch`);
        if (!resource.canRecover || stateOf(name) !== "partial") {
          await rm(workPath, { recursive: true, force: true });
          await rm(scratch, { recursive: true, force: true });
        }
        await mkdir(scratch, { recursive: true });
        states.set(name, "partial");
        await save();
        const inputs = Object.fromEntries(
          resource.dependsOn.map((dependency) => [dependency, pathOf(dependency)]),
        );
        try {
          await resource.make({ ...context, name, workPath, inputs, scratch });
          if (!existsSync(workPath)) throw new Error(`it finished without making ${workPath}`);
          await rm(pathOf(name), { recursive: true, force: true });
          await rename(workPath, pathOf(name));
          await rm(scratch, { recursive: true, force: true });
          states.set(name, "complete");
          await save();
          made.push(name);
          await dropFinishedTransients();
        } catch (error) {
          const keep = resource.canRecover && !isMismatch(error);
          if (!keep) {
            await rm(workPath, { recursive: true, force: true });
            await rm(scratch, { recursive: true, force: true });
          }
          states.set(name, keep ? "partial" : "none");
          await save();
          const message = (error as Error).message;
          failures.push(
            new ResourceError(
              name,
              `${context.datasetId}: the ${resource.kind} resource ${name} failed: ${message}${keep ? " (its partial work is kept; run again to resume)" : ""}`,
              { cause: error },
            ),
          );
        }
      };

      // Start each resource once everything it needs is complete; stop starting after a failure.
      const concurrency = Math.max(1, options.concurrency ?? 4);
      const running = new Map<string, Promise<void>>();
      const waiting = order.filter((name) => mustRun.has(name));
      while (waiting.length > 0 || running.size > 0) {
        if (failures.length === 0) {
          for (const name of [...waiting]) {
            if (running.size >= concurrency) break;
            if (
              (resources[name]?.dependsOn ?? []).every((dependency) => stateOf(dependency) === "complete")
            ) {
              waiting.splice(waiting.indexOf(name), 1);
              running.set(
                name,
                run(name).finally(() => running.delete(name)),
              );
            }
          }
        }
        if (running.size === 0) break;
        await Promise.race(running.values());
      }
      await saving;
      if (failures.length > 0) {
        const [first, ...others] = failures;
        if (others.length === 0) throw first;
        throw new ResourceError(
          (first as ResourceError).resource,
          failures.map((failure) => failure.message).join("; "),
          { cause: first },
        );
      }
      if (order.every((name) => resources[name]?.transient || stateOf(name) === "complete"))
        await rm(join(folder, WORK_FOLDER), { recursive: true, force: true });
      const paths: Record<string, string> = {};
      for (const name of order) if (stateOf(name) === "complete") paths[name] = pathOf(name);
      return { paths, made };
    },
    { staleMs: 5000, signal: context.signal },
  );
}
