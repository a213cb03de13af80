/**
 * The Calls API over the real engine for what TwiML clients send (spec 9.2, 9.5): inline
 * `Twiml` on create and update, its refusals (400 naming `Twiml` with the document's code),
 * and parameters not implemented, accepted and listed in the `X-Rcml-Warnings` header.
 */
import type { Channel, Engine, EngineEvent, HttpRequest } from '@rcml/core';
import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WARNINGS_HEADER } from '../src/index.js';
import { startEngineApi, waitingChannel } from './engineApi.js';
import { ACCOUNT, call, callsPath, FORM, form, TOKEN } from './helpers.js';
import { loopbackHttpClient } from './twilioHttpClient.js';

/** A channel that answers at once, speaks instantly and pauses until abandoned. */
function answeringChannel(spoken: string[]): Channel {
  return waitingChannel({
    say: async (request) => {
      spoken.push(request.text);
    },
  });
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

let engine: Engine;
let url: string;
let close: () => Promise<void>;
let spoken: string[];
let fetched: HttpRequest[];
let events: EngineEvent[];

beforeEach(async () => {
  spoken = [];
  fetched = [];
  events = [];
  ({ engine, url, close } = await startEngineApi({
    capabilities: { ssml: false, speech: false, voicemailDetection: false },
    originate: () => answeringChannel(spoken),
    onRequest: (request) => fetched.push(request),
    created: (created) => created.subscribe((event) => events.push(event)),
  }));
});
afterEach(async () => {
  await engine.shutdown({ deadlineMs: 0 });
  await close();
});

const CALL = { To: '+15550001111', From: '+15550002222' };

describe('Twiml through the Calls API', () => {
  it('creates a call from an inline document and runs it on answer', async () => {
    const created = await call(url, 'POST', `${callsPath()}.json`, {
      type: FORM,
      body: form({ ...CALL, Twiml: '<Response><Say>From the API</Say><Pause length="60"/></Response>' }),
    });
    expect(created.status).toBe(201);
    expect(created.headers[WARNINGS_HEADER.toLowerCase()]).toBeUndefined();
    await settle();
    expect(spoken).toEqual(['From the API']);
    expect(fetched).toEqual([]);
  });

  it('refuses an invalid inline document with 400 naming Twiml and the document code', async () => {
    const refused = await call(url, 'POST', `${callsPath()}.json`, {
      type: FORM,
      body: form({ ...CALL, Twiml: '<Response><Dial><Gather/></Dial></Response>' }),
    });
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({
      code: 12200,
      message: expect.stringMatching(/^Twiml: /),
      status: 400,
    });
    const both = await call(url, 'POST', `${callsPath()}.json`, {
      type: FORM,
      body: form({ ...CALL, Url: 'http://app.test/voice', Twiml: '<Response/>' }),
    });
    expect(both.status).toBe(400);
    expect(both.json()).toMatchObject({ code: 20001, message: expect.stringMatching(/^Twiml: /) });
    expect(engine.list().total).toBe(0);
  });

  it('lists parameters not implemented in the warnings header, and still creates the call', async () => {
    const created = await call(url, 'POST', `${callsPath()}.json`, {
      type: FORM,
      body: form({
        ...CALL,
        Url: 'http://app.test/voice',
        TimeLimit: '30',
        AsyncAmd: 'true',
        Record: 'false',
      }),
    });
    expect(created.status).toBe(201);
    expect(created.headers[WARNINGS_HEADER.toLowerCase()]).toBe('13911 TimeLimit, 13911 AsyncAmd');
    const sid = created.json().sid as string;
    expect(events.flatMap((e) => (e.type === 'notice' && e.callSid === sid ? [e.code] : []))).toEqual([
      13911, 13911,
    ]);
    await settle();
    const changed = await call(url, 'POST', `${callsPath()}/${sid}.json`, {
      type: FORM,
      body: form({ Url: 'http://app.test/next', TimeLimit: '60' }),
    });
    expect(changed.status).toBe(200);
    expect(changed.headers[WARNINGS_HEADER.toLowerCase()]).toBe('13911 TimeLimit');
  });

  it('lists attributes not implemented of an inline document as 13910 in the warnings header', async () => {
    const created = await call(url, 'POST', `${callsPath()}.json`, {
      type: FORM,
      body: form({
        ...CALL,
        Twiml:
          '<Response><Say voice="woman" ssmlVoice="x">Hi</Say><Dial answerOnBridge="true">+15550003333</Dial></Response>',
        Trim: 'trim-silence',
      }),
    });
    expect(created.status).toBe(201);
    expect(created.headers[WARNINGS_HEADER.toLowerCase()]).toBe(
      '13911 Trim, 13910 Response/Say[1]@ssmlVoice, 13910 Response/Dial[1]@answerOnBridge',
    );
  });

  it("runs the official client's create({ twiml }) and update({ twiml })", async () => {
    const client = twilio(ACCOUNT, TOKEN, { httpClient: loopbackHttpClient(url) as never });
    const created = await client.calls.create({
      to: CALL.To,
      from: CALL.From,
      twiml: '<Response><Pause length="60"/></Response>',
    });
    await settle();
    expect(spoken).toEqual([]);
    await client
      .calls(created.sid)
      .update({ twiml: '<Response><Say>Updated</Say><Pause length="60"/></Response>' });
    await settle();
    expect(spoken).toEqual(['Updated']);
    await expect(
      client.calls(created.sid).update({ twiml: '<Response><Say>x</Response>' }),
    ).rejects.toMatchObject({
      status: 400,
      code: 12100,
    });
  });
});
