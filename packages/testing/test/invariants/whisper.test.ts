/**
 * Whisper documents (spec 4.6) run `<Gather>` on a dial leg: the invariants judge the call's own
 * Gathers, not the leg's, and accept a leg's submission of the keys its dialled party pressed.
 */
import { join } from 'node:path';
import type { EngineEvent } from '@rcml/core';
import { loadScenarios, type Scenario, type TimelineEntry } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/index.js';
import { gatherOnce } from '../../src/invariants/gatherOnce.js';
import { gatherTimer } from '../../src/invariants/gatherTimer.js';
import { base, fetch, media, observe, runOf, SID } from '../runs.js';
import { outboundAllEvents } from '../scenarios.js';

const LEG = 'CA00000000000000000000000000000002';
const EPOCH_MS = Date.parse('2026-01-01T00:00:00Z');

const screening: Scenario = {
  ...outboundAllEvents,
  party: [{ at: 1, do: 'answer' }],
  dialed: {
    '+15550003333': [
      { after: 1, do: 'answer' },
      { after: 3, do: 'dtmf', digits: '1' },
    ],
  },
};

function legFetch(at: number, url: string, extra: Record<string, string>): TimelineEntry {
  const params = {
    ...base('in-progress', extra),
    CallSid: LEG,
    ParentCallSid: SID,
    Direction: 'outbound-dial',
  };
  return { kind: 'fetch', at, method: 'POST', url, params };
}
const verbStart = (callSid: string, at: number): EngineEvent => ({
  type: 'verb',
  phase: 'start',
  callSid,
  verb: 'Gather',
  detail: {},
  at: EPOCH_MS + at * 1000,
});

// The leg answers at t=2, its Gather starts at once, the key comes at t=4; the call's own
// Dial keeps it waiting, so nothing of the call follows the gather within its timeout.
const timeline: TimelineEntry[] = [
  fetch(1, 'http://app.test/voice', 'in-progress'),
  media(1, 'dial', { targets: [{ type: 'number', to: '+15550003333' }], timeout: 30 }),
  legFetch(2, 'http://app.test/screen', {}),
  media(2, 'gather', { input: 'dtmf', timeout: 5, numDigits: 1 }),
  legFetch(4, 'http://app.test/screen-answer', { Digits: '1' }),
  media(20, 'hangup'),
];
const statuses = [
  ['in-progress', 1],
  ['completed', 20],
] as const;

describe('whisper Gathers and the invariants', () => {
  it('gather-timer does not judge a Gather that the engine traced on a dial leg', () => {
    const run = runOf({ timeline, statuses, extraEvents: [verbStart(LEG, 2)] });
    expect(gatherTimer.check(observe(screening, run))).toEqual([]);
  });

  it('gather-timer still judges the same Gather when it was the call’s own', () => {
    const run = runOf({ timeline, statuses, extraEvents: [verbStart(SID, 2)] });
    expect(gatherTimer.check(observe(screening, run)).map((v) => v.invariant)).toEqual(['gather-timer']);
  });

  it('gather-once accepts a leg submitting its dialled party’s keys and reports foreign ones', () => {
    const run = runOf({ timeline, statuses, extraEvents: [verbStart(LEG, 2)] });
    expect(gatherOnce.check(observe(screening, run))).toEqual([]);
    const forged = timeline.map((e, i) =>
      i === 4 ? legFetch(4, 'http://app.test/screen-answer', { Digits: '7' }) : e,
    );
    const bad = runOf({ timeline: forged, statuses, extraEvents: [verbStart(LEG, 2)] });
    expect(gatherOnce.check(observe(screening, bad)).map((v) => v.message)).toEqual([
      'fetch POST http://app.test/screen-answer CallStatus=in-progress at t=4: Digits=7 holds keys no dialled party pressed (7)',
    ]);
  });

  it('every whisper scenario of the corpus passes every invariant on the engine', async () => {
    const loaded = await loadScenarios([join(import.meta.dirname, '../../../../fixtures/replay/whisper')]);
    expect(loaded.length).toBeGreaterThan(5);
    for (const item of loaded) {
      expect(item.error).toBeUndefined();
      const { violations } = await checkScenario(item.scenario as Scenario);
      expect(violations, item.file).toEqual([]);
    }
  });
});
