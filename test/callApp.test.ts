/**
 * `callApp` of @rcml/testing against a real Express application in-process (test/apps/ivr.ts:
 * `twilio`'s VoiceResponse and `twilio.webhook()` signature validation): the paced caller
 * answers each <Gather>, the requests and the ending are checked with the plain assertions
 * and with the `expect.extend` matchers, and the call comes back as a scenario that replays.
 */
import { matchScenario, runScenario } from '@rcml/replay';
import {
  type AppCall,
  type AppMatchers,
  appMatchers,
  assertEndedWith,
  assertRequested,
  assertRoutes,
  callApp,
} from '@rcml/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, runApp } from './apps/harness.js';
import { createIvrApp } from './apps/ivr.js';
import { createSpeechApp } from './apps/speech.js';

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: vitest's own declaration uses any
  interface Assertion<T = any> extends AppMatchers<T> {}
}
expect.extend(appMatchers);

const TOKEN = 'call-app-token';
let app: RunningApp;
beforeAll(async () => {
  app = await runApp(createIvrApp(TOKEN));
});
afterAll(async () => {
  await app.close();
});

describe('callApp', () => {
  it('presses 1 at the menu: the app routes to /sales, which hangs up', async () => {
    const call = await callApp(`${app.url}/voice`, { keys: ['1'], authToken: TOKEN, from: '+15550001000' });
    expect(call).toHaveRequested('/voice', { From: '+15550001000', CallStatus: 'ringing' });
    expect(call).toHaveRequested('/menu', { Digits: '1' });
    expect(call).not.toHaveRequested('/hours');
    expect(call).toHaveEndedWith('completed');
    assertRoutes(call, ['/voice', '/menu', '/sales']);
    // The greeting knows the caller; the key came 0.5 s into the menu's Gather.
    const say = call.timeline.find((e) => e.kind === 'media' && e.op === 'say');
    expect(say).toMatchObject({ at: 0, text: expect.stringMatching(/^Welcome back, Ada\./) });
    expect(assertRequested(call, '/menu').at).toBe(0.5);
    expect(call.violations).toEqual([]);
    expect(call.notices).toEqual([]);
    expect(app.seen.every((r) => r.signed && r.status === 200)).toBe(true);
  });

  it('2 then 1 at the hours, then the input is used up: the caller hangs up at the third Gather', async () => {
    const call = await callApp(`${app.url}/voice`, { keys: ['2', '1'], authToken: TOKEN });
    assertRoutes(call, ['/voice', '/menu', '/hours', '/hours', '/hours']);
    assertRequested(call, '/hours', { Digits: '1' });
    assertRequested(call, '/hours', { Digits: null });
    // The third Gather started at 1 s (0.5 + 0.5); the caller hung up 0.5 s later.
    assertEndedWith(call, 'completed', 1);
    expect(call.timeline.slice(-2)).toMatchObject([
      { kind: 'media', op: 'gather', at: 1 },
      { kind: 'media', op: 'say', at: 1 },
    ]);
  });

  it('a wrong key: "not an option" and back to the menu', async () => {
    const call = await callApp(`${app.url}/voice`, { keys: ['9', '1'], authToken: TOKEN });
    const said = call.timeline.flatMap((e) => (e.kind === 'media' && e.op === 'say' ? [e.text] : []));
    expect(said).toContain('Sorry, that is not an option.');
    expect(call).toHaveRequested('/sales');
    assertRoutes(call, ['/voice', '/menu', '/voice', '/menu', '/sales']);
  });

  it('silence after the input: the app says goodbye itself', async () => {
    const call = await callApp(`${app.url}/voice`, { keys: ['2'], afterInput: 'silence', authToken: TOKEN });
    // /hours Gather at 0.5 s: 76 characters (3.8 s) then 3 s of timeout, "Goodbye." 0.4 s.
    expect(call.timeline.filter((e) => e.kind === 'media').slice(-2)).toMatchObject([
      { op: 'say', text: 'Goodbye.', at: 7.3 },
      { op: 'hangup', at: 7.7 },
    ]);
    assertEndedWith(call, 'completed', 7);
  });

  it('params: status callbacks under the origin reach the app too', async () => {
    const call = await callApp(`${app.url}/voice`, {
      keys: ['1'],
      authToken: TOKEN,
      params: { StatusCallback: 'http://app.test/status', StatusCallbackEvent: 'answered completed' },
    });
    expect(call).toHaveRequested('/status', { CallStatus: 'in-progress' });
    expect(call).toHaveRequested('/status', { CallStatus: 'completed' });
    expect(call.requests.filter((r) => r.kind === 'callback')).toHaveLength(2);
  });

  it('the plain assertions fail with what the application received', async () => {
    const call: AppCall = await callApp(`${app.url}/voice`, { keys: ['9'], authToken: TOKEN });
    expect(() => assertRequested(call, '/sales')).toThrow(
      /expected the call to request \/sales; the application received:\n {2}0\.00s POST \/voice .*\n {2}0\.50s POST \/menu .*Digits=9/,
    );
    expect(() => assertEndedWith(call, 'busy')).toThrow(
      /expected the call to end busy, but it ended completed/,
    );
    expect(() => expect(call).toHaveRequested('/menu', { Digits: '1' })).toThrow(/to request \/menu with/);
  });

  it('returns the call as a scenario that replays live to the same timeline', async () => {
    const call = await callApp(`${app.url}/voice`, { keys: ['2', '1'], authToken: TOKEN });
    expect(call.scenario.party).toEqual([
      { at: 0.5, do: 'dtmf', digits: '2' },
      { at: 1, do: 'dtmf', digits: '1' },
      { at: 1.5, do: 'hangup' },
    ]);
    const again = await runScenario(call.scenario, { app: { url: app.url, authToken: TOKEN } });
    expect(matchScenario(call.scenario, again).ok).toBe(true);
    expect(again.outcome).toEqual(call.result.outcome);
  });

  it('speech: the phrase reaches the speech Gather as SpeechResult', async () => {
    const speech = await runApp(createSpeechApp(TOKEN));
    try {
      const call = await callApp(`${speech.url}/voice`, { speech: ['support please'], authToken: TOKEN });
      expect(call).toHaveRequested('/speech-result', { SpeechResult: 'support please' });
      expect(call).toHaveRequested('/support');
      expect(call).toHaveEndedWith('completed');
    } finally {
      await speech.close();
    }
  });

  it('refuses a URL that is not http(s)', async () => {
    await expect(callApp('ftp://x/voice')).rejects.toThrow(
      /callApp: "ftp:\/\/x\/voice" must be an http or https URL/,
    );
  });
});
