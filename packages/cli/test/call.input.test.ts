/**
 * The terminal phone's pieces as data: typed input turned into caller actions, a failed
 * answer's body cut to one line, and the words for an engine's refusal.
 */
import { bodyLine as bodySnippet } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { createInputReader, phraseSeconds } from '../src/phone/input.js';
import {
  applyOperation,
  createPhoneState,
  describeRefusal,
  listeningForKeys,
} from '../src/phone/phoneState.js';

describe('caller input', () => {
  it('turns keys into DTMF, h into a hang-up, and s…Enter into a spoken phrase', () => {
    const reader = createInputReader();
    expect(reader.feed('1a#')).toEqual([
      { kind: 'dtmf', digit: '1' },
      { kind: 'dtmf', digit: 'A' },
      { kind: 'dtmf', digit: '#' },
    ]);
    expect(reader.feed('s  I want ')).toEqual([]);
    expect(reader.typing).toBe('  I want ');
    // While a phrase is typed, digits and h are words, not keys.
    expect(reader.feed('sales 2h\u007f\r')).toEqual([{ kind: 'speak', text: 'I want sales 2' }]);
    expect(reader.typing).toBeUndefined();
    expect(reader.feed('s\n')).toEqual([{ kind: 'speak', text: '' }]);
    expect(reader.feed('sabc\u001b1')).toEqual([{ kind: 'dtmf', digit: '1' }]);
    expect(reader.feed('xh')).toEqual([{ kind: 'hangup' }]);
  });

  it('gives a phrase 0.3 s a word, at least one second', () => {
    expect(phraseSeconds('sales')).toBe(1);
    expect(phraseSeconds('I would like to talk to sales please')).toBe(2.4);
  });
});

describe('failed answers', () => {
  it('keeps the first line of text, drops HTML tags, and cuts at 120 characters', () => {
    expect(bodySnippet('Twilio Request Validation Failed.')).toBe('Twilio Request Validation Failed.');
    expect(bodySnippet('\n\nfirst line\nsecond')).toBe('first line');
    expect(
      bodySnippet(
        '<!DOCTYPE html><html><head><title>Error</title></head><body><pre>Cannot POST /voice</pre></body></html>',
      ),
    ).toBe('Cannot POST /voice');
    const long = bodySnippet('x'.repeat(300));
    expect([...long]).toHaveLength(120);
    expect(long.endsWith('…')).toBe(true);
    expect(bodySnippet('   ')).toBe('');
  });

  it('names the code, its meaning and the reason, without the URL', () => {
    expect(
      describeRefusal({
        code: 12300,
        message: 'http://127.0.0.1:3000/voice: Content-Type "application/json" is not RCML',
      }),
    ).toBe(
      `the engine refused the app's answer: 12300 invalid Content-Type: Content-Type "application/json" is not RCML`,
    );
    expect(describeRefusal({ code: 11205, message: 'http://x/voice: connect ECONNREFUSED' })).toBe(
      'the engine could not reach the app: 11205 HTTP connection failure (refused, reset, timeout): connect ECONNREFUSED',
    );
  });

  it('says the app refused the request when it answered 4xx, with the --auth-token hint for signatures', () => {
    expect(
      describeRefusal({
        code: 11200,
        message: 'HTTP 403 from http://127.0.0.1:3000/voice: Twilio Request Validation Failed.',
      }),
    ).toBe(
      'the app refused the request: HTTP 403: Twilio Request Validation Failed. (the app checks X-Twilio-Signature: give rcml call --auth-token with the auth token the app validates with)',
    );
    expect(
      describeRefusal({ code: 11200, message: 'HTTP 404 from http://x/voice: Cannot POST /voice' }),
    ).toBe('the app refused the request: HTTP 404: Cannot POST /voice');
    // A server error is still the engine's refusal to run a non-2xx answer.
    expect(describeRefusal({ code: 11200, message: 'HTTP 500 from http://x/voice: boom' })).toMatch(
      /^the engine refused the app's answer: 11200 /,
    );
  });

  it('says what a keys Gather waits for, mentioning the finish key only when it can end the input', () => {
    expect(listeningForKeys(1, '#')).toBe('Listening for 1 key');
    expect(listeningForKeys(4, '#')).toBe('Listening for 4 keys, or end sooner with #');
    expect(listeningForKeys(4, '')).toBe('Listening for 4 keys');
    expect(listeningForKeys(null, '#')).toBe('Listening for keys, end with #');
    const state = createPhoneState();
    const op = { channelId: 'c', at: 0, settled: Promise.resolve('done' as const), op: 'gather' as const };
    const timing = { charMs: 1, playMs: 1, now: () => 0 };
    applyOperation(state, { ...op, detail: { input: 'dtmf', numDigits: 1, finishOnKey: '#' } }, timing);
    expect(state.mode).toBe('Listening for 1 key');
    applyOperation(
      state,
      { ...op, detail: { input: 'dtmf speech', numDigits: null, finishOnKey: '#' } },
      timing,
    );
    expect(state.mode).toBe('Listening for keys, end with #, or speech (s, words, Enter)');
    applyOperation(state, { ...op, detail: { input: 'speech', numDigits: null, finishOnKey: '#' } }, timing);
    expect(state.mode).toBe('Listening for speech: press s, say your words, Enter');
  });

  it('says the engine ended the call, not the app, when a refusal came before the hang-up', () => {
    const state = createPhoneState();
    const told: string[] = [];
    state.onRefusalShown = (text) => told.push(text);
    const timing = { charMs: 1, playMs: 1, now: () => 0 };
    const op = { channelId: 'c', detail: {}, at: 0, settled: Promise.resolve('done' as const) };
    applyOperation(state, { ...op, op: 'hangup' }, timing);
    expect(state.transcript).toEqual(['(the app hangs up)']);
    state.refusal = { code: 12100, message: 'http://a/b: not well-formed' };
    applyOperation(state, { ...op, op: 'hangup' }, timing);
    expect(state.transcript[1]).toBe(
      "(the engine refused the app's answer: 12100 document parse failure (not well-formed): not well-formed)",
    );
    expect(told).toHaveLength(1);
  });
});
