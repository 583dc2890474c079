/**
 * Each resource kind beyond plain files, against real servers on 127.0.0.1 (files and archives, and a
 * wharf Hub server for the Hub kinds), and the catalog's folders: variants, orphans, npm packages.
 */
import { mkdir, readdir, readFile, readlink, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { writeTar } from "../../../test/support/archives.js";
import { useFaultServer } from "../../../test/support/fault-server.js";
import { useSampleHub } from "../../../test/support/sample-hub.js";
import { useTempFolders } from "../../../test/support/temp-folders.js";
import { sha256Hex } from "../../core/hash.js";
import { loadFromDisk } from "../../datasets/disk/load-from-disk.js";
import { Catalog } from "../catalog.js";
import { writeCatalogConfig } from "../config.js";
import { defineDataset } from "../definition.js";
import { ManualDownloadError } from "../errors.js";
import { defineRepository, type Repository } from "../repository.js";
import { readStates } from "../state-file.js";
import { concatDownloader, fileDownloader, tarDownloader } from "./downloaders.js";
import { hfDataset, hfSnapshot } from "./hub.js";
import { linkFolder, manualDownload, reference } from "./local.js";
import { originalBytesUrl, wayback } from "./wayback.js";

const temp = useTempFolders("wharf-resources-");
const hub = useSampleHub();
const fault = useFaultServer();

function catalogWith(...repositories: Repository[]): Promise<Catalog> {
  return Catalog.open({ catalogDir: temp(), repositories, onlyGiven: true });
}

async function servedTar(path: string, entries: Array<{ name: string; data: string }>): Promise<string> {
  const file = join(temp(), "served.tar");
  await writeTar(
    file,
    entries.map((entry) => ({ name: entry.name, data: Buffer.from(entry.data) })),
  );
  return fault().serve(path, gzipSync(await readFile(file)));
}

describe("archive resources", () => {
  it("take a folder inside an archive, some of its files, or all of them joined", async () => {
    const url = await servedTar("/parts.tar.gz", [
      { name: "top/data/a.txt", data: "a\n" },
      { name: "top/data/b.txt", data: "b\n" },
      { name: "top/docs/readme", data: "r\n" },
    ]);
    const dataset = defineDataset({
      url: "https://example.org/",
      name: "parts",
      resources: {
        data: tarDownloader({ url, subpath: "data", fileName: "data" }),
        docs: tarDownloader({ url, files: ["docs/*"], fileName: "docs" }),
        joined: concatDownloader({ url, files: "top/data/*.txt", fileName: "joined.txt" }),
      },
    });
    const { paths } = await (
      await catalogWith(defineRepository({ id: "t", definitions: [dataset] }))
    ).download("org.example.parts");
    expect((await readdir(paths.data as string)).sort()).toEqual(["a.txt", "b.txt"]);
    expect(await readdir(paths.docs as string)).toEqual(["docs"]);
    expect(await readFile(join(paths.docs as string, "docs", "readme"), "utf8")).toBe("r\n");
    expect(await readFile(paths.joined as string, "utf8")).toBe("a\nb\n");
  });
});

describe("local resources", () => {
  it("link a data folder the user named, and reference another dataset of the catalog", async () => {
    const mine = join(temp(), "my-corpus");
    await mkdir(mine);
    await writeFile(join(mine, "doc.txt"), "mine\n");
    const url = fault().serve("/base.csv", Buffer.from("x\n1\n"));
    const base = defineDataset({
      url: "https://example.org/",
      name: "base",
      resources: { table: fileDownloader({ url }) },
    });
    const derived = defineDataset({
      url: "https://example.org/",
      name: "derived",
      resources: {
        corpus: linkFolder({ candidates: ["/nowhere/at/all", "datafolder:corpora/my-corpus"] }),
        upstream: reference({ dataset: "org.example.base" }),
      },
    });
    const catalogDir = temp();
    await writeCatalogConfig(catalogDir, { repositories: [], datafolders: { corpora: join(mine, "..") } });
    const catalog = await Catalog.open({
      catalogDir,
      repositories: [defineRepository({ id: "t", definitions: [base, derived] })],
      onlyGiven: true,
    });
    const { paths } = await catalog.download("org.example.derived");
    expect(await readlink(paths.corpus as string)).toBe(mine);
    expect(await readFile(join(paths.upstream as string, "base.csv"), "utf8")).toBe("x\n1\n");
  });

  it("explain a manual download until the file is dropped in the manual folder, then take it by checksum", async () => {
    const content = Buffer.from("licensed bytes\n");
    const dataset = defineDataset({
      url: "https://example.org/",
      name: "licensed",
      resources: {
        file: manualDownload({
          fileName: "licensed.bin",
          instructions: "Accept the licence at https://example.org/licence and download licensed.bin.",
          checksum: { sha256: sha256Hex(content) },
        }),
      },
    });
    const catalog = await catalogWith(defineRepository({ id: "t", definitions: [dataset] }));
    const failure = await catalog.download("org.example.licensed").catch((error: Error) => error);
    expect((failure as Error).cause).toBeInstanceOf(ManualDownloadError);
    expect((failure as Error).message).toContain(join(catalog.dir, "manual"));
    await mkdir(join(catalog.dir, "manual"), { recursive: true });
    await writeFile(join(catalog.dir, "manual", "other-name.bin"), content);
    const { paths } = await catalog.download("org.example.licensed");
    expect(await readFile(paths.file as string)).toEqual(content);
  });

  it("fetch a vanished file from the Wayback Machine's closest snapshot", async () => {
    const archived = fault().serve("/web/20200101000000/old.csv", Buffer.from("old,data\n"));
    fault().serve(
      "/wayback/available",
      Buffer.from(JSON.stringify({ archived_snapshots: { closest: { url: archived } } })),
    );
    const dataset = defineDataset({
      url: "https://example.org/",
      name: "vanished",
      resources: {
        table: wayback({
          url: "http://gone.example.com/old.csv",
          timestamp: "2020",
          availabilityEndpoint: `${fault().url}/wayback/available`,
        }),
      },
    });
    const { paths } = await (
      await catalogWith(defineRepository({ id: "t", definitions: [dataset] }))
    ).download("org.example.vanished");
    expect(await readFile(paths.table as string, "utf8")).toBe("old,data\n");
    expect(fault().requestsFor("/wayback/available")[0]?.path).toBe("/wayback/available");
    expect(originalBytesUrl("https://web.archive.org/web/20200101000000/http://x.org/a.csv")).toBe(
      "https://web.archive.org/web/20200101000000id_/http://x.org/a.csv",
    );
  });
});

describe("Hub resources", () => {
  it("snapshot a repo's files and load a dataset through wharf's client and datasets layer", async () => {
    const dataset = defineDataset({
      url: "https://huggingface.co/",
      name: "weather",
      resources: {
        files: hfSnapshot({ repoId: "vega/seattle-weather", repoType: "dataset", endpoint: hub().url }),
        table: hfDataset({ repoId: "vega/seattle-weather", split: "train", endpoint: hub().url }),
      },
    });
    const { paths } = await (
      await catalogWith(defineRepository({ id: "t", definitions: [dataset] }))
    ).download("co.huggingface.weather");
    const csv = join(hub().folders.get("vega/seattle-weather") as string, "data", "train.csv");
    expect(await readFile(join(paths.files as string, "data", "train.csv"))).toEqual(await readFile(csv));
    const loaded = loadFromDisk(paths.table as string);
    expect("numRows" in loaded && loaded.numRows).toBeGreaterThan(1000);
  });
});

describe("the catalog's folders", () => {
  it("gives each variant its own folder, and lists data folders no definition claims", async () => {
    const url = fault().serve("/small.csv", Buffer.from("s\n"));
    const bigUrl = fault().serve("/big.csv", Buffer.from("b\n"));
    const dataset = defineDataset({
      url: "https://example.org/",
      name: "sized",
      variants: { size: { default: "small", values: ["small", "big"] } },
      resources: (params) => ({
        table: fileDownloader({ url: params.size === "big" ? bigUrl : url, fileName: "table.csv" }),
      }),
    });
    const catalog = await catalogWith(defineRepository({ id: "t", definitions: [dataset] }));
    const small = await catalog.download("org.example.sized[size=small]");
    const big = await catalog.download("org.example.sized[size=big]");
    expect(small.folder).toBe(join(catalog.dir, "data", "t", "org", "example", "sized"));
    expect(big.folder).toBe(join(catalog.dir, "data", "t", "org", "example", "sized", "[size=big]"));
    expect(await readFile(big.paths.table as string, "utf8")).toBe("b\n");
    await expect(catalog.download("org.example.sized[size=huge]")).rejects.toThrow(
      /size must be one of small, big/,
    );

    // A folder left by a definition that is gone.
    const left = join(catalog.dir, "data", "t", "org", "example", "removed");
    await mkdir(left, { recursive: true });
    await writeFile(join(left, ".state.json"), "{}");
    expect(await catalog.orphans()).toEqual(["t/org/example/removed"]);
  });

  it("finds repositories in installed npm packages that name a catalog module", async () => {
    const cwd = temp();
    const pkg = join(cwd, "node_modules", "@team", "datasets");
    await mkdir(pkg, { recursive: true });
    // Node itself loads modules under node_modules (Vitest does not transform them): the built package.
    const source = new URL("../../../dist/catalog/index.js", import.meta.url).href;
    await writeFile(
      join(pkg, "package.json"),
      JSON.stringify({ name: "@team/datasets", version: "1.0.0", wharf: { catalog: "./catalog.mjs" } }),
    );
    await writeFile(
      join(pkg, "catalog.mjs"),
      `import { defineDataset, defineRepository } from ${JSON.stringify(source)};\n` +
        "export default defineRepository({ id: 'team', definitions: [defineDataset({ url: 'https://team.example.net/', name: 'sales', tags: ['internal'], resources: {} })] });\n",
    );
    // A package whose link points nowhere is skipped, not fatal.
    await symlink(join(cwd, "missing"), join(cwd, "node_modules", "broken"));
    const catalog = await Catalog.open({ catalogDir: temp(), cwd });
    expect(
      (await catalog.search(["tag:internal"])).map((entry) => `${entry.repository} ${entry.id}`),
    ).toEqual(["team net.example.sales"]);
    const { made } = await catalog.download("net.example.sales");
    expect(made).toEqual([]);
    expect(
      Object.fromEntries(await readStates(join(catalog.dir, "data", "team", "net", "example", "sales"))),
    ).toEqual({});
  });
});
