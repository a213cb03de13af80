import {
  type Channel,
  type CreateCallParams,
  createClockSeededIds,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type Engine,
  type HttpPort,
  isRcmlError,
  type MediaDriver,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush } from './harness.js';
import { stubChannel } from './stubChannel.js';

/** A driver whose calls ring forever (until canceled). */
function ringingDriver(): MediaDriver & { canceled: number } {
  const driver = {
    canceled: 0,
    capabilities: { ssml: false, speech: false, voicemailDetection: false },
    originate: (): Channel =>
      stubChannel({
        cancel: async () => {
          driver.canceled++;
        },
      }),
  };
  return driver;
}

const http: HttpPort = {
  send: async () => ({ status: 200, contentType: 'text/xml', location: null, body: '<Response/>' }),
};
const CALL = { To: '+15550001111', From: '+15550002222', Url: 'https://app.test/voice' };

function setup(options: Partial<Parameters<typeof createEngine>[0]> = {}) {
  const clock = createSimulatedClock();
  const driver = ringingDriver();
  const engine = createEngine({ driver, http, clock, ids: createSequentialIds(), ...options });
  return { clock, driver, engine };
}

function refusal(fn: () => unknown): [number, string | undefined] | 'accepted' {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    if (!isRcmlError(error)) throw error;
    return [error.code, error.field];
  }
}

describe('engine.create (spec 1.2)', () => {
  it.each([
    [{ ...CALL, To: undefined }, 'To'],
    [{ ...CALL, To: 'not a number' }, 'To'],
    [{ ...CALL, To: 'client:' }, 'To'],
    [{ ...CALL, From: '' }, 'From'],
    [{ ...CALL, Url: undefined }, 'Url'],
    [{ ...CALL, Url: '/relative' }, 'Url'],
    [{ ...CALL, Url: 'ftp://app.test/x' }, 'Url'],
    [{ ...CALL, Method: 'PUT' }, 'Method'],
    [{ ...CALL, FallbackUrl: 'nope' }, 'FallbackUrl'],
    [{ ...CALL, FallbackMethod: 'DELETE' }, 'FallbackMethod'],
    [{ ...CALL, StatusCallback: 'x' }, 'StatusCallback'],
    [{ ...CALL, StatusCallbackMethod: 'PATCH' }, 'StatusCallbackMethod'],
    [{ ...CALL, StatusCallbackEvent: 'initiated hungup' }, 'StatusCallbackEvent'],
    [{ ...CALL, Timeout: '0' }, 'Timeout'],
    [{ ...CALL, Timeout: '601' }, 'Timeout'],
    [{ ...CALL, Timeout: '1.5' }, 'Timeout'],
    [{ ...CALL, DetectVoicemail: 'maybe' }, 'DetectVoicemail'],
  ])('refuses %j naming %s, and creates nothing', (params, field) => {
    const { engine } = setup();
    expect(refusal(() => engine.create(params as CreateCallParams))).toEqual([20001, field]);
    expect(engine.list().total).toBe(0);
  });

  it.each([
    [{ ...CALL, To: 'client:alice' }],
    [{ ...CALL, To: 'sip:bob@example.com' }],
    [{ ...CALL, To: 'bob@example.com' }],
    [
      {
        ...CALL,
        To: '+1 (555) 000-1111',
        Method: 'get',
        Timeout: '600',
        DetectVoicemail: 'true',
        Extra: 'ignored',
      },
    ],
  ])('accepts %j', (params) => {
    const { engine } = setup();
    expect(engine.create(params).status).toBe('queued');
  });

  it('limits concurrent calls and calls per second with 20429', async () => {
    const { engine, clock } = setup({ limits: { maxConcurrentCalls: 2, maxCallsPerSecond: 100 } });
    engine.create(CALL);
    engine.create(CALL);
    expect(refusal(() => engine.create(CALL))).toEqual([20429, undefined]);
    const rate = setup({ limits: { maxCallsPerSecond: 2 } });
    rate.engine.create(CALL);
    rate.engine.create(CALL);
    expect(refusal(() => rate.engine.create(CALL))).toEqual([20429, undefined]);
    rate.clock.schedule(rate.clock.now() + 1000, () => {});
    rate.clock.fireNext();
    expect(rate.engine.create(CALL).status).toBe('queued');
    void clock;
  });
});

describe('engine.list and get (spec 1.4)', () => {
  async function three(): Promise<Engine> {
    const { engine } = setup();
    engine.create({ ...CALL, To: '+1' });
    engine.create({ ...CALL, To: '+2' });
    engine.create({ ...CALL, To: '+1' });
    await flush();
    return engine;
  }

  it('lists newest first, filtered and paged', async () => {
    const engine = await three();
    expect(engine.list().calls.map((c) => c.sid.slice(-1))).toEqual(['3', '2', '1']);
    expect(engine.list({ to: '+1' }).calls.map((c) => c.sid.slice(-1))).toEqual(['3', '1']);
    const page = engine.list({ pageSize: 2, page: 1 });
    expect(page).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(page.calls.map((c) => c.sid.slice(-1))).toEqual(['1']);
    expect(engine.list({ status: 'initiated' }).total).toBe(3);
    expect(refusal(() => engine.list({ pageSize: 1001 }))).toEqual([20001, 'PageSize']);
  });

  it('get returns one call, or undefined', async () => {
    const engine = await three();
    expect(engine.get('CA00000000000000000000000000000002')).toMatchObject({
      to: '+2',
      from: '+15550002222',
      status: 'initiated',
      direction: 'outbound-api',
      parentCallSid: null,
      apiVersion: '2012-04-24',
      accountSid: 'AC00000000000000000000000000000000',
    });
    expect(engine.get('CA404')).toBeUndefined();
  });
});

