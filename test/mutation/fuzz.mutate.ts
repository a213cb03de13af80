/**
 * A short fixed-seed fuzz run for mutation testing (`npm run mutate`, `vitest.stryker.config.ts`):
 * the invariants of `@rcml/testing` catch mutants that no example test reaches (timer races,
 * callbacks out of order), but the 1,000 calls of `test/fuzz.test.ts` would cost every mutant
 * ten seconds. Not part of `npm test` (its name does not end in `.test.ts`): `test/fuzz.test.ts`
 * is.
 */
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../packages/testing/src/index.js';

const RUNS = Number(process.env.RCML_MUTATE_FUZZ_RUNS ?? 200);

describe('fuzz (mutation testing): engine invariants on generated calls', () => {
  it(`${RUNS} generated calls break no invariant`, async () => {
    const report = await fuzz({ runs: RUNS, seed: 20260101 });
    const found = report.counterexamples.map((c) =>
      c.violations.map((v) => `${v.invariant}: ${v.message}`).join('; '),
    );
    expect(found).toEqual([]);
  }, 120_000);
});
