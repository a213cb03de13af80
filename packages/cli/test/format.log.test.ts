/**
 * The side log's lines for a call with dialled legs and speech: legs marked with a short
 * SID, `SpeechResult` beside `Digits`, the bridge, and speech settings only for speech.
 */

import { createSimulatedClock } from '@rcml/core';
import { createSimulatedDriver } from '@rcml/driver';
import { describe, expect, it } from 'vitest';
import { createCallLog, type LogEntry } from '../src/timeline/callLog.js';
import { describeOperation, formatLine, shortSid } from '../src/timeline/format.js';
import { observeDriver } from '../src/timeline/observe.js';

const MAIN = 'CA0123456789abcdef0123456789ab0001';
const LEG = 'CA0123456789abcdef0123456789ab0002';
const line = (entry: LogEntry) => formatLine(entry, { t0: 0, mainCall: MAIN });

describe('the side log', () => {
  it('shortens SIDs to their prefix and last four characters', () => {
    expect(shortSid(LEG)).toBe('CA…0002');
    expect(shortSid('CA12')).toBe('CA12');
  });

  it("marks a dialled leg's status, events and fetches with its short SID; the call's own lines are plain", () => {
    expect(line({ kind: 'status', at: 1000, callSid: LEG, status: 'in-progress' })).toBe(
      '   1.00s  leg       in-progress  (leg CA…0002)',
    );
    expect(line({ kind: 'status', at: 1000, callSid: MAIN, status: 'in-progress' })).toBe(
      '   1.00s  status    in-progress',
    );
    expect(
      line({ kind: 'event', at: 0, callSid: LEG, event: 'answered', params: { CallStatus: 'in-progress' } }),
    ).toBe('   0.00s  event     answered  CallStatus=in-progress  (leg CA…0002)');
    const fetch = (callSid: string, params: Record<string, string>): LogEntry => ({
      kind: 'request',
      at: 0,
      callSid,
      requestKind: 'fetch',
      method: 'POST',
      url: 'http://app.test/screen',
      params,
    });
    expect(line(fetch(LEG, { CallStatus: 'in-progress' }))).toBe(
      '   0.00s  fetch     POST /screen  CallStatus=in-progress  (leg CA…0002)',
    );
    expect(line(fetch(MAIN, { CallStatus: 'in-progress' }))).toBe(
      '   0.00s  fetch     POST /screen  CallStatus=in-progress',
    );
  });

  it('shows SpeechResult and Confidence on a fetch, like Digits', () => {
    const entry: LogEntry = {
      kind: 'request',
      at: 0,
      callSid: MAIN,
      requestKind: 'fetch',
      method: 'POST',
      url: 'http://app.test/heard',
      params: { CallStatus: 'in-progress', SpeechResult: 'I want sales', Confidence: '0.9' },
    };
    expect(line(entry)).toBe(
      '   0.00s  fetch     POST /heard  CallStatus=in-progress SpeechResult="I want sales" Confidence=0.9',
    );
  });

  it('describes the bridge, and a speech Gather by what it listens for', () => {
    expect(describeOperation('bridge', { to: '+15550100200', callSid: LEG, index: 0 })).toBe(
      'connected with +15550100200 (leg CA…0002)',
    );
    expect(describeOperation('gather', { input: 'speech', timeout: 5, language: 'fr-FR' })).toBe(
      'listens for speech (timeout=5s speechTimeout=auto language=fr-FR)',
    );
  });
});

// Found running TwilioDevEd/warm-transfer-node under `rcml serve`: with three calls in one
// room, the log's `dial`, `bridge` and `hangup` lines had an empty call column.
describe("rcml serve's log of several calls", () => {
  it('names the call of an operation on an outbound (originated) channel', async () => {
    const clock = createSimulatedClock();
    const log = createCallLog(clock);
    const driver = observeDriver(createSimulatedDriver({ clock }), clock, log.onOperation);
    const channel = driver.originate({
      callSid: MAIN,
      to: '+15550001111',
      from: '+15550002222',
      timeout: 30,
      detectVoicemail: false,
    });
    await channel.hangup();
    const lines = log.entries.map((e) => formatLine(e, { t0: clock.now(), showCall: true }));
    expect(lines).toEqual(['   0.00s  ab0001  hangup    ']);
  });
});

// Found driving queue and conference documents (api-snippets) under rcml call/serve: the
// <Enqueue action>'s QueueResult, a wait document's QueuePosition and a conference callback's
// StatusCallbackEvent did not show.
describe('contact-centre requests in the log', () => {
  it('show QueueResult, QueuePosition and a conference callback StatusCallbackEvent', () => {
    const request = (
      requestKind: 'fetch' | 'callback',
      url: string,
      params: Record<string, string>,
    ): LogEntry => ({
      kind: 'request',
      at: 0,
      callSid: MAIN,
      requestKind,
      method: 'POST',
      url,
      params,
    });
    expect(
      line(
        request('fetch', 'http://app.test/wait', {
          CallStatus: 'in-progress',
          QueuePosition: '2',
          QueueSid: 'QU1',
        }),
      ),
    ).toBe('   0.00s  fetch     POST /wait  CallStatus=in-progress QueuePosition=2');
    expect(
      line(request('fetch', 'http://app.test/left', { CallStatus: 'in-progress', QueueResult: 'leave' })),
    ).toBe('   0.00s  fetch     POST /left  CallStatus=in-progress QueueResult=leave');
    expect(
      line(
        request('callback', 'http://app.test/events', {
          StatusCallbackEvent: 'participant-join',
          Muted: 'false',
        }),
      ),
    ).toBe('   0.00s  callback  POST /events  StatusCallbackEvent=participant-join');
  });
});
