import { defineConfig } from "vitest/config";

/** Browser journeys against a real server process and headless Chromium (`npm run test:e2e`). */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    teardownTimeout: 60_000,
    pool: "forks",
    globalSetup: ["test/e2e/support/global-setup.ts"],
    // Two journeys at a time: each has its own server on a free port, its own database and browser.
    maxWorkers: 2,
    env: { TZ: "UTC" },
  },
});
