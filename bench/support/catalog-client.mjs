/**
 * wharf's side of bench/catalog, run as its own process on the built package: prepares a dataset whose
 * resources are the files and archives listed in a JSON file (`[{name, kind, url}]`), into a fresh
 * catalog folder, four resources at a time.
 * Usage: catalog-client.mjs RESOURCES_JSON CATALOG_DIR
 */
import { readFile } from "node:fs/promises";
import {
  Catalog,
  defineDataset,
  defineRepository,
  fileDownloader,
  tarDownloader,
  zipDownloader,
} from "../../dist/catalog/index.js";

const [listFile, catalogDir] = process.argv.slice(2);
const kinds = { file: fileDownloader, tar: tarDownloader, zip: zipDownloader };
const listed = JSON.parse(await readFile(listFile, "utf8"));
const resources = Object.fromEntries(
  listed.map(({ name, kind, url }) => [name, kinds[kind]({ url, fileName: name })]),
);
const dataset = defineDataset({ url: "https://bench.example.org/", name: "twenty", resources });
const catalog = await Catalog.open({
  catalogDir,
  repositories: [defineRepository({ id: "bench", definitions: [dataset] })],
  onlyGiven: true,
  concurrency: 4,
});
await catalog.prepare("org.example.twenty");
