/**
 * The side log's lines for a call with dialled legs and speech: legs marked with a short
 * SID, `SpeechResult` beside `Digits`, the bridge, and speech settings only for speech.
 */
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../src/timeline/callLog.js';
import { describeOperation, formatLine, shortSid } from '../src/timeline/format.js';

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
