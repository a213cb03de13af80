/**
 * `<Gather>` in a call saved with `engine.persist` and restored in another engine with
 * `engine.restore`: only a keys-only Gather that waits for input (its prompts over) resumes
 * (the keys so far, the same deadline); saved during its prompts, or restored where it hears
 * speech, it starts again. (test/persistence.test.ts checks one handover against a call that
 * never stopped.)
 */
import {
  type ChannelHandler,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type Engine,
  type EngineMachine,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const EPOCH = Date.UTC(2026, 0, 1);
const INBOUND = { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice' };

/**
 * An inbound call answered by `body`, on a channel whose `Say` lasts a second per word. The
 * log has, with their times in seconds: `listen <input>` (the driver asked to collect input),
 * `say <text>`, each request to the action (`/g`, with its Digits), `hangup`.
 */
function gatherCall(body: string) {
  const clock = createSimulatedClock(EPOCH);
  const log: string[] = [];
  const t = () => (clock.now() - EPOCH) / 1000;
  let handler: ChannelHandler | undefined;
  const channel = stubChannel({
    listen: (h) => {
      handler = h;
    },
    say: (request, signal) =>
      new Promise<void>((resolve) => {
        log.push(`${t()} say ${request.text}`);
        const timer = clock.setTimeout(() => resolve(), request.text.split(' ').length * 1000);
        signal.addEventListener('abort', () => {
          clock.clearTimeout(timer);
          resolve();
        });
      }),
    gather: async (request) => {
      log.push(`${t()} listen ${request.input}`);
    },
    hangup: async () => {
      log.push(`${t()} hangup`);
    },
  });
  const documents: Record<string, string> = {
    'http://app.test/voice': body,
    'http://app.test/g': '<Response><Hangup/></Response>',
  };
  const engineWith = (speech: boolean): Engine & EngineMachine =>
    createEngine({
      driver: { capabilities: { ssml: false, speech, voicemailDetection: false }, originate: () => channel },
      http: {
        send: async (request) => {
          if (request.url !== INBOUND.Url) log.push(`${t()} ${request.url} Digits=${request.params.Digits}`);
          return { status: 200, contentType: 'text/xml', location: null, body: documents[request.url] ?? '' };
        },
      },
      clock,
      ids: createSequentialIds(),
    });
  let engine = engineWith(false);
  const { sid } = engine.inbound(INBOUND, channel);
  /** Do `fn` at `seconds` after the call started (after the engine's own timers of that instant). */
  const at = (seconds: number, fn: () => void) => clock.schedule(EPOCH + seconds * 1000, fn, 1);
  return {
    log,
    /** The caller presses `digits` at `seconds`. */
    press: (seconds: number, digits: string) =>
      at(seconds, () => {
        for (const digit of digits) handler!.dtmf(digit);
      }),
    /**
     * At `seconds`, save the call (releasing it) and restore it in a new engine, whose driver
     * can recognise speech or not.
     */
    handOver: (seconds: number, speech = false) =>
      at(seconds, () => {
        const saved = JSON.parse(JSON.stringify(engine.persist(sid, { release: true })));
        engine = engineWith(speech);
        engine.restore(saved, channel);
      }),
    /** Run the call to its end. */
    run: async () => {
      await flush();
      while (clock.fireNext()) await flush();
    },
  };
}

describe('<Gather> in a saved and restored call', () => {
  it('saved during its prompts (after a key), a keys-only Gather starts again from its prompts', async () => {
    const c = gatherCall(
      '<Response><Gather action="/g" numDigits="3" timeout="5" bargeIn="false"><Say>one two three four</Say></Gather></Response>',
    );
    c.press(1, '1');
    c.handOver(2);
    await c.run();
    // The key of the first engine is gone with its prompts: no input after them, the next verb (none).
    expect(c.log).toEqual([
      '0 listen dtmf',
      '0 say one two three four',
      '2 listen dtmf',
      '2 say one two three four',
      '11 hangup',
    ]);
  });

  it('saved again after a restore, a Gather waiting for keys keeps every key pressed in each engine', async () => {
    const c = gatherCall(
      '<Response><Gather action="/g" numDigits="3" timeout="5"><Say>code</Say></Gather></Response>',
    );
    c.press(2, '1');
    c.handOver(3);
    c.press(4, '2');
    c.handOver(5);
    c.press(6, '3');
    await c.run();
    expect(c.log).toEqual(['0 listen dtmf', '0 say code', '6 http://app.test/g Digits=123', '6 hangup']);
  });

  it('saved waiting for keys on a driver without a recogniser, a keys-and-speech Gather starts again where speech is heard', async () => {
    const c = gatherCall(
      '<Response><Gather input="dtmf speech" action="/g" timeout="5"><Say>code</Say></Gather></Response>',
    );
    c.press(2, '1');
    c.handOver(3, true);
    await c.run();
    // The driver is asked to listen again (for speech too): the prompts play, then 5 s of no input.
    expect(c.log).toEqual([
      '0 listen dtmf speech',
      '0 say code',
      '3 listen dtmf speech',
      '3 say code',
      '9 hangup',
    ]);
  });
});
