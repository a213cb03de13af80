import { describe, expect, it } from 'vitest';
import { determinism } from '../../src/invariants/determinism.js';
import { noCrash } from '../../src/invariants/noCrash.js';
import { runnerChecks } from '../../src/invariants/runnerChecks.js';
import { fetch, media, observe, runOf } from '../runs.js';
import { inboundPauseFirst } from '../scenarios.js';

const statuses = [
  ['ringing', 0],
  ['in-progress', 3],
  ['completed', 4],
] as const;
const timeline = [
  fetch(0, 'http://app.test/voice', 'ringing'),
  media(0, 'pause', { length: 3 }),
  media(3, 'answer'),
  media(4, 'hangup'),
];
const run = runOf({ timeline, statuses });

describe('no-crash', () => {
  it('accepts a run without errors', () => {
    expect(noCrash.check(observe(inboundPauseFirst, run))).toEqual([]);
  });

  it('reports a thrown error, an unhandled rejection and an internal error notice', () => {
    const crashed = runOf({
      timeline,
      statuses,
      extraEvents: [
        { type: 'notice', callSid: null, code: 20500, level: 'error', message: 'boom', at: 4 },
        {
          type: 'notice',
          callSid: null,
          code: 14103,
          level: 'error',
          message: 'call ended after an internal failure',
          at: 4,
        },
      ],
    });
    const violations = noCrash.check({
      scenario: inboundPauseFirst,
      run: crashed,
      thrown: [new TypeError('x is undefined')],
      unhandled: [new Error('timer fired after dispose')],
    });
    expect(violations.map((v) => v.message)).toEqual([
      'the run threw TypeError: x is undefined',
      'unhandled rejection or exception: Error: timer fired after dispose',
      'internal error notice: boom',
      'media driver failure notice (the simulated driver never fails): call ended after an internal failure',
    ]);
  });
});

describe('determinism', () => {
  it('accepts two identical runs', () => {
    expect(determinism.check(observe(inboundPauseFirst, run, runOf({ timeline, statuses })))).toEqual([]);
  });

  it('reports the first entry that differs, and a different final state', () => {
    const shifted = [...timeline.slice(0, 3), media(4.2, 'hangup')];
    const other = runOf({ timeline: shifted, statuses, final: { status: 'completed', duration: 1 } });
    const messages = determinism.check(observe(inboundPauseFirst, run, other)).map((v) => v.message);
    expect(messages).toEqual([
      'timeline entry 4 differs between two runs: {"kind":"media","at":4,"op":"hangup"} vs {"kind":"media","at":4.2,"op":"hangup"}',
      'final state differs between two runs: {"status":"completed","duration":0} vs {"status":"completed","duration":1}',
    ]);
  });
});

describe('runner-checks', () => {
  it("reports the replay runner's own findings, and nothing when it had none", () => {
    const stuck = { ...run, violations: ['gave up at 86400 s: the call runs past the time bound'] };
    expect(runnerChecks.check(observe(inboundPauseFirst, run))).toEqual([]);
    expect(runnerChecks.check(observe(inboundPauseFirst, stuck))).toEqual([
      { invariant: 'runner-checks', message: 'gave up at 86400 s: the call runs past the time bound' },
    ]);
  });
});
