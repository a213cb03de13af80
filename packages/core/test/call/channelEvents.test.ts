/**
 * The channel's events reaching the call (call/channelEvents.ts): keys are reported to engine
 * listeners, media events go to the running verb only when it listens for them, and a call
 * that ended (or was handed over) hears nothing more from its channel.
 */
import {
  type Channel,
  type ChannelHandler,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type EngineEvent,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush, inbound, lines, runWorld } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const EPOCH = Date.UTC(2026, 0, 1);

/** An inbound call on a stub channel whose document is `body`; the test drives the channel. */
function call(body: string, overrides: Partial<Channel> = {}) {
  const clock = createSimulatedClock(EPOCH);
  let handler: ChannelHandler | undefined;
  const channel = stubChannel({
    listen(h) {
      handler = h;
    },
    ...overrides,
  });
  const engine = createEngine({
    driver: {
      capabilities: { ssml: false, speech: true, voicemailDetection: false },
      originate: () => channel,
    },
    http: { send: async () => ({ status: 200, contentType: 'text/xml', location: null, body }) },
    clock,
    ids: createSequentialIds(),
  });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  const { sid } = engine.inbound(
    { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/v' },
    channel,
  );
  const run = async () => {
    await flush();
    while (clock.fireNext()) await flush();
  };
  return { engine, sid, events, run, handler: () => handler!, clock };
}

/** Every event a channel can report, as a driver that keeps ended channels around might. */
function everyEvent(h: ChannelHandler): void {
  h.ringing();
  h.answered();
  h.detected('human');
  h.busy();
  h.failed('gone');
  h.dtmf('1');
  h.voice(true);
  h.speech({ transcript: 'hello', confidence: 0.9 });
  h.partialSpeech?.({ unstable: 'hel', stable: '' });
  h.hangup();
}

describe('channel events', () => {
  it('a key pressed is reported to engine listeners with the call and the time', async () => {
    const run = await runWorld(
      inbound('<Response><Gather numDigits="1" action="/g"/></Response>', {
        app: { 'POST http://app.test/g': { body: '<Response/>' } },
        party: [{ at: 2, do: 'dtmf', digits: '5' }],
      }),
    );
    const keys = run.events.filter((e) => e.type === 'dtmf');
    expect(keys).toEqual([
      { type: 'dtmf', callSid: 'CA00000000000000000000000000000001', digit: '5', at: EPOCH + 2000 },
    ]);
  });

  it('a call that ended hears nothing more from its channel', async () => {
    const c = call('<Response><Say>Bye</Say></Response>');
    await c.run();
    expect(c.engine.get(c.sid)?.status).toBe('completed');
    const before = c.events.length;
    expect(() => everyEvent(c.handler())).not.toThrow();
    await c.run();
    expect(c.events.slice(before)).toEqual([]);
    expect(c.engine.get(c.sid)?.status).toBe('completed');
  });

  it('a call handed over to another engine hears nothing more from its old channel', async () => {
    const c = call('<Response><Say>Please hold</Say></Response>', {
      say: () => new Promise<void>(() => undefined),
    });
    await c.run();
    expect(c.engine.snapshot(c.sid)).toEqual({ session: 'verb' });
    c.engine.persist(c.sid, { release: true });
    const before = c.events.length;
    expect(() => everyEvent(c.handler())).not.toThrow();
    await c.run();
    expect(c.events.slice(before)).toEqual([]);
  });

  it('speech and partial results while a verb that does not hear speech runs are ignored', async () => {
    // <Record> listens for keys, voice and the hang-up only; <Say> listens for nothing.
    let stop: () => void = () => undefined;
    const c = call('<Response><Say>Speak after the tone</Say><Record maxLength="5"/></Response>', {
      say: () =>
        new Promise<void>((resolve) => {
          stop = resolve;
        }),
    });
    await c.run();
    expect(() => c.handler().partialSpeech?.({ unstable: 'hel', stable: '' })).not.toThrow();
    expect(() => c.handler().speech({ transcript: 'hello', confidence: 0.9 })).not.toThrow();
    stop();
    await flush();
    expect(c.engine.snapshot(c.sid)).toEqual({ session: 'verb' });
    expect(() => c.handler().partialSpeech?.({ unstable: 'hel', stable: '' })).not.toThrow();
    expect(() => c.handler().speech({ transcript: 'hello', confidence: 0.9 })).not.toThrow();
    c.handler().hangup();
    await c.run();
    expect(c.engine.get(c.sid)?.status).toBe('completed');
    expect(c.events.filter((e) => e.type === 'notice')).toEqual([]);
  });

  it('voice reported after the caller hung up does not make a silent recording count', async () => {
    const requested: string[] = [];
    const c = call('<Response><Record action="/r"/></Response>');
    await flush();
    expect(c.engine.snapshot(c.sid)).toEqual({ session: 'verb' });
    // The driver reports the hang-up and, in the same breath, voice it heard before it.
    c.handler().hangup();
    c.handler().voice(true);
    await c.run();
    for (const e of c.events) if (e.type === 'request') requested.push(e.url);
    expect(requested).toEqual(['http://app.test/v']);
    expect(c.engine.get(c.sid)?.status).toBe('completed');
  });

  it('a key pressed while a verb that does not hear keys runs is ignored', async () => {
    const run = await runWorld(
      inbound('<Response><Enqueue>support</Enqueue></Response>', {
        party: [
          { at: 1, do: 'dtmf', digits: '1' },
          { at: 2, do: 'hangup' },
        ],
      }),
    );
    expect(run.error).toBeNull();
    expect(lines(run.timeline).slice(-1)).toEqual(['0 answer']);
    expect(run.final).toEqual({ status: 'completed', duration: 2 });
    expect(run.events.filter((e) => e.type === 'notice')).toEqual([]);
  });
});
