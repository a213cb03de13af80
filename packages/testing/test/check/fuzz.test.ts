import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '@rcml/replay';
import { afterEach, describe, expect, it } from 'vitest';
import { scenario } from '../../src/arbitraries/scenario.js';
import { checkScenario } from '../../src/check/checkScenario.js';
import { fuzz } from '../../src/check/fuzz.js';
import { buggyRunner, quietRunner } from '../fakeRunner.js';

/** Inbound calls without status callbacks: the stand-in runners never answer and send none. */
const arbitrary = scenario({ direction: 'inbound' }).map((s): Scenario => {
  const strip = ({
    StatusCallback: _a,
    StatusCallbackEvent: _b,
    ...rest
  }: Readonly<Record<string, string>>) => rest;
  return s.call !== undefined ? { ...s, call: strip(s.call) } : { ...s, inbound: strip(s.inbound ?? {}) };
});

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('fuzz', () => {
  it('runs every call and reports nothing when the runner obeys the invariants', async () => {
    const seen: number[] = [];
    const report = await fuzz({
      runs: 50,
      seed: 7,
      arbitrary,
      runner: quietRunner,
      onProgress: (p) => seen.push(p.done),
    });
    expect(report.runs).toBe(50);
    expect(report.failingRuns).toBe(0);
    expect(report.counterexamples).toEqual([]);
    expect(seen.at(-1)).toBe(50);
  });

  it('finds a planted bug, shrinks it, and writes a counterexample that reproduces it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rcml-fuzz-'));
    const report = await fuzz({ runs: 200, seed: 1, arbitrary, runner: buggyRunner, out: dir });
    expect(report.failingRuns).toBeGreaterThan(0);
    expect(Object.keys(report.violationsByInvariant)).toEqual(['single-final-state']);
    const [found] = report.counterexamples;
    expect(found?.file).toBeDefined();
    const written = JSON.parse(await readFile(found?.file ?? '', 'utf8')) as Scenario;
    // Shrunk: the live change is all that is left of what matters.
    expect(written.modify).toHaveLength(1);
    expect(written.name).toMatch(/^fuzz counterexample: single-final-state: 1 timer/);
    expect(written.source).toMatch(/seed 1, run \d+, path [\d:]+/);
    expect(written.expect).toBeUndefined();
    const again = await checkScenario(written, { runner: buggyRunner });
    expect(again.violations.map((v) => v.invariant)).toEqual(['single-final-state']);
  });

  it('is reproducible: the same seed finds the same counterexample', async () => {
    const a = await fuzz({ runs: 100, seed: 3, arbitrary, runner: buggyRunner });
    const b = await fuzz({ runs: 100, seed: 3, arbitrary, runner: buggyRunner });
    expect(b.counterexamples.map((c) => c.scenario)).toEqual(a.counterexamples.map((c) => c.scenario));
  });
});
