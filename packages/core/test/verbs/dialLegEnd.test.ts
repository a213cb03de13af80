/**
 * How `<Dial>` stops its legs through the driver (spec 4.6): a leg that never answered is
 * cancelled (it never had media), an answered one hung up, and a leg that ended by itself is
 * left alone. A driver of its own records each leg operation; the call's and the legs' events
 * are sent by the test, at chosen instants.
 */
import {
  type Channel,
  type ChannelHandler,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type HttpPort,
  type HttpRequest,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

interface Leg {
  readonly channel: Channel;
  handler: ChannelHandler | null;
}

/** A call answering `<Dial>` with `targets` and the action `/d`; what the legs were told. */
async function dialWorld(
  dialAttrs: string,
  targets: string[],
  driver: { noCancel?: boolean; endFails?: boolean } = {},
  nouns = targets.map((t) => `<Number>${t}</Number>`).join(''),
) {
  const requests: HttpRequest[] = [];
  const http: HttpPort = {
    send: async (request) => {
      requests.push(request);
      return {
        status: 200,
        contentType: 'text/xml',
        location: null,
        body: request.url.endsWith('/voice')
          ? `<Response><Dial action="/d" ${dialAttrs}>${nouns}</Dial></Response>`
          : '<Response/>',
      };
    },
  };
  const ops: string[] = [];
  const legs: Leg[] = [];
  let callerHandler: ChannelHandler | null = null;
  const caller: Channel = stubChannel({
    listen: (handler) => {
      callerHandler = handler;
    },
    dial: (request) => {
      for (const target of request.targets) {
        const leg: Leg = {
          handler: null,
          channel: stubChannel({
            listen: (handler) => {
              leg.handler = handler;
            },
            hangup: async () => {
              ops.push(`hangup ${target.to}`);
              if (driver.endFails) throw new Error('line dropped');
            },
            ...(driver.noCancel
              ? {}
              : {
                  cancel: async () => {
                    ops.push(`cancel ${target.to}`);
                    if (driver.endFails) throw new Error('line dropped');
                  },
                }),
          }),
        };
        legs.push(leg);
      }
      return { legs: legs.map((leg) => leg.channel), bridge: async () => {} };
    },
  });
  const clock = createSimulatedClock();
  const notices: string[] = [];
  const engine = createEngine({
    driver: {
      capabilities: { ssml: false, speech: false, voicemailDetection: false },
      originate: () => caller,
    },
    http,
    clock,
    ids: createSequentialIds(),
  });
  engine.subscribe((e) => {
    if (e.type === 'notice') notices.push(`${e.code} ${e.message}`);
  });
  engine.inbound({ From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice' }, caller);
  await flush();
  const dialParams = () => {
    return requests.find((r) => r.url === 'http://app.test/d')?.params;
  };
  return {
    ops,
    notices,
    engine,
    legs,
    clock,
    dialParams,
    caller: () => callerHandler!,
    /** Fire the engine's timers up to `seconds` from the start, then let the engine react. */
    async until(seconds: number) {
      const at = Date.UTC(2026, 0, 1) + seconds * 1000;
      while ((clock.nextDue() ?? Infinity) <= at) clock.fireNext();
      await flush();
    },
  };
}

describe('<Dial> ending its legs', () => {
  it('the targets still ringing at the dial timeout are cancelled, not hung up', async () => {
    const world = await dialWorld('timeout="5"', ['+15550000001', '+15550000002']);
    expect(world.legs).toHaveLength(2);
    await world.until(5);
    expect(world.ops).toEqual(['cancel +15550000001', 'cancel +15550000002']);
    expect(world.dialParams()).toMatchObject({ DialCallStatus: 'no-answer' });
  });

  it('the other targets are cancelled when one answers; the bridged party is hung up when the time limit passes', async () => {
    const world = await dialWorld('timeLimit="10"', ['+15550000001', '+15550000002']);
    world.legs[1]!.handler!.answered();
    await flush();
    expect(world.ops).toEqual(['cancel +15550000001']);
    await world.until(10);
    expect(world.ops).toEqual(['cancel +15550000001', 'hangup +15550000002']);
    expect(world.dialParams()).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '10' });
  });

  it('the bridged party is hung up when the caller hangs up', async () => {
    const world = await dialWorld('', ['+15550000001']);
    world.legs[0]!.handler!.answered();
    await flush();
    world.caller().hangup();
    await flush();
    expect(world.ops).toEqual(['hangup +15550000001']);
  });

  it('a bridged party that hangs up is not hung up again by the engine', async () => {
    const world = await dialWorld('', ['+15550000001', '+15550000002']);
    world.legs[0]!.handler!.answered();
    await flush();
    world.legs[0]!.handler!.hangup();
    await flush();
    expect(world.ops).toEqual(['cancel +15550000002']);
    expect(world.dialParams()).toMatchObject({ DialCallStatus: 'completed' });
  });

  it('a caller hanging up in the same instant after every target was busy leaves the dial busy', async () => {
    const world = await dialWorld('', ['+15550000001']);
    world.legs[0]!.handler!.busy();
    world.caller().hangup();
    await flush();
    expect(world.ops).toEqual([]);
    expect(world.dialParams()).toMatchObject({ DialCallStatus: 'busy' });
  });

  it('a driver without cancel has the ringing targets hung up at the timeout, silently', async () => {
    const world = await dialWorld('timeout="5"', ['+15550000001'], { noCancel: true });
    await world.until(5);
    expect(world.ops).toEqual(['hangup +15550000001']);
    expect(world.notices).toEqual([]);
  });

  it('a leg the driver cannot stop is a notice naming the leg (14103); the dial ends all the same', async () => {
    const world = await dialWorld('timeout="5"', ['+15550000001'], { endFails: true });
    await world.until(5);
    expect(world.notices).toEqual([
      '14103 Dial: the driver could not end leg CA00000000000000000000000000000002',
    ]);
    expect(world.dialParams()).toMatchObject({ DialCallStatus: 'no-answer' });
  });

  it('an answer the driver reports for a target already ended is ignored: the others keep ringing', async () => {
    const world = await dialWorld('timeout="5"', ['+15550000001', '+15550000002']);
    world.legs[0]!.handler!.busy();
    world.legs[0]!.handler!.answered();
    await flush();
    expect(world.ops).toEqual([]);
    expect(world.engine.get('CA00000000000000000000000000000002')?.status).toBe('busy');
    world.legs[1]!.handler!.answered();
    await flush();
    expect(world.engine.get('CA00000000000000000000000000000003')?.status).toBe('in-progress');
    expect(world.ops).toEqual([]);
  });

  it('a conference participant taken out while its leg still rings has the leg cancelled', async () => {
    const world = await dialWorld('', ['Room'], {}, '<Conference>Room</Conference>');
    const caller = world.engine.get('CA00000000000000000000000000000001')!;
    world.engine.conferences.end(world.engine.conferences.findActive(caller.accountSid, 'Room')!.sid);
    await flush();
    expect(world.ops).toEqual(['cancel Room']);
    expect(world.engine.get('CA00000000000000000000000000000002')?.status).toBe('canceled');
  });
});
