// The reliability suite (`npm run test:reliability`): the BUILT CLI as a child process, through fault proxies
// in front of the fakes. Kept apart from `npm test`, which it would double; `.ci/run` runs both.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts', 'test/reliability/tally-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Two cores: one test file at a time keeps every run's timing (and the client timeouts) honest.
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
