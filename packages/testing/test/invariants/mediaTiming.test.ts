import type { Scenario, TimelineEntry } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { mediaTiming } from '../../src/invariants/mediaTiming.js';
import { fetch, media, observe, type RunSpec, runOf } from '../runs.js';
import { inboundPauseFirst } from '../scenarios.js';

// Pause 3 s, then a 20-character Say (1 s), then the engine hangs up: 0, 3, 4.
const scenario: Scenario = { ...inboundPauseFirst, party: [{ at: 30, do: 'hangup' }] };
const statuses = [
  ['ringing', 0],
  ['in-progress', 3],
  ['completed', 4],
] as const;
const longer = [
  ['ringing', 0],
  ['in-progress', 3],
  ['completed', 20],
] as const;
const say = media(3, 'say', { text: 'Welcome to the store', voice: 'man', language: 'en-US', loop: 1 });
const good: TimelineEntry[] = [
  fetch(0, 'http://app.test/voice', 'ringing'),
  media(0, 'pause', { length: 3 }),
  media(3, 'answer'),
  say,
  media(4, 'hangup'),
];

const check = (timeline: readonly TimelineEntry[], s: RunSpec['statuses'] = statuses) =>
  mediaTiming.check(observe(scenario, runOf({ timeline, statuses: s }))).map((v) => v.message);

describe('media-timing', () => {
  it('accepts operations that last what the media timings say', () => {
    expect(check(good)).toEqual([]);
  });

  it('reports a Pause that ends early and a Say that ends late', () => {
    const early = [
      good[0],
      media(0, 'pause', { length: 3 }),
      media(2, 'answer'),
      media(2, 'say', { text: 'Welcome to the store', loop: 1 }),
      media(9, 'hangup'),
    ] as TimelineEntry[];
    expect(check(early, longer)).toEqual([
      'media pause at t=0 lasts 3 s (until t=3) but the next step came early, at t=2',
      'media say at t=2 lasts 1 s (until t=3) but the next step came late, at t=9',
    ]);
  });

  it('reports an operation after which nothing happens while the call is up', () => {
    expect(check(good.slice(0, 4), longer)).toEqual([
      'media say at t=3 lasts 1 s (until t=4) but nothing followed while the call was still up',
    ]);
  });

  it('lets a Gather prompt be followed by the Gather timer', () => {
    const gather = [
      good[0],
      media(0, 'answer'),
      media(0, 'gather', { timeout: 5 }),
      media(0, 'say', { text: 'Welcome to the store', loop: 1 }),
      media(6, 'hangup'),
    ] as TimelineEntry[];
    expect(check(gather, longer)).toEqual([]);
  });
});
