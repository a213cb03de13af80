/**
 * `<Gather>` as the media driver sees it (spec 4.4): the request it gets (language, hints,
 * speechTimeout), the signal that tells its recogniser to stop, interim results sent to
 * `partialResultCallback`, and warning 13335 from a driver without a recogniser. Through
 * `createEngine` with a channel whose events the test fires.
 */
import {
  type ChannelHandler,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type EngineEvent,
  type GatherRequest,
  type HttpPort,
  type HttpRequest,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

function world(body: string, options: { speech?: boolean; sayFails?: boolean } = {}) {
  const clock = createSimulatedClock(0);
  const requests: HttpRequest[] = [];
  const http: HttpPort = {
    send: async (request) => {
      requests.push(request);
      const text = request.url === 'http://app.test/voice' ? body : '<Response/>';
      return { status: 200, contentType: 'text/xml', location: null, body: text };
    },
  };
  let handler: ChannelHandler | undefined;
  const ops: string[] = [];
  const gathers: { request: GatherRequest; signal: AbortSignal }[] = [];
  const channel = stubChannel({
    listen(h) {
      handler = h;
    },
    gather: async (request, signal) => {
      ops.push('gather');
      gathers.push({ request, signal });
    },
    say: async () => {
      ops.push('say');
      if (options.sayFails) throw new Error('speaker on fire');
    },
    pause: (request, signal) => {
      ops.push('pause');
      // Lasts its length on the clock, or until abandoned.
      return new Promise<void>((resolve) => {
        const timer = clock.setTimeout(() => resolve(), request.length * 1000);
        signal.addEventListener('abort', () => {
          clock.clearTimeout(timer);
          resolve();
        });
      });
    },
    hangup: async () => {
      ops.push('hangup');
    },
  });
  const engine = createEngine({
    driver: {
      capabilities: { ssml: false, speech: options.speech ?? true, voicemailDetection: false },
      originate: () => stubChannel(),
    },
    http,
    clock,
    ids: createSequentialIds(),
  });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  engine.inbound({ From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice' }, channel);
  const notices = () =>
    events.flatMap((e) => (e.type === 'notice' ? [{ code: e.code, message: e.message }] : []));
  const levels = () => events.flatMap((e) => (e.type === 'notice' ? [e.level] : []));
  const party = () => {
    if (handler === undefined) throw new Error('the engine is not listening');
    return handler;
  };
  /** Fire timers up to `ms` of simulated time, letting the engine run between them. */
  const advanceTo = async (ms: number) => {
    await flush();
    for (let due = clock.nextDue(); due !== undefined && due <= ms; due = clock.nextDue()) {
      clock.fireNext();
      await flush();
    }
  };
  return { clock, requests, ops, gathers, notices, levels, party, advanceTo };
}

describe('the gather request', () => {
  it('carries the language, the hints and the speechTimeout of the document', async () => {
    const w = world(
      '<Response><Gather input="speech" language="fr-FR" hints="ventes, support ,, facturation" speechTimeout="3" timeout="7"/></Response>',
    );
    await w.advanceTo(0);
    expect(w.gathers[0]!.request).toEqual({
      input: 'speech',
      timeout: 7,
      finishOnKey: '#',
      numDigits: null,
      language: 'fr-FR',
      hints: ['ventes', 'support', 'facturation'],
      speechTimeout: 3,
    });
    expect(w.notices()).toEqual([]);
  });

  it('defaults: en-US, no hints, the timeout as speechTimeout', async () => {
    const w = world('<Response><Gather input="dtmf speech" timeout="4"/></Response>');
    await w.advanceTo(0);
    expect(w.gathers[0]!.request).toMatchObject({ language: 'en-US', hints: [], speechTimeout: 4 });
  });

  it('tells the recogniser to stop once input is over, however it ended', async () => {
    const w = world(
      '<Response><Gather input="dtmf speech" action="/g" numDigits="1"/><Pause length="30"/></Response>',
    );
    await w.advanceTo(0);
    const { signal } = w.gathers[0]!;
    expect(signal.aborted).toBe(false);
    w.party().dtmf('5');
    await flush();
    expect(signal.aborted).toBe(true);
  });
});

describe('partialResultCallback', () => {
  it('sends each interim result with its sequence number, to the resolved URL with its method', async () => {
    const w = world(
      '<Response><Gather input="speech" action="/g" partialResultCallback="/partial" partialResultCallbackMethod="GET"/></Response>',
    );
    await w.advanceTo(0);
    w.party().voice(true);
    w.party().partialSpeech?.({ unstable: 'hel', stable: '' });
    w.party().partialSpeech?.({ unstable: 'lo', stable: 'hel' });
    await flush();
    const partial = w.requests.filter((r) => r.url === 'http://app.test/partial');
    expect(
      partial.map((r) => [
        r.method,
        r.kind,
        r.params.SequenceNumber,
        r.params.StableSpeechResult,
        r.params.UnstableSpeechResult,
      ]),
    ).toEqual([
      ['GET', 'callback', '0', '', 'hel'],
      ['GET', 'callback', '1', 'hel', 'lo'],
    ]);
    expect(partial[0]!.params).toMatchObject({ CallSid: expect.any(String), From: '+15550001111' });
    expect(w.notices()).toEqual([]);
  });

  it('POST by default, and nothing once the Gather ended', async () => {
    const w = world(
      '<Response><Gather input="speech" action="/g" speechTimeout="auto" partialResultCallback="http://cb.test/p"/><Pause length="30"/></Response>',
    );
    await w.advanceTo(0);
    w.party().voice(true);
    w.party().partialSpeech?.({ unstable: 'a', stable: '' });
    w.party().speech({ transcript: 'a', confidence: 0.8 });
    await flush();
    w.party().partialSpeech?.({ unstable: 'b', stable: 'a' });
    await flush();
    const partial = w.requests.filter((r) => r.url === 'http://cb.test/p');
    expect(partial.map((r) => r.method)).toEqual(['POST']);
  });

  it('sends nothing after the Gather ended, even while prompts without bargeIn still play', async () => {
    const w = world(
      '<Response><Gather input="speech" action="/g" speechTimeout="auto" bargeIn="false" partialResultCallback="/p"><Pause length="5"/></Gather></Response>',
    );
    await w.advanceTo(0);
    w.party().voice(true);
    w.party().partialSpeech?.({ unstable: 'a', stable: '' });
    w.party().speech({ transcript: 'a', confidence: 0.8 });
    await w.advanceTo(1000);
    w.party().partialSpeech?.({ unstable: 'b', stable: 'a' });
    await w.advanceTo(60_000);
    expect(
      w.requests.filter((r) => r.url === 'http://app.test/p').map((r) => r.params.SequenceNumber),
    ).toEqual(['0']);
    expect(w.requests.find((r) => r.url === 'http://app.test/g')?.params).toMatchObject({
      SpeechResult: 'a',
    });
  });

  it('is not used for a keys-only Gather', async () => {
    const w = world('<Response><Gather action="/g" partialResultCallback="http://cb.test/p"/></Response>');
    await w.advanceTo(0);
    w.party().partialSpeech?.({ unstable: 'a', stable: '' });
    await flush();
    expect(w.requests.filter((r) => r.url === 'http://cb.test/p')).toEqual([]);
    expect(w.notices()).toEqual([]);
  });

  it('a URL that is not http(s) is reported (13301) and never requested', async () => {
    const w = world(
      '<Response><Gather input="speech" action="/g" partialResultCallback="ftp://cb.test/p"/></Response>',
    );
    await w.advanceTo(0);
    w.party().partialSpeech?.({ unstable: 'a', stable: '' });
    await flush();
    expect(w.requests.filter((r) => r.url.startsWith('ftp:'))).toEqual([]);
    expect(w.notices()).toEqual([
      { code: 13301, message: 'Gather: partialResultCallback "ftp://cb.test/p" is not http(s)' },
    ]);
    expect(w.levels()).toEqual(['warning']);
  });
});

describe('a driver without a recogniser (13335)', () => {
  it('input="dtmf speech": warns once and collects keys only', async () => {
    const w = world('<Response><Gather input="dtmf speech" action="/g" numDigits="1"/></Response>', {
      speech: false,
    });
    await w.advanceTo(0);
    w.party().voice(true);
    w.party().speech({ transcript: 'sales', confidence: 0.9 });
    w.party().dtmf('3');
    await w.advanceTo(60_000);
    expect(w.notices()).toEqual([
      {
        code: 13335,
        message:
          'Gather: speech input is not available (the media driver has no recogniser); only keys are collected',
      },
    ]);
    expect(w.levels()).toEqual(['warning']);
    const action = w.requests.find((r) => r.url === 'http://app.test/g');
    expect(action?.params).toMatchObject({ Digits: '3' });
    expect(action?.params).not.toHaveProperty('SpeechResult');
  });

  it('input="speech": warns that the Gather gets no input, and it times out', async () => {
    const w = world(
      '<Response><Gather input="speech" action="/g" timeout="2" actionOnEmptyResult="true"/></Response>',
      { speech: false },
    );
    await w.advanceTo(0);
    w.party().speech({ transcript: 'sales', confidence: 0.9 });
    await w.advanceTo(60_000);
    expect(w.notices().map((n) => n.message)).toEqual([
      'Gather: speech input is not available (the media driver has no recogniser); the Gather gets no input',
    ]);
    const action = w.requests.find((r) => r.url === 'http://app.test/g');
    expect(action?.params).toMatchObject({ Digits: '' });
  });

  it('a keys-only Gather does not warn', async () => {
    const w = world('<Response><Gather timeout="1"/></Response>', { speech: false });
    await w.advanceTo(60_000);
    expect(w.notices()).toEqual([]);
  });
});

describe('a prompt the driver fails to play', () => {
  it('reports 14103 and gives the Gather up: no further prompt, no action, the next verb runs', async () => {
    const w = world(
      '<Response><Gather action="/g" timeout="2" actionOnEmptyResult="true"><Say>Hi</Say><Pause length="1"/></Gather><Hangup/></Response>',
      { sayFails: true },
    );
    await w.advanceTo(60_000);
    expect(w.ops).toEqual(['gather', 'say', 'hangup']);
    expect(w.notices()).toEqual([
      { code: 14103, message: 'Gather: the media driver failed: speaker on fire' },
    ]);
    expect(w.requests.map((r) => r.url)).toEqual(['http://app.test/voice']);
  });
});
