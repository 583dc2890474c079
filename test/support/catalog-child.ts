/**
 * Run as a separate process by the catalog tests: downloads the test dataset `org.example.slow` (one
 * file, argv[3]) into the catalog at argv[2], printing "bytes N" as they arrive, so a test can kill it
 * midway and run it again.
 */
import { Catalog } from "../../src/catalog/catalog.js";
import { defineDataset } from "../../src/catalog/definition.js";
import { defineRepository } from "../../src/catalog/repository.js";
import { fileDownloader } from "../../src/catalog/resources/downloaders.js";

const [catalogDir, url] = process.argv.slice(2);
if (!catalogDir || !url) throw new Error("usage: catalog-child CATALOG_DIR URL");
const dataset = defineDataset({
  url: "https://example.org/",
  name: "slow",
  resources: { blob: fileDownloader({ url }) },
});
const catalog = await Catalog.open({
  catalogDir,
  repositories: [defineRepository({ id: "test", definitions: [dataset] })],
  onlyGiven: true,
  onProgress: (event) => process.stdout.write(`bytes ${event.done}\n`),
});
await catalog.download("org.example.slow");
