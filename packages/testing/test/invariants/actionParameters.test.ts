import type { Scenario, TimelineEntry } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { actionParameters } from '../../src/invariants/actionParameters.js';
import { fetch, media, observe, runOf, SID } from '../runs.js';
import { outboundAllEvents } from '../scenarios.js';

const RE = 'RE00000000000000000000000000000001';
const LEG = 'CA00000000000000000000000000000002';
const scenario: Scenario = {
  ...outboundAllEvents,
  party: [
    { at: 1, do: 'answer' },
    { at: 2, do: 'speak', for: 2 },
    { at: 5, do: 'dtmf', digits: '#' },
  ],
};
const statuses = [
  ['in-progress', 1],
  ['completed', 9],
] as const;
const recordOp = media(1, 'record', {
  maxLength: 10,
  timeout: 5,
  finishOnKey: '#',
  playBeep: true,
  trim: 'trim-silence',
});
const recordingReady: TimelineEntry = {
  kind: 'callback',
  at: 5,
  method: 'POST',
  url: 'http://app.test/recording-status',
  params: { CallSid: SID, RecordingSid: RE, RecordingStatus: 'completed' },
};
const recordAction = (extra: Record<string, string>) =>
  fetch(5, 'http://app.test/done', 'in-progress', {
    RecordingSid: RE,
    RecordingUrl: `http://recordings.test/${RE}`,
    RecordingDuration: '4',
    Digits: '#',
    ...extra,
  });
const dialOp = media(1, 'dial', {
  targets: [{ type: 'number', to: '+15550004444' }],
  timeout: 30,
  timeLimit: 20,
});
const dialAction = (extra: Record<string, string>) =>
  fetch(9, 'http://app.test/done', 'in-progress', {
    DialCallStatus: 'completed',
    DialCallSid: LEG,
    DialCallDuration: '7',
    ...extra,
  });

const check = (timeline: readonly TimelineEntry[]) =>
  actionParameters.check(observe(scenario, runOf({ timeline, statuses }))).map((v) => v.message);
const start = fetch(1, 'http://app.test/voice', 'in-progress');

describe('action-parameters', () => {
  it('accepts consistent Record and Dial actions', () => {
    expect(check([start, recordOp, recordingReady, recordAction({})])).toEqual([]);
    expect(check([start, dialOp, dialAction({})])).toEqual([]);
  });

  it('reports a Record action with a wrong URL, a duration over maxLength, and a late notification', () => {
    const bad = recordAction({ RecordingUrl: 'http://elsewhere/x', RecordingDuration: '11' });
    expect(check([start, recordOp, bad, recordingReady])).toEqual([
      `fetch POST http://app.test/done CallStatus=in-progress at t=5: RecordingUrl=http://elsewhere/x, expected http://recordings.test/${RE}`,
      'fetch POST http://app.test/done CallStatus=in-progress at t=5: RecordingDuration=11 over maxLength 10',
      `fetch POST http://app.test/done CallStatus=in-progress at t=5: the recording status notification for ${RE} came after the action`,
    ]);
  });

  it('reports a Record action whose Digits is not a finishing key', () => {
    const noStar = media(1, 'record', {
      maxLength: 10,
      timeout: 5,
      finishOnKey: '#',
      playBeep: true,
      trim: 'trim-silence',
    });
    expect(check([start, noStar, recordingReady, recordAction({ Digits: '*' })])).toEqual([
      'fetch POST http://app.test/done CallStatus=in-progress at t=5: Digits=* is not one of the finishOnKey keys "#"',
    ]);
  });

  it('reports a Dial action with an unknown status, the call itself as leg, or a duration without an answer', () => {
    expect(check([start, dialOp, dialAction({ DialCallStatus: 'answered', DialCallSid: SID })])).toEqual([
      'fetch POST http://app.test/done CallStatus=in-progress at t=9: DialCallStatus=answered is not a dial status',
      `fetch POST http://app.test/done CallStatus=in-progress at t=9: DialCallSid=${SID} is not a leg of the call`,
      'fetch POST http://app.test/done CallStatus=in-progress at t=9: DialCallDuration=7 but DialCallStatus=answered',
    ]);
    expect(check([start, dialOp, dialAction({ DialCallDuration: '25' })])).toEqual([
      'fetch POST http://app.test/done CallStatus=in-progress at t=9: DialCallDuration=25 over timeLimit 20',
    ]);
  });

  it('reports more than 100 document fetches within a minute', () => {
    const loop = Array.from({ length: 101 }, (_, i) =>
      fetch(1 + i * 0.1, 'http://app.test/voice', 'in-progress'),
    );
    expect(check(loop)).toEqual(['more than 100 document fetches within one minute (fetch #101 at t=11)']);
  });
});
