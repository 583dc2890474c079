/**
 * The catalog's settings, `config.json` in the catalog folder (`WHARF_CATALOG_DIR`): the repositories
 * to load beyond the built-in one and the npm packages found (module files, or folders whose
 * package.json names one), and the data folders (`datafolders`: names for folders where a user keeps
 * data, which `linkFolder` candidates name as `datafolder:NAME/sub/path`).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidArgumentError } from "../core/errors.js";

export interface CatalogConfig {
  repositories: string[];
  datafolders: Record<string, string>;
}

export function configPath(catalogDir: string): string {
  return join(catalogDir, "config.json");
}

export async function readCatalogConfig(catalogDir: string): Promise<CatalogConfig> {
  let text: string;
  try {
    text = await readFile(configPath(catalogDir), "utf8");
  } catch {
    return { repositories: [], datafolders: {} };
  }
  try {
    const parsed = JSON.parse(text) as Partial<CatalogConfig>;
    return { repositories: parsed.repositories ?? [], datafolders: parsed.datafolders ?? {} };
  } catch (error) {
    throw new InvalidArgumentError(
      `${configPath(catalogDir)} is not JSON (${(error as Error).message}); fix or remove it.`,
    );
  }
}

export async function writeCatalogConfig(catalogDir: string, config: CatalogConfig): Promise<void> {
  await mkdir(catalogDir, { recursive: true });
  const path = configPath(catalogDir);
  const temporary = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`);
  await rename(temporary, path);
}
