/**
 * What the call gives its verbs (call/sessionScope.ts), seen from the engine: the notices a verb
 * reports, the messaging port behind `<Sms>`, answering an inbound call once.
 */
import type { EngineEvent } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { inbound, lines, outbound, paramsOf, runWorld } from '../engine/harness.js';

const notices = (events: readonly EngineEvent[]) =>
  events.flatMap((e) => (e.type === 'notice' ? [{ code: e.code, level: e.level, message: e.message }] : []));

const SMS = '<Response><Sms action="/sms">Your code is 42</Sms></Response>';
const SMS_ACTION = { 'POST http://app.test/sms': { body: '<Response/>' } };

describe('what a call gives its verbs', () => {
  it('Sms without a messaging port: a warning (14104) says the message is reported failed', async () => {
    const run = await runWorld(inbound(SMS, { app: SMS_ACTION }));
    expect(notices(run.events)).toEqual([
      {
        code: 14104,
        level: 'warning',
        message: 'Sms: no messaging port is configured; the message is reported failed',
      },
    ]);
    expect(paramsOf(run, 'fetch', 1).SmsStatus).toBe('failed');
  });

  it('Sms through a messaging port that fails: an error (14104) with its reason, the message reported failed', async () => {
    const run = await runWorld(inbound(SMS, { app: SMS_ACTION }), {
      messaging: { send: () => Promise.reject(new Error('carrier down')) },
    });
    expect(notices(run.events)).toEqual([
      { code: 14104, level: 'error', message: 'Sms: the messaging port failed: Error: carrier down' },
    ]);
    expect(paramsOf(run, 'fetch', 1).SmsStatus).toBe('failed');
    expect(run.final?.status).toBe('completed');
  });

  it("a verb's notice is an error unless the verb says otherwise", async () => {
    const run = await runWorld(
      inbound('<Response><Play>http://m.test/missing.mp3</Play></Response>', {
        media: { failUrls: ['http://m.test/missing.mp3'] },
      }),
    );
    expect(notices(run.events)).toEqual([
      {
        code: 13227,
        level: 'error',
        message: 'Play: media URL http://m.test/missing.mp3 could not be fetched',
      },
    ]);
  });

  it('an inbound call is answered once, by its first verb that needs it', async () => {
    const run = await runWorld(inbound('<Response><Say>Hi</Say><Sms>x</Sms><Pause length="1"/></Response>'));
    expect(lines(run.timeline).filter((l) => l.endsWith(' answer'))).toEqual(['0 answer']);
  });

  it('an outbound call, picked up before its first verb, is never answered again', async () => {
    const run = await runWorld(outbound('<Response><Say>Hi</Say><Sms>x</Sms></Response>'));
    expect(lines(run.timeline).filter((l) => l.endsWith(' answer'))).toEqual([]);
  });
});
