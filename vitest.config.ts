import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Under mutation testing (instrumented code on a shared CPU) slow tests get more time; Stryker has its own mutant timeout.
    testTimeout: process.env.STRYKER_MUTATOR_WORKER === undefined ? 30_000 : 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Browser and end-to-end polls wait for real work (an inbound handler, a render) on a busy 2-core machine.
    expect: { poll: { timeout: 15_000 } },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
