import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Tests start real servers and child processes; forks isolate them best.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report lets .ci/run print a one-line summary.
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
