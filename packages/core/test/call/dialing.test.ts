/**
 * Placing an outbound call, as the driver sees it: what `originate` is asked, a driver that
 * cannot place the call, who-answered detection when the driver reports it early or cannot
 * report it at all, and how a ringing attempt is given up (spec 1.2, 6, 9.3).
 */
import {
  type ChannelHandler,
  type CreateCallParams,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type EngineEvent,
  type HttpRequest,
  type MediaDriver,
  type OriginateRequest,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const CALL = { To: '+15550001111', From: '+15550002222', Url: 'http://app.test/voice' };

interface DriverSetup {
  /** `originate` throws this instead of returning a channel. */
  readonly throws?: unknown;
  /** The driver can tell who answered (default true). */
  readonly detects?: boolean;
  /** The channel has a `cancel` operation (default true); `'rejects'`: it fails. */
  readonly cancel?: boolean | 'rejects';
}

/** An engine on the simulated clock whose app answers a long pause, with a scripted driver. */
function dialing(setup: DriverSetup = {}) {
  const clock = createSimulatedClock();
  const originated: OriginateRequest[] = [];
  const ops: string[] = [];
  const fetches: { at: number; params: Readonly<Record<string, string>> }[] = [];
  let handler: ChannelHandler | undefined;
  const start = clock.now();
  const driver: MediaDriver = {
    capabilities: { ssml: false, speech: false, voicemailDetection: setup.detects ?? true },
    originate(request) {
      originated.push(request);
      if (setup.throws !== undefined) throw setup.throws;
      const cancel = setup.cancel ?? true;
      return stubChannel({
        listen: (h) => {
          handler = h;
        },
        hangup: async () => {
          ops.push('hangup');
        },
        ...(cancel === false
          ? {}
          : {
              cancel: async () => {
                ops.push('cancel');
                if (cancel === 'rejects') throw new Error('trunk lost');
              },
            }),
      });
    },
  };
  const engine = createEngine({
    driver,
    http: {
      send: async (request: HttpRequest) => {
        if (request.kind === 'fetch')
          fetches.push({ at: (clock.now() - start) / 1000, params: request.params });
        return {
          status: 200,
          contentType: 'text/xml',
          location: null,
          body: '<Response><Pause length="5"/></Response>',
        };
      },
    },
    clock,
    ids: createSequentialIds(),
  });
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  /** Create the call and let the engine dial it. */
  const create = async (params: Record<string, string> = {}) => {
    const { sid } = engine.create({ ...CALL, ...params } as CreateCallParams);
    await flush();
    return sid;
  };
  /** Run the simulated clock to `seconds` after the start (timers due by then fire). */
  const runTo = async (seconds: number) => {
    let reached = false;
    clock.schedule(start + seconds * 1000, () => {
      reached = true;
    });
    while (!reached && clock.fireNext()) await flush();
  };
  const notices = () =>
    events.flatMap((e) =>
      e.type === 'notice' ? [{ code: e.code, level: e.level, message: e.message }] : [],
    );
  return { engine, clock, originated, ops, fetches, events, notices, create, runTo, party: () => handler! };
}

describe('placing an outbound call', () => {
  it('the driver is told how long to detect who answered: MachineDetectionTimeout, else 30 s', async () => {
    const world = dialing();
    await world.create({ MachineDetection: 'Enable', MachineDetectionTimeout: '12' });
    await world.create({ MachineDetection: 'DetectMessageEnd' });
    await world.create();
    expect(world.originated.map((r) => [r.detection, r.detectionTimeout])).toEqual([
      ['Enable', 12],
      ['DetectMessageEnd', 30],
      [null, undefined],
    ]);
    expect('detectionTimeout' in world.originated[2]!).toBe(false);
  });

  it('a driver that cannot place the call: 14103 with its reason, and the call fails at once', async () => {
    const world = dialing({ throws: new Error('no trunk available') });
    const sid = await world.create({ Timeout: '20' });
    expect(world.notices()).toEqual([
      {
        code: 14103,
        level: 'error',
        message: 'the driver could not place the call: Error: no trunk available',
      },
    ]);
    expect(world.engine.get(sid)?.status).toBe('failed');
    expect(world.clock.pending).toBe(0);
  });
  it('a call canceled by a listener of that failure ends canceled, with nothing to hang up', async () => {
    const world = dialing({ throws: new Error('no trunk available') });
    world.engine.subscribe((event) => {
      if (event.type === 'notice' && event.callSid !== null)
        world.engine.modify(event.callSid, { Status: 'canceled' });
    });
    const sid = await world.create();
    expect(world.engine.get(sid)?.status).toBe('canceled');
    expect(world.notices().map((n) => n.code)).toEqual([14103]);
  });
});

describe('who answered (spec 6, 9.3)', () => {
  it('a driver that cannot detect: AnsweredBy=unknown on the answer, without waiting', async () => {
    const world = dialing({ detects: false });
    const sid = await world.create({ DetectVoicemail: 'true' });
    await world.runTo(1);
    world.party().answered();
    await flush();
    expect(world.fetches.map((f) => [f.at, f.params.AnsweredBy])).toEqual([[1, 'unknown']]);
    expect(world.engine.get(sid)?.answeredBy).toBe('unknown');
  });

  it('a result the driver reports before the answer is used at once on the answer', async () => {
    const world = dialing();
    const sid = await world.create({ DetectVoicemail: 'true' });
    await world.runTo(1);
    world.party().detected('machine');
    world.party().answered();
    await flush();
    expect(world.fetches.map((f) => [f.at, f.params.AnsweredBy, f.params.VoicemailDetector])).toEqual([
      [1, 'machine', 'voicemail'],
    ]);
    expect(world.engine.get(sid)?.answeredBy).toBe('machine');
  });

  it('a result the driver reports on a call that asked for no detection is ignored', async () => {
    const world = dialing();
    const sid = await world.create();
    world.party().detected('machine');
    world.party().answered();
    await flush();
    expect(world.fetches).toHaveLength(1);
    expect(world.fetches[0]!.params.AnsweredBy).toBeUndefined();
    expect(world.engine.get(sid)?.answeredBy).toBeNull();
  });

  it('a call canceled while detection runs ends canceled with no duration (it never started)', async () => {
    const world = dialing();
    const sid = await world.create({ DetectVoicemail: 'true' });
    await world.runTo(1);
    world.party().answered();
    await world.runTo(4);
    world.engine.modify(sid, { Status: 'canceled' });
    await flush();
    const record = world.engine.get(sid)!;
    expect([record.status, record.startTime, record.duration]).toEqual(['canceled', null, 0]);
    expect(world.ops).toEqual(['cancel']);
  });
});

describe('giving up a ringing attempt', () => {
  it('the attempt is canceled with the driver’s cancel when it has one', async () => {
    const world = dialing();
    const sid = await world.create({ Timeout: '5' });
    await world.runTo(5);
    expect(world.engine.get(sid)?.status).toBe('no-answer');
    expect(world.ops).toEqual(['cancel']);
  });

  it('a channel without cancel is hung up instead, without an error', async () => {
    const world = dialing({ cancel: false });
    const sid = await world.create({ Timeout: '5' });
    await world.runTo(5);
    expect(world.engine.get(sid)?.status).toBe('no-answer');
    expect(world.ops).toEqual(['hangup']);
    expect(world.notices()).toEqual([]);
  });

  it('a cancel that fails is reported (14103) and the call still ends canceled', async () => {
    const world = dialing({ cancel: 'rejects' });
    const sid = await world.create();
    world.engine.modify(sid, { Status: 'canceled' });
    await flush();
    expect(world.engine.get(sid)?.status).toBe('canceled');
    expect(world.notices()).toEqual([
      { code: 14103, level: 'error', message: 'the media driver could not hang up: trunk lost' },
    ]);
  });
});
