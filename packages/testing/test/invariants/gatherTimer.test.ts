import type { Scenario, TimelineEntry } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { gatherTimer } from '../../src/invariants/gatherTimer.js';
import { fetch, media, observe, progress, runOf } from '../runs.js';
import { outboundAllEvents } from '../scenarios.js';

// Answered at 1; Gather timeout 5 with one 20-character prompt (1 s at 0.05 s per character):
// with no key, the next verb must start at 1 + 1 + 5 = 7.
const silentCaller: Scenario = {
  ...outboundAllEvents,
  party: [
    { at: 1, do: 'answer' },
    { at: 20, do: 'hangup' },
  ],
};
const start: TimelineEntry[] = [
  fetch(1, 'http://app.test/voice', 'in-progress'),
  media(1, 'gather', { input: 'dtmf', timeout: 5, finishOnKey: '#', numDigits: null }),
  media(1, 'say', { text: 'Press 1 for sales!!!', voice: 'man', language: 'en-US', loop: 1 }),
];
const statuses = [
  ['in-progress', 1],
  ['completed', 20],
] as const;

function check(timeline: readonly TimelineEntry[], scenario = silentCaller) {
  return gatherTimer.check(observe(scenario, runOf({ timeline, statuses }))).map((v) => v.message);
}

describe('gather-timer', () => {
  it('accepts a Gather that times out exactly `timeout` seconds after its prompts', () => {
    const callbackBetween = progress(1.5, 'in-progress', 2);
    expect(check([...start, callbackBetween, media(7, 'say', { text: 'Sorry' })])).toEqual([]);
  });

  it('reports a Gather whose timer never fired', () => {
    expect(check(start)).toEqual([
      'gather at t=1 heard no key; its timeout should have ended it at t=7 but nothing followed',
    ]);
  });

  it('reports a Gather whose timer fired late, or early', () => {
    expect(check([...start, media(12, 'say', { text: 'Sorry' })])).toEqual([
      'gather at t=1 heard no key; its timeout should have ended it at t=7 but the next step came at t=12',
    ]);
    expect(check([...start, fetch(3, 'http://app.test/voice', 'in-progress')])).toEqual([
      'gather at t=1 heard no key but ended at t=3, before its timeout at t=7',
    ]);
  });

  it('does not judge a Gather that heard a key or whose call ended first', () => {
    const keyed: Scenario = {
      ...silentCaller,
      party: [
        { at: 1, do: 'answer' },
        { at: 4, do: 'dtmf', digits: '1' },
        { at: 20, do: 'hangup' },
      ],
    };
    expect(check(start, keyed)).toEqual([]);
    const hungUp: Scenario = {
      ...silentCaller,
      party: [
        { at: 1, do: 'answer' },
        { at: 5, do: 'hangup' },
      ],
    };
    expect(
      gatherTimer.check(
        observe(
          hungUp,
          runOf({
            timeline: start,
            statuses: [
              ['in-progress', 1],
              ['completed', 5],
            ],
          }),
        ),
      ),
    ).toEqual([]);
  });
});
