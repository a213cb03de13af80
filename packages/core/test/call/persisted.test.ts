/**
 * What a saved call carries (call/persisted.ts) that its restored run depends on: the progress
 * events it subscribed to and its recent document fetches (the per-minute limit, spec 8).
 */
import {
  type Channel,
  type ChannelHandler,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type EngineEvent,
  type EngineOptions,
  type PersistedCall,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const EPOCH = Date.UTC(2026, 0, 1);
const LOOP = '<Response><Pause length="1"/><Redirect>/voice</Redirect></Response>';

function world() {
  const clock = createSimulatedClock(EPOCH);
  const fetches: string[] = [];
  const events: EngineEvent[] = [];
  const channel: Channel = stubChannel({
    listen(_h: ChannelHandler) {},
    pause: (request, signal) =>
      new Promise<void>((resolve) => {
        const timer = clock.setTimeout(() => resolve(), request.length * 1000);
        signal.addEventListener('abort', () => {
          clock.clearTimeout(timer);
          resolve();
        });
      }),
  });
  const options: EngineOptions = {
    driver: {
      capabilities: { ssml: false, speech: false, voicemailDetection: false },
      originate: () => channel,
    },
    http: {
      send: async (request) => {
        fetches.push(
          `${(clock.now() - EPOCH) / 1000} ${request.kind} ${request.url.replace('http://app.test', '')}`,
        );
        return { status: 200, contentType: 'text/xml', location: null, body: LOOP };
      },
    },
    clock,
    ids: createSequentialIds(),
    limits: { maxFetchesPerMinute: 3 },
  };
  const engine = () => {
    const made = createEngine(options);
    made.subscribe((e) => events.push(e));
    return made;
  };
  const run = async () => {
    await flush();
    while (clock.fireNext()) await flush();
  };
  return { clock, channel, fetches, events, engine, run };
}

const INBOUND = {
  From: '+15550001111',
  To: '+15550002222',
  Url: 'http://app.test/voice',
  StatusCallback: 'http://app.test/status',
  StatusCallbackEvent: 'answered completed',
};

describe('a saved call', () => {
  it('carries the progress events it subscribed to and the times of its recent fetches', async () => {
    const w = world();
    const first = w.engine();
    const { sid } = first.inbound(INBOUND, w.channel);
    let saved: PersistedCall | undefined;
    w.clock.setTimeout(() => {
      saved = first.persist(sid);
    }, 1500);
    w.clock.setTimeout(() => first.modify(sid, { Status: 'completed' }), 1600);
    await w.run();
    expect(saved?.settings.statusCallbackEvents).toEqual(['answered', 'completed']);
    expect(saved?.fetchTimes).toEqual([EPOCH, EPOCH + 1000]);
  });

  it('restored, it keeps counting the fetches made before it was saved (the per-minute limit)', async () => {
    const w = world();
    const first = w.engine();
    const { sid } = first.inbound(INBOUND, w.channel);
    const second = w.engine();
    w.clock.setTimeout(() => {
      const saved = JSON.parse(JSON.stringify(first.persist(sid, { release: true }))) as PersistedCall;
      second.restore(saved, w.channel);
    }, 1500);
    await w.run();
    // Three fetches in the minute, two of them before the hand-over: the fourth is refused.
    expect(w.fetches.filter((f) => f.includes('fetch'))).toEqual([
      '0 fetch /voice',
      '1 fetch /voice',
      '2.5 fetch /voice',
    ]);
    const notices = w.events.flatMap((e) =>
      e.type === 'notice' ? [`${(e.at - EPOCH) / 1000} ${e.code}`] : [],
    );
    expect(notices).toEqual(['3.5 14100']);
    // The subscribed `completed` callback still goes out from the new engine.
    expect(w.fetches.filter((f) => f.includes('callback'))).toEqual(['3.5 callback /status']);
  });
});
