/**
 * The example of docs/testing.md: a user's own application, generated calls through it, the
 * invariants plus a rule of the user's, on the real engine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkScenario, fuzz, scenario } from '../src/index.js';

const myApp = fc.constant({
  voice:
    '<Response><Gather action="menu" numDigits="1"><Say>Press 1 for sales</Say></Gather><Redirect>voice</Redirect></Response>',
  menu: '<Response><Dial action="done" timeout="10">+15550004444</Dial></Response>',
  done: '<Response><Say>Goodbye</Say><Hangup/></Response>',
});

describe('checking your own application', () => {
  it('runs generated calls through the pages and checks the invariants and your own rule', async () => {
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(scenario({ application: myApp, direction: 'inbound' }), async (s) => {
        calls += 1;
        expect(s.app?.['POST http://app.test/menu']).toBeDefined();
        const { violations, observation } = await checkScenario(s);
        const tooLong = (observation.run?.outcome.final?.duration ?? 0) > 300;
        return violations.length === 0 && !tooLong;
      }),
      { seed: 42, numRuns: 100 },
    );
    expect(calls).toBe(100);
  });

  it('fuzz() over your application reports runs and no violation', async () => {
    const report = await fuzz({ runs: 100, seed: 7, arbitrary: scenario({ application: myApp }) });
    expect(report.runs).toBe(100);
    expect(report.violationsByInvariant).toEqual({});
  });
});