describe('engine.shutdown', () => {
  it('refuses new calls, ends live ones (canceling ringing attempts) and resolves', async () => {
    const { engine, driver, clock } = setup();
    engine.create(CALL);
    await flush();
    expect(engine.activeCalls).toBe(1);
    const done = engine.shutdown();
    await flush();
    await done;
    expect(engine.activeCalls).toBe(0);
    expect(driver.canceled).toBe(1);
    expect(refusal(() => engine.create(CALL))).toEqual([20503, undefined]);
    expect(clock.pending).toBe(0);
  });

  it('a call picked up and still waiting for the voicemail detection ends completed, hung up', async () => {
    const clock = createSimulatedClock();
    const ops: string[] = [];
    const engine = createEngine({
      driver: {
        capabilities: { ssml: false, speech: false, voicemailDetection: true },
        originate: () =>
          stubChannel({
            listen: (h) => queueMicrotask(() => h.answered()),
            hangup: async () => {
              ops.push('hangup');
            },
            cancel: async () => {
              ops.push('cancel');
            },
          }),
      },
      http,
      clock,
      ids: createSequentialIds(),
    });
    const { sid } = engine.create({ ...CALL, DetectVoicemail: 'true' });
    await flush();
    expect(engine.snapshot(sid)).toBe('detecting');
    await engine.shutdown();
    expect(ops).toEqual(['hangup']);
    expect(engine.get(sid)?.status).toBe('completed');
    expect(engine.activeCalls).toBe(0);
  });

  it('waits for callbacks up to its deadline, then drops them with 14101', async () => {
    const clock = createSimulatedClock();
    const pending: HttpPort = { send: () => new Promise(() => {}) };
    const engine = createEngine({
      driver: ringingDriver(),
      http: pending,
      clock,
      ids: createSequentialIds(),
    });
    const codes: number[] = [];
    engine.subscribe((e) => {
      if (e.type === 'notice') codes.push(e.code);
    });
    engine.create({
      ...CALL,
      StatusCallback: 'https://app.test/s',
      StatusCallbackEvent: 'initiated completed',
    });
    await flush();
    let finished = false;
    void engine.shutdown({ deadlineMs: 5000 }).then(() => {
      finished = true;
    });
    await flush();
    expect(finished).toBe(false);
    while (!finished && clock.fireNext()) await flush();
    expect(finished).toBe(true);
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(5000);
    expect(codes).toContain(14101);
  });
});

describe('engine.shutdown drain and retention', () => {
  it('drain lets calls run until the deadline, then ends them', async () => {
    const { engine, clock } = setup();
    engine.create(CALL);
    await flush();
    let finished = false;
    void engine.shutdown({ mode: 'drain', deadlineMs: 3000 }).then(() => {
      finished = true;
    });
    await flush();
    expect(engine.activeCalls).toBe(1);
    while (!finished && clock.fireNext()) await flush();
    expect(finished).toBe(true);
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(3000);
    await flush();
    expect(engine.activeCalls).toBe(0);
    expect(engine.get('CA00000000000000000000000000000001')?.status).toBe('canceled');
  });

  it('forgets the oldest finished calls beyond retainFinishedCalls', async () => {
    const { engine } = setup({ retainFinishedCalls: 2 });
    for (let i = 0; i < 3; i++) engine.modify(engine.create(CALL).sid, { Status: 'canceled' });
    await flush();
    expect(engine.list().calls.map((c) => c.sid.slice(-1))).toEqual(['3', '2']);
    expect(engine.get('CA00000000000000000000000000000001')).toBeUndefined();
  });
});

describe('ids', () => {
  it('createSequentialIds counts per prefix with 32 zero-padded digits', () => {
    const ids = createSequentialIds();
    expect([ids.next('CA'), ids.next('CA'), ids.next('RE')]).toEqual([
      'CA00000000000000000000000000000001',
      'CA00000000000000000000000000000002',
      'RE00000000000000000000000000000001',
    ]);
  });

  it('the default generator is seeded from the clock and never repeats', () => {
    const ids = createClockSeededIds(createSimulatedClock());
    const a = ids.next('CA');
    const b = ids.next('CA');
    expect(a).toMatch(/^CA[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });
});

describe('the event stream', () => {
  it('reports requests, verb start/end, status and progress in order; inbound returns the call ringing', async () => {
    const clock = createSimulatedClock();
    const events: string[] = [];
    const engine = createEngine({
      driver: ringingDriver(),
      http: {
        send: async () => ({
          status: 200,
          contentType: 'text/xml',
          location: null,
          body: '<Response><Say>Hi</Say></Response>',
        }),
      },
      clock,
      ids: createSequentialIds(),
    });
    const unsubscribe = engine.subscribe((e) => {
      if (e.type === 'verb') events.push(`verb ${e.phase} ${e.verb} ${String(e.detail.path)}`);
      else if (e.type === 'request') events.push(`request ${e.kind} ${e.url}`);
      else if (e.type === 'status') events.push(`status ${e.status}`);
      else if (e.type === 'progress') events.push(`progress ${e.event}`);
    });
    const channel = ringingDriver().originate({} as never);
    const record = engine.inbound({ From: '+1', To: '+2', Url: 'http://app.test/v' }, channel);
    expect(record.status).toBe('ringing');
    await flush();
    unsubscribe();
    expect(events).toEqual([
      'status ringing',
      'progress ringing',
      'request fetch http://app.test/v',
      // The Say starts, and answers the call as the first verb that needs media.
      'verb start Say Response/Say[1]',
      'status in-progress',
      'progress answered',
      'verb end Say Response/Say[1]',
      'status completed',
      'progress completed',
    ]);
  });
});
