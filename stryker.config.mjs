// @ts-check
/**
 * Mutation testing of the core and the webhook package (`npm run mutate`, docs/testing.md).
 * Run it through `scripts/mutate.mjs` (nice, `--files`), not the test command.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const reports = process.env.RCML_MUTATE_REPORTS ?? 'reports/mutation';

export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  // Each mutant runs only the tests that reached it in the first, instrumented run.
  coverageAnalysis: 'perTest',
  mutate: [
    'packages/core/src/**/*.ts',
    'packages/webhook/src/**/*.ts',
    // Barrels and type-only modules: nothing to mutate but re-exports.
    '!packages/*/src/**/index.ts',
    '!packages/core/src/ports.ts',
    '!packages/core/src/engine/types.ts',
    '!packages/core/src/verbs/types.ts',
  ],
  // Code that runs at import time (tables, constants) is mutated too: such a mutant runs
  // every test, in a fresh environment (slow, but it is where code tables live).
  ignoreStatic: false,
  reporters: ['progress', 'clear-text', 'html', 'json'],
  // scripts/mutate.mjs writes the static pass to its own folder (RCML_MUTATE_REPORTS).
  htmlReporter: { fileName: `${reports}/index.html` },
  jsonReporter: { fileName: `${reports}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: false },
  // Two cores shared by many: one test process unless asked (scripts/mutate.mjs --concurrency).
  concurrency: 1,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  tempDirName: '.stryker-tmp',
  // Stryker's tsconfig rewriting needs the JavaScript API of TypeScript 5, which the native
  // TypeScript 7 of this repository does not have; vitest does not read tsconfig references
  // anyway. A file that does not exist turns the rewriting off.
  tsconfigFile: 'tsconfig.stryker-none.json',
  cleanTempDir: true,
  // Not copied into the sandbox: build outputs, reports, caches, docs.
  ignorePatterns: [
    'dist',
    // Other runs' sandboxes (a second run with its own --tempDirName).
    '.stryker-tmp*',
    'out',
    'fuzz-out',
    'reports',
    'coverage',
    '.scratch',
    '.rcml-cache',
    'bench/out',
    '*.tsbuildinfo',
    '*.tgz',
  ],
  thresholds: { high: 90, low: 80, break: null },
};
