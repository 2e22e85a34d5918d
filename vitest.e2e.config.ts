import { defineConfig } from "vitest/config";

/** Browser journeys against a real server process and headless Chromium (`npm run test:e2e`). */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    teardownTimeout: 60_000,
    pool: "forks",
    fileParallelism: false,
    env: { TZ: "UTC" },
  },
});
