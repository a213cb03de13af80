import type { EngineEvent } from '@rcml/core';
import type { Scenario, TimelineEntry } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { requestParameters } from '../../src/invariants/requestParameters.js';
import { base, fetch, media, observe, progress, runOf, SID } from '../runs.js';
import { outboundAllEvents } from '../scenarios.js';

const EPOCH = Date.parse('2026-01-01T00:00:00Z');
const stamp = (second: number) => `Thu, 01 Jan 2026 00:00:0${second} +0000`;
const statuses = [
  ['initiated', 0],
  ['ringing', 1],
  ['in-progress', 4],
  ['completed', 6],
] as const;
const progressEvents: EngineEvent[] = [
  ['initiated', 0, 0],
  ['ringing', 1, 1],
  ['answered', 4, 2],
  ['completed', 6, 3],
].map(([event, at, seq]) => ({
  type: 'progress',
  callSid: SID,
  event: event as 'initiated',
  params: { SequenceNumber: String(seq) },
  at: EPOCH + Number(at) * 1000,
}));

const good: TimelineEntry[] = [
  progress(0, 'initiated', 0, { Timestamp: stamp(0) }),
  progress(1, 'ringing', 1, { Timestamp: stamp(1) }),
  progress(4, 'in-progress', 2, { Timestamp: stamp(4) }),
  fetch(4, 'http://app.test/voice', 'in-progress'),
  media(4, 'say', { text: 'hi' }),
  media(6, 'hangup'),
  progress(6, 'completed', 3, { Timestamp: stamp(6), CallDuration: '2' }),
];

const check = (timeline: readonly TimelineEntry[]) =>
  requestParameters
    .check(observe(outboundAllEvents, runOf({ timeline, statuses, extraEvents: progressEvents })))
    .map((v) => v.message);

describe('request-parameters', () => {
  it('accepts requests with every parameter and the right status and Timestamp', () => {
    expect(check(good)).toEqual([]);
  });

  it('reports a missing parameter and the text "null"', () => {
    const { Direction: _gone, ...params } = base('in-progress', { ParentCallSid: 'null' });
    const bad: TimelineEntry = { kind: 'fetch', at: 4, method: 'POST', url: 'http://app.test/voice', params };
    expect(check([...good.slice(0, 3), bad, ...good.slice(4)])).toEqual([
      'fetch POST http://app.test/voice CallStatus=in-progress at t=4: ParentCallSid is the text "null"',
      'fetch POST http://app.test/voice CallStatus=in-progress at t=4: missing Direction',
    ]);
  });

  it('reports a CallStatus that is not the status of the call at that moment', () => {
    const stale = fetch(4, 'http://app.test/voice', 'ringing');
    expect(check([...good.slice(0, 3), stale, ...good.slice(4)])).toEqual([
      'fetch POST http://app.test/voice CallStatus=ringing at t=4: CallStatus=ringing while the call was in-progress',
    ]);
  });

  it('reports a Timestamp that is not when the event happened', () => {
    const late = progress(1, 'ringing', 1, { Timestamp: stamp(2) });
    expect(check([good[0] as TimelineEntry, late, ...good.slice(2)])).toEqual([
      `callback POST http://app.test/status CallStatus=ringing at t=1: Timestamp=${stamp(2)}, expected ${stamp(1)}`,
    ]);
  });
});

describe('request-parameters: voicemail detection', () => {
  const detecting: Scenario = {
    ...outboundAllEvents,
    call: { ...outboundAllEvents.call, DetectVoicemail: 'true' },
    party: [{ at: 4, do: 'answer', by: 'machine' }],
  };
  const run = (extra: Record<string, string>) =>
    runOf({ timeline: [fetch(4, 'http://app.test/voice', 'in-progress', extra)], statuses });

  it('accepts the Url request carrying what detection found', () => {
    const found = { AnsweredBy: 'machine', VoicemailDetector: 'voicemail' };
    expect(requestParameters.check(observe(detecting, run(found)))).toEqual([]);
  });

  it('reports a request without it', () => {
    expect(requestParameters.check(observe(detecting, run({}))).map((v) => v.message)).toEqual([
      'fetch POST http://app.test/voice CallStatus=in-progress at t=4: AnsweredBy=undefined, voicemail detection found machine',
    ]);
  });
});

describe('request-parameters: a GET Url keeps its own query', () => {
  const withQuery: Scenario = {
    ...outboundAllEvents,
    call: { ...outboundAllEvents.call, Url: 'http://app.test/voice?lang=en', Method: 'GET' },
  };
  const run = (extra: Record<string, string>) => {
    const entry: TimelineEntry = {
      kind: 'fetch',
      at: 4,
      method: 'GET',
      url: 'http://app.test/voice',
      params: base('in-progress', extra),
    };
    return runOf({ timeline: [entry], statuses });
  };

  it('accepts the query parameter among the request parameters', () => {
    expect(requestParameters.check(observe(withQuery, run({ lang: 'en' })))).toEqual([]);
  });

  it('reports a query parameter that was dropped', () => {
    expect(requestParameters.check(observe(withQuery, run({}))).map((v) => v.message)).toEqual([
      "fetch GET http://app.test/voice CallStatus=in-progress at t=4: the Url's own query lang=en was not kept",
    ]);
  });
});
