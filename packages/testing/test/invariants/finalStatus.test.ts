import type { Scenario } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { finalStatus } from '../../src/invariants/finalStatus.js';
import { fetch, media, observe, type RunSpec, runOf } from '../runs.js';
import { outboundAllEvents } from '../scenarios.js';

const answered: RunSpec = {
  timeline: [
    fetch(4, 'http://app.test/voice', 'in-progress'),
    media(4, 'say', { text: 'hi' }),
    media(6.7, 'hangup'),
  ],
  statuses: [
    ['initiated', 0],
    ['ringing', 1],
    ['in-progress', 4],
    ['completed', 6.7],
  ],
  final: { status: 'completed', duration: 2 },
};

const busyAt3: Scenario = {
  ...outboundAllEvents,
  party: [
    { at: 1, do: 'ring' },
    { at: 3, do: 'busy' },
  ],
};
const silent: Scenario = {
  ...outboundAllEvents,
  call: { ...outboundAllEvents.call, Timeout: '10' },
  party: [],
};

const check = (scenario: Scenario, spec: RunSpec) =>
  finalStatus.check(observe(scenario, runOf(spec))).map((v) => v.message);

describe('final-status', () => {
  it('accepts an answered call that ends completed with its whole answered seconds', () => {
    expect(check(outboundAllEvents, answered)).toEqual([]);
  });

  it('reports an answered call that ends in another state, and a wrong duration', () => {
    expect(check(outboundAllEvents, { ...answered, final: { status: 'no-answer', duration: 3 } })).toEqual([
      'the call was answered at t=4 but ended no-answer',
      'duration 3, but the call was answered from t=4 to t=6.7 (2 whole seconds)',
    ]);
  });

  it('accepts busy when the far end was busy, and reports another outcome', () => {
    const statuses = [
      ['initiated', 0],
      ['ringing', 1],
      ['busy', 3],
    ] as const;
    expect(check(busyAt3, { timeline: [], statuses, final: { status: 'busy', duration: 0 } })).toEqual([]);
    const wrong = [
      ['initiated', 0],
      ['ringing', 1],
      ['failed', 3],
    ] as const;
    expect(
      check(busyAt3, { timeline: [], statuses: wrong, final: { status: 'failed', duration: 0 } }),
    ).toEqual(["an outbound call that was never answered ended failed; the far end's behaviour means busy"]);
  });

  it('expects no-answer after Timeout when the far end does nothing', () => {
    const onTime = [
      ['initiated', 0],
      ['no-answer', 10],
    ] as const;
    expect(
      check(silent, { timeline: [], statuses: onTime, final: { status: 'no-answer', duration: 0 } }),
    ).toEqual([]);
    const late = [
      ['initiated', 0],
      ['no-answer', 60],
    ] as const;
    expect(
      check(silent, { timeline: [], statuses: late, final: { status: 'no-answer', duration: 0 } }),
    ).toEqual(['the call ended no-answer at t=60, not after Timeout=10 s']);
  });

  it('accepts canceled when a live change ended the ringing call first', () => {
    const canceled: Scenario = { ...silent, modify: [{ at: 2, Status: 'completed' }] };
    const statuses = [
      ['initiated', 0],
      ['canceled', 2],
    ] as const;
    expect(check(canceled, { timeline: [], statuses, final: { status: 'canceled', duration: 0 } })).toEqual(
      [],
    );
    const wrong = [
      ['initiated', 0],
      ['completed', 2],
    ] as const;
    expect(
      check(canceled, { timeline: [], statuses: wrong, final: { status: 'completed', duration: 0 } }),
    ).toEqual([
      'an outbound call ended by a live change before it was answered ended completed, not canceled',
    ]);
  });
});

describe('final-status: <Reject> on an unanswered inbound call', () => {
  const inbound: Scenario = {
    name: 'reject',
    inbound: { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice' },
  };
  const timeline = [fetch(0, 'http://app.test/voice', 'ringing'), media(0, 'reject', { reason: 'busy' })];

  it('accepts busy for reason busy, and reports no-answer', () => {
    const spec = (status: 'busy' | 'no-answer'): RunSpec => ({
      timeline,
      statuses: [
        ['ringing', 0],
        [status, 0],
      ],
      final: { status, duration: 0 },
    });
    expect(check(inbound, spec('busy'))).toEqual([]);
    expect(check(inbound, spec('no-answer'))).toEqual([
      'an unanswered inbound call rejected with reason busy ended no-answer, not busy',
    ]);
  });
});
