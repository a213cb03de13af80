import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { scenario } from '../../src/arbitraries/scenario.js';
import type { FuzzReport } from '../../src/check/fuzz.js';
import { assertInvariants, formatFuzzReport } from '../../src/check/report.js';
import { buggyRunner, quietRunner } from '../fakeRunner.js';

const inbound = scenario({ direction: 'inbound' }).map((s): Scenario => {
  const { StatusCallback: _a, StatusCallbackEvent: _b, ...rest } = s.inbound ?? {};
  return { ...s, inbound: rest };
});

describe('formatFuzzReport', () => {
  it('says "violations: none" for a clean run', () => {
    const report: FuzzReport = {
      runs: 10,
      seed: 3,
      elapsedMs: 500,
      failingRuns: 0,
      violationsByInvariant: {},
      counterexamples: [],
    };
    expect(formatFuzzReport(report)).toBe(
      'rcml fuzz: 10 runs, seed 3, 0.5 s, 20 calls/s\nviolations: none\n',
    );
  });

  it('lists runs per invariant and each counterexample file with its violations', () => {
    const report: FuzzReport = {
      runs: 100,
      seed: 1,
      elapsedMs: 1000,
      failingRuns: 4,
      violationsByInvariant: { fallback: 4 },
      counterexamples: [
        {
          invariant: 'fallback',
          run: 12,
          path: '12:0',
          scenario: { name: 'x' },
          violations: [{ invariant: 'fallback', message: 'FallbackUrl was not requested' }],
          file: '/work/fuzz-out/fallback-seed1-run12.json',
        },
      ],
    };
    expect(formatFuzzReport(report, '/work')).toBe(
      [
        'rcml fuzz: 100 runs, seed 1, 1.0 s, 100 calls/s',
        'violations by invariant (4 failing run(s)):',
        '  fallback             4 run(s)',
        'counterexamples (shrunk):',
        '  fuzz-out/fallback-seed1-run12.json',
        '    fallback: FallbackUrl was not requested',
        'rerun one with: rcml fuzz --check <file>   (rcml replay <file> runs the runner checks only)',
        '',
      ].join('\n'),
    );
  });
});

describe('assertInvariants', () => {
  it('resolves with the report when nothing broke', async () => {
    const report = await assertInvariants({ runs: 20, seed: 5, arbitrary: inbound, runner: quietRunner });
    expect(report.failingRuns).toBe(0);
  });

  it('throws the summary, naming the counterexample file, when something broke', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rcml-assert-'));
    try {
      await expect(
        assertInvariants({ runs: 200, seed: 1, arbitrary: inbound, runner: buggyRunner, out: dir }),
      ).rejects.toThrow(/single-final-state .* run\(s\)[\s\S]*single-final-state-seed1-run\d+\.json/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
