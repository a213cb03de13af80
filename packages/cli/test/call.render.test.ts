/**
 * The terminal phone's screen as data: speech appears character by character, plays show a
 * progress bar, and narrow terminals put the log under the phone.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { createPhoneState, spokenSoFar } from '../src/phone/phoneState.js';
import { renderFrame, wrap } from '../src/phone/render.js';

describe('the terminal phone screen', () => {
  it('reveals a Say one character per charMs, once per loop', () => {
    const say = { kind: 'say' as const, text: 'Hello', startedAt: 1000, charMs: 50, loop: 2 };
    expect(spokenSoFar(say, 1000)).toBe('');
    expect(spokenSoFar(say, 1100)).toBe('He');
    expect(spokenSoFar(say, 1249)).toBe('Hell');
    expect(spokenSoFar(say, 1250)).toBe('Hello');
    expect(spokenSoFar(say, 1300)).toBe('H'); // the second loop starts over
    expect(spokenSoFar(say, 1400)).toBe('Hel');
    expect(spokenSoFar(say, 9000)).toBe('Hello');
  });

  it('wraps words to the width and cuts words longer than a line', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('draws the phone beside the log on a wide terminal, with a play progress bar', () => {
    const state = createPhoneState();
    state.status = 'in-progress';
    state.answeredAt = 0;
    state.transcript.push('“Welcome.”');
    state.activity = { kind: 'play', url: 'http://media.test/a.mp3', startedAt: 0, durationMs: 2000 };
    state.keys.push('1');
    state.log.push('0.10s fetch POST /voice');
    const frame = renderFrame(state, 'http://app.test/voice', 1000, 120, 20).split('\n');
    expect(frame).toHaveLength(20);
    expect(frame[0]).toContain('in-progress');
    expect(frame[0]).toContain('00:01');
    expect(frame[1]).toMatch(/^PHONE\s+│ LOG/);
    expect(frame.join('\n')).toContain('♪ Playing http://media.test/a.mp3');
    expect(frame.join('\n')).toMatch(/\[#+-+\] 50%/);
    expect(frame.join('\n')).toContain('Keys pressed: 1');
    expect(frame[2]).toContain('│ 0.10s fetch POST /voice');
  });

  it('stacks the log under the phone on a narrow terminal', () => {
    const state = createPhoneState();
    state.log.push('0.01s status ringing');
    const frame = renderFrame(state, 'http://app.test/voice', 0, 60, 20).split('\n');
    const phone = frame.findIndex((l) => l.startsWith('PHONE'));
    const log = frame.findIndex((l) => l.startsWith('LOG'));
    expect(phone).toBe(1);
    expect(log).toBeGreaterThan(phone);
    expect(frame[log + 1]).toContain('0.01s status ringing');
    expect(frame.every((l) => [...l].length <= 60)).toBe(true);
  });
});

describe('rcml call usage', () => {
  it('needs an absolute http(s) URL and valid options, else exits 2 naming the problem', async () => {
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, cwd: '.' };
    expect(await main(['call'], io)).toBe(2);
    expect(stderr).toContain('URL is missing');
    expect(await main(['call', 'ftp://x/voice'], io)).toBe(2);
    expect(stderr).toContain('http or https');
    expect(await main(['call', 'http://127.0.0.1:1/v', '--method', 'PUT'], io)).toBe(2);
    expect(stderr).toContain('--method');
    expect(await main(['call', 'http://127.0.0.1:1/v', '--say-char-seconds', '-1'], io)).toBe(2);
    expect(stderr).toContain('--say-char-seconds');
  });
});
