/**
 * The built package as users get it: plain Node (not vitest's loader) imports every subpath export and
 * runs the `wharf` bin. `npm test` builds before it runs the tests.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");
const bin = resolve(root, "dist/cli/main.js");

beforeAll(() => {
  if (!existsSync(bin))
    throw new Error("dist/ is missing: run `npm run build` (npm test does) before these tests.");
});

describe("the built package", () => {
  it("imports every subpath export under plain Node ESM", async () => {
    const script = `
      const names = ["wharf", "wharf/core", "wharf/hub", "wharf/datasets", "wharf/catalog", "wharf/mirror"];
      const out = {};
      for (const name of names) out[name] = Object.keys(await import(name)).length;
      console.log(JSON.stringify(out));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: root });
    const counts = JSON.parse(stdout) as Record<string, number>;
    expect(counts["wharf/core"]).toBeGreaterThan(40);
    expect(counts.wharf).toBe(counts["wharf/core"]);
    expect(Object.keys(counts)).toHaveLength(6);
  });

  it("runs its worker threads from the built files: parquet in parts and a large file hashed", async () => {
    const script = `
      import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
      import { createHash } from "node:crypto";
      import { join } from "node:path";
      import { tmpdir } from "node:os";
      const { Dataset } = await import("wharf/datasets");
      const { sha256OfFile } = await import("wharf/core");
      const dir = mkdtempSync(join(tmpdir(), "wharf-package-"));
      const rows = Dataset.fromDict({ id: Array.from({ length: 5000 }, (_, i) => i) });
      await rows.toParquet(join(dir, "rows.parquet"), { rowGroupSize: 100 });
      const back = await Dataset.fromParquet(join(dir, "rows.parquet"));
      const big = Buffer.alloc(17 * 1024 * 1024, 1);
      writeFileSync(join(dir, "big.bin"), big);
      const hashed = await sha256OfFile(join(dir, "big.bin"));
      console.log(JSON.stringify({
        sum: back.toDict().id.reduce((a, b) => a + b, 0),
        hashOk: hashed === createHash("sha256").update(big).digest("hex"),
      }));
      rmSync(dir, { recursive: true, force: true });`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({ sum: (4999 * 5000) / 2, hashOk: true });
  });

  it("runs `wharf env --json` with the environment's settings", async () => {
    const { stdout } = await run(process.execPath, [bin, "env", "--json"], {
      env: {
        ...process.env,
        HF_HOME: "/tmp/hf-home",
        HF_ENDPOINT: "http://127.0.0.1:1234/",
        HF_TOKEN: "hf_x",
      },
    });
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      hfHome: "/tmp/hf-home",
      hubCache: "/tmp/hf-home/hub",
      endpoint: "http://127.0.0.1:1234",
      token: "set (HF_TOKEN)",
    });
    expect(stdout).not.toContain("hf_x");
  });

  it("exits 2 on a usage error and prints the version", async () => {
    const usage = await run(process.execPath, [bin, "no-such-command"]).catch((error) => error);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("unknown command");
    const { stdout } = await run(process.execPath, [bin, "--version"]);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
