import type { TimelineEntry } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { progressCallbacks } from '../../src/invariants/progressCallbacks.js';
import { fetch, media, observe, progress, runOf } from '../runs.js';
import { outboundAllEvents } from '../scenarios.js';

const statuses = [
  ['initiated', 0],
  ['ringing', 1],
  ['in-progress', 4],
  ['completed', 6],
] as const;
const call = [
  fetch(4, 'http://app.test/voice', 'in-progress'),
  media(4, 'say', { text: 'hi' }),
  media(6, 'hangup'),
];
const goodTimeline: TimelineEntry[] = [
  progress(0, 'initiated', 0),
  progress(1, 'ringing', 1),
  progress(4, 'in-progress', 2),
  ...call,
  progress(6, 'completed', 3, { CallDuration: '2' }),
];

function check(timeline: readonly TimelineEntry[], scenario = outboundAllEvents) {
  const run = runOf({ timeline, statuses, final: { status: 'completed', duration: 2 } });
  return progressCallbacks.check(observe(scenario, run)).map((v) => v.message);
}

describe('progress-callbacks', () => {
  it('accepts initiated, ringing, answered, completed numbered 0 to 3', () => {
    expect(check(goodTimeline)).toEqual([]);
  });

  it('accepts a retried delivery (same SequenceNumber, same parameters)', () => {
    const retried = [...goodTimeline, progress(7, 'completed', 3, { CallDuration: '2' })];
    expect(check(retried)).toEqual([]);
  });

  it('reports an event sent twice', () => {
    const twice = [
      ...goodTimeline.slice(0, 3),
      progress(4, 'in-progress', 3),
      ...call,
      progress(6, 'completed', 4, { CallDuration: '2' }),
    ];
    expect(check(twice)).toContain(
      `call CA00000000000000000000000000000001: event answered sent more than once`,
    );
  });

  it('reports a gap in SequenceNumber', () => {
    const gap = [...goodTimeline.slice(0, 6), progress(6, 'completed', 4, { CallDuration: '2' })].filter(
      (e) => !(e.kind === 'callback' && e.params.CallStatus === 'in-progress'),
    );
    const messages = check(gap);
    expect(messages.join('\n')).toMatch(/callback #3 \(completed\) has SequenceNumber 4, expected 2/);
    expect(messages.join('\n')).toMatch(/subscribed event answered happened/);
  });

  it('reports events out of lifecycle order', () => {
    const swapped = [
      progress(0, 'initiated', 0),
      progress(1, 'in-progress', 1),
      progress(1, 'ringing', 2),
      ...call,
      progress(6, 'completed', 3, { CallDuration: '2' }),
    ];
    expect(check(swapped).join('\n')).toMatch(/event ringing sent after answered \(lifecycle order\)/);
  });

  it('reports an event that was not subscribed', () => {
    const onlyCompleted = {
      ...outboundAllEvents,
      call: { ...outboundAllEvents.call, StatusCallbackEvent: 'completed' },
    };
    const timeline = [progress(1, 'ringing', 0), ...call, progress(6, 'completed', 1, { CallDuration: '2' })];
    expect(check(timeline, onlyCompleted)).toEqual(['event ringing sent but not subscribed']);
  });

  it('reports a missing completed callback', () => {
    expect(check(goodTimeline.slice(0, -1))).toEqual([
      'subscribed event completed happened (status completed at t=6) but no callback was sent',
    ]);
  });

  it('reports a request of the call after the completed callback', () => {
    const late = [...goodTimeline, fetch(6, 'http://app.test/dial-done', 'completed')];
    expect(check(late).join('\n')).toMatch(
      /fetch http:\/\/app.test\/dial-done at t=6 after the completed callback/,
    );
  });

  it('reports CallDuration on a callback other than completed, and a wrong CallDuration', () => {
    const timeline = [
      progress(0, 'initiated', 0),
      progress(1, 'ringing', 1, { CallDuration: '0' }),
      progress(4, 'in-progress', 2),
      ...call,
      progress(6, 'completed', 3, { CallDuration: '5' }),
    ];
    expect(check(timeline)).toEqual([
      'call CA00000000000000000000000000000001: CallDuration on the ringing callback',
      "completed callback has CallDuration=5 but the call's duration is 2",
      'CallDuration=5 but the call was answered for 2 whole second(s)',
    ]);
  });
});
