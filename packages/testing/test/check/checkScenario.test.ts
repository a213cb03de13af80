import type { Scenario } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/checkScenario.js';
import { determinism } from '../../src/invariants/determinism.js';
import { buggyRunner, quietRunner } from '../fakeRunner.js';
import { inboundPauseFirst } from '../scenarios.js';

const withStatusChange: Scenario = {
  ...inboundPauseFirst,
  party: [{ at: 2, do: 'hangup' }],
  modify: [{ at: 1, Status: 'completed' }],
};

describe('checkScenario', () => {
  it('reports no violation for a run that obeys every invariant', async () => {
    const { violations } = await checkScenario(inboundPauseFirst, { runner: quietRunner });
    expect(violations).toEqual([]);
  });

  it('reports the invariant a run breaks', async () => {
    const { violations } = await checkScenario(withStatusChange, { runner: buggyRunner });
    expect(violations).toEqual([
      { invariant: 'single-final-state', message: '1 timer(s) still pending after the run' },
    ]);
  });

  it('turns a thrown error into a no-crash violation', async () => {
    const { violations } = await checkScenario(inboundPauseFirst, {
      runner: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    expect(violations).toEqual([
      { invariant: 'no-crash', message: 'the run threw TypeError: cannot read properties of undefined' },
    ]);
  });

  it('catches an unhandled rejection left behind by the run', async () => {
    const { violations } = await checkScenario(inboundPauseFirst, {
      runner: async (scenario) => {
        void Promise.reject(new Error('timer fired after the call ended'));
        return quietRunner(scenario);
      },
      rerun: false,
    });
    expect(violations).toEqual([
      {
        invariant: 'no-crash',
        message: 'unhandled rejection or exception: Error: timer fired after the call ended',
      },
    ]);
  });

  it('reports a listener leak (MaxListenersExceededWarning) during the run', async () => {
    const { violations } = await checkScenario(inboundPauseFirst, {
      runner: async (scenario) => {
        const signal = new AbortController().signal;
        for (let i = 0; i < 11; i++) signal.addEventListener('abort', () => {});
        return quietRunner(scenario);
      },
      rerun: false,
    });
    expect(violations.map((v) => v.invariant)).toEqual(['no-crash']);
    expect(violations[0]?.message).toMatch(/MaxListenersExceededWarning: Possible EventTarget memory leak/);
  });

  it('reports a run that differs the second time', async () => {
    let calls = 0;
    const { violations } = await checkScenario(inboundPauseFirst, {
      runner: async (scenario) => {
        calls += 1;
        const run = await quietRunner(scenario);
        return {
          ...run,
          outcome: { ...run.outcome, final: { status: calls === 1 ? 'completed' : 'failed', duration: 0 } },
        };
      },
      invariants: [determinism],
    });
    expect(violations.map((v) => v.invariant)).toEqual(['determinism']);
  });

  it('reports an invariant that itself throws, instead of crashing', async () => {
    const broken = {
      name: 'broken',
      description: 'throws',
      check: () => {
        throw new Error('oops');
      },
    };
    const { violations } = await checkScenario(inboundPauseFirst, {
      runner: quietRunner,
      invariants: [broken],
    });
    expect(violations).toEqual([{ invariant: 'broken', message: 'the invariant itself failed: oops' }]);
  });
});
