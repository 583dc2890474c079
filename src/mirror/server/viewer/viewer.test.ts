/**
 * The web viewer of `wharf serve` driven in headless Chromium (Debian's `chromium`, through
 * `playwright-core`): the repo list and its search, a dataset's page with its README, files, commits and
 * preview, paging through the preview, and a screenshot that is not blank. Plain HTTP checks the rest:
 * a private repo is as hidden as in the API, and a README's raw HTML is shown, not run.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, importIntoHub, useSampleHub } from "../../../../test/support/sample-hub.js";
import { useTempFolders } from "../../../../test/support/temp-folders.js";

const CHROMIUM = "/usr/bin/chromium";
const hub = useSampleHub();
const temp = useTempFolders("wharf-viewer-");
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium.`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
});
afterAll(async () => {
  await browser?.close();
});

/** The share of a PNG's pixels that differ from its first one (a blank page has none). */
function variedShare(png: Buffer): number {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const chunks: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("ascii", at + 4, at + 8) === "IDAT") chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  const stride = width * 4 + 1;
  // Each row starts with its filter byte; filtered bytes that are not all zero mean the image varies.
  let varied = 0;
  for (let row = 0; row < height; row++)
    if (raw.subarray(row * stride + 1, (row + 1) * stride).some((byte) => byte !== 0)) varied++;
  return varied / height;
}

describe("the web viewer", () => {
  it("lists and searches repos, opens a dataset, pages through its preview, and renders something", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      await page.goto(`${hub().url}/`);
      expect(await page.locator("table a").allTextContents()).toEqual(
        expect.arrayContaining(["vega/flights", "vega/seattle-weather", "vega/cars-regressor"]),
      );
      expect(await page.locator("table a").allTextContents()).not.toContain("team/secret-data");
      await page.fill('input[name="search"]', "weather");
      await page.click("button");
      expect(await page.locator("table a").allTextContents()).toEqual(["vega/seattle-weather"]);

      await page.click("text=vega/seattle-weather");
      expect(await page.locator("main > h1").textContent()).toContain("vega/seattle-weather");
      expect(await page.locator("#readme h1").textContent()).toBe("Seattle weather");
      expect(await page.locator("#files a").allTextContents()).toEqual(["README.md", "data/train.csv"]);
      expect(await page.locator("#commits tr").count()).toBeGreaterThan(1);
      const firstDates = () => page.locator("#rows tr td:first-child").allTextContents();
      expect((await firstDates()).slice(0, 2)).toEqual(["2012-01-01", "2012-01-02"]);
      expect(await page.locator("#stats tr").count()).toBe(7);
      expect(await page.locator("text=rows 1–20").count()).toBe(1);

      await page.click("#next");
      expect((await firstDates())[0]).toBe("2012-01-21");
      await page.click("#next");
      expect((await firstDates())[0]).toBe("2012-02-10");
      await page.click("#previous");
      expect((await firstDates())[0]).toBe("2012-01-21");

      const shot = await page.screenshot({ fullPage: false });
      expect(shot.subarray(1, 4).toString("ascii")).toBe("PNG");
      expect(variedShare(shot)).toBeGreaterThan(0.2);
    } finally {
      await page.close();
    }
  });

  it("previews parquet with its schema, hides private repos, and shows a README's raw HTML as text", async () => {
    const flights = await (await fetch(`${hub().url}/datasets/vega/flights?offset=20`)).text();
    expect(flights).toContain("rows 21–40 of 3000000");
    expect(flights).toMatch(/<td>origin<\/td><td>string<\/td>/);
    expect((await fetch(`${hub().url}/datasets/team/secret-data`)).status).toBe(404);
    const owner = await fetch(`${hub().url}/datasets/team/secret-data`, {
      headers: { authorization: `Bearer ${ALICE}` },
    });
    expect(owner.status).toBe(200);

    const folder = temp();
    await mkdir(join(folder, "data"));
    await writeFile(join(folder, "README.md"), "# Hello\n\n<script>window.hacked = true</script>\n");
    await writeFile(join(folder, "data", "train.jsonl"), '{"a": 1}\n{"a": 2}\n');
    await importIntoHub(hub(), folder, "me/html", "dataset");
    const page = await browser.newPage();
    try {
      await page.goto(`${hub().url}/datasets/me/html`);
      expect(await page.evaluate("window.hacked")).toBeUndefined();
      expect(await page.locator("#readme").textContent()).toContain("<script>window.hacked = true</script>");
      expect(await page.locator("#rows td").allTextContents()).toEqual(["1", "2"]);
    } finally {
      await page.close();
    }
  });
});
