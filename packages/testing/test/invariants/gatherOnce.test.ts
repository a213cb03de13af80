import type { Scenario, TimelineEntry } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { gatherOnce } from '../../src/invariants/gatherOnce.js';
import { fetch, media, observe, runOf } from '../runs.js';
import { outboundAllEvents } from '../scenarios.js';

const menu: Scenario = {
  ...outboundAllEvents,
  party: [
    { at: 1, do: 'answer' },
    { at: 2, do: 'dtmf', digits: '12#' },
  ],
  app: {
    'POST http://app.test/voice': { body: '<Response><Gather action="/menu"/></Response>' },
    'POST http://app.test/menu': { body: '<Response><Say>Thanks</Say></Response>' },
  },
};
const statuses = [
  ['in-progress', 1],
  ['completed', 3],
] as const;
const start = [
  fetch(1, 'http://app.test/voice', 'in-progress'),
  media(1, 'gather', { input: 'dtmf', timeout: 5 }),
];
const submit = fetch(2, 'http://app.test/menu', 'in-progress', { Digits: '12', FinishedOnKey: '#' });

const check = (timeline: readonly TimelineEntry[]) =>
  gatherOnce.check(observe(menu, runOf({ timeline, statuses }))).map((v) => v.message);

describe('gather-once', () => {
  it('accepts one submission with the keys pressed', () => {
    expect(check([...start, submit, media(2, 'say', { text: 'Thanks' }), media(3, 'hangup')])).toEqual([]);
  });

  it('reports a Gather that submits twice (its timer fired again)', () => {
    const again = fetch(7, 'http://app.test/menu', 'in-progress', { Digits: '12' });
    expect(check([...start, submit, again, media(7, 'hangup')])).toEqual([
      'fetch POST http://app.test/menu CallStatus=in-progress at t=7: a second Gather submission without a new gather',
    ]);
  });

  it('reports Digits with keys nobody pressed, or with the finishing key', () => {
    const forged = fetch(2, 'http://app.test/menu', 'in-progress', { Digits: '19#', FinishedOnKey: '#' });
    expect(check([...start, forged, media(3, 'hangup')])).toEqual([
      'fetch POST http://app.test/menu CallStatus=in-progress at t=2: Digits=19# holds keys nobody pressed (9)',
      'fetch POST http://app.test/menu CallStatus=in-progress at t=2: Digits=19# includes the finishing key #',
    ]);
  });

  it('reports more keys than numDigits', () => {
    const gather = media(1, 'gather', { input: 'dtmf', timeout: 5, numDigits: 1 });
    const submitted = fetch(2, 'http://app.test/menu', 'in-progress', { Digits: '12' });
    expect(check([start[0] as TimelineEntry, gather, submitted])).toEqual([
      'fetch POST http://app.test/menu CallStatus=in-progress at t=2: Digits=12 holds more than numDigits=1 keys',
    ]);
  });
});
