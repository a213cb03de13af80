/**
 * The child legs of `<Dial>` as calls of the engine: their status while the driver dials
 * them, and their callbacks when the engine shuts down.
 */
import {
  type Channel,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type Engine,
  type HttpPort,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush, inbound, runWorld } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

describe('<Dial> legs in the call list', () => {
  it('the legs are queued calls of the engine while the driver is asked to dial them, then initiated', async () => {
    const http: HttpPort = {
      send: async (request) => ({
        status: 200,
        contentType: 'text/xml',
        location: null,
        body: request.url.endsWith('/voice')
          ? '<Response><Dial>+15550003333</Dial></Response>'
          : '<Response/>',
      }),
    };
    const seen: (string | undefined)[] = [];
    let engine: Engine | undefined;
    const leg = stubChannel();
    const caller: Channel = stubChannel({
      dial: (request) => {
        for (const target of request.targets) seen.push(engine?.get(target.callSid)?.status);
        return { legs: [leg], bridge: async () => {} };
      },
    });
    const clock = createSimulatedClock();
    engine = createEngine({
      driver: {
        capabilities: { ssml: false, speech: false, voicemailDetection: false },
        originate: () => caller,
      },
      http,
      clock,
      ids: createSequentialIds(),
    });
    engine.inbound({ From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice' }, caller);
    await flush();
    expect(seen).toEqual(['queued']);
    expect(engine.get('CA00000000000000000000000000000002')).toMatchObject({
      status: 'initiated',
      parentCallSid: 'CA00000000000000000000000000000001',
      direction: 'outbound-dial',
    });
  });
});

describe('<Dial> legs and engine shutdown', () => {
  it("a leg's status callback still being retried is given up at the shutdown deadline", async () => {
    const world = inbound(
      '<Response><Dial action="/d"><Number statusCallback="/leg" statusCallbackEvent="completed">+15550003333</Number></Dial></Response>',
      {
        dialed: {
          '+15550003333': [
            { after: 1, do: 'answer' },
            { after: 3, do: 'hangup' },
          ],
        },
        app: {
          'POST http://app.test/d': { body: '<Response/>' },
          'POST http://app.test/leg': { error: 'connect' },
        },
      },
    );
    let settled: Promise<void> | null = null;
    const run = await runWorld(world, {}, [
      {
        at: 3.5,
        fn: (engine) => {
          settled = engine.shutdown({ deadlineMs: 1000 });
        },
      },
    ]);
    // Attempts at 3 and 4 (retried after 1 s); the retry due at 6 is abandoned at 4.5.
    const attempts = run.timeline.filter((e) => e.url === 'http://app.test/leg').map((e) => e.at);
    expect(attempts).toEqual([3, 4]);
    await expect(settled).resolves.toBeUndefined();
    expect(run.engine.activeCalls).toBe(0);
  });
});
