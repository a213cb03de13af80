import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The vitest configuration of `npm run mutate` (StrykerJS, `stryker.config.mjs`): only the
 * tests that exercise `@rcml/core` and `@rcml/webhook` (their own tests, the replay
 * fixtures, the property suites and a short fixed-seed fuzz run), so that each mutant runs
 * quickly. Not used by `npm test`.
 *
 * Stryker runs the tests in a sandbox copy of the repository whose `node_modules` are links
 * to the real ones; a bare `@rcml/core` import would resolve through them to the real,
 * unmutated sources. The aliases point every workspace package at the sources next to this
 * file (the sandbox's, where the mutants are).
 */
const root = import.meta.dirname;
const packages = ['core', 'driver', 'webhook', 'replay', 'testing', 'api', 'cli', 'driver-asterisk'];

export default defineConfig({
  resolve: {
    conditions: ['@rcml/source'],
    alias: [
      { find: '@rcml/core/callbacks', replacement: join(root, 'packages/core/src/callbacks/index.ts') },
      {
        find: '@rcml/driver/conformance',
        replacement: join(root, 'packages/driver/src/conformance/index.ts'),
      },
      ...packages.map((name) => ({
        find: new RegExp(`^@rcml/${name}$`),
        replacement: join(root, `packages/${name}/src/index.ts`),
      })),
    ],
  },
  ssr: { resolve: { conditions: ['@rcml/source'] } },
  test: {
    // conformanceCatchesBrokenDriver runs the suite inside a test, which Stryker's per-test
    // coverage setup refuses ("Calling the suite function inside test function").
    exclude: [
      'packages/testing/test/check/fuzz.test.ts',
      'packages/driver/test/conformanceCatchesBrokenDriver.test.ts',
      '**/node_modules/**',
    ],
    include: [
      'packages/core/test/**/*.test.ts',
      'packages/webhook/test/**/*.test.ts',
      'test/replay.test.ts',
      'test/mutation/*.mutate.ts',
      // Tests of other packages that drive the core in this process (the call machine's
      // model and engine tests, persistence, conferences, the Calls API, replay, the
      // harness): without them a fifth of the call flow has no coverage. Left out: tests
      // that take seconds (recordings of live calls, the demo, the examples, the long fuzz
      // check), which every surviving mutant they reach would have to wait for.
      'test/callMachine.*.test.ts',
      'test/persistence.test.ts',
      'test/callConference.test.ts',
      'test/callApp.test.ts',
      'packages/api/test/**/*.test.ts',
      'packages/replay/test/**/*.test.ts',
      'packages/testing/test/**/*.test.ts',
      'packages/driver/test/**/*.test.ts',
    ],
    setupFiles: ['test/setup/fastCheck.ts'],
    // Short: a mutant that leaves a promise pending (a lost callback, a timer never armed)
    // then fails its test in seconds, instead of running into Stryker's timeout, which
    // restarts the test process (much slower).
    testTimeout: 10_000,
    // One module graph for all test files of a run (no fresh import per file): four times
    // faster per mutant (fetch/params.ts: 1 min 13 s instead of 4 min 55 s, the same
    // survivors). Stryker switches a mutant on at run time, so a shared graph sees it; a
    // mutant that only runs while a module loads (a static mutant) is left to
    // scripts/mutate-static.mjs, which tests it in a fresh process.
    isolate: false,
    hookTimeout: 30_000,
  },
});
