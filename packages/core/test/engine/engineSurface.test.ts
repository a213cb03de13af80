/**
 * The engine's public surface around the calls: SIDs, paging, the Calls API parameters, the
 * list filters, the event stream and logger, `modify`'s refusals, snapshot, persist/restore
 * refusals and unsubscribe.
 */
import {
  type Channel,
  createClockSeededIds,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type EngineEvent,
  type EngineOptions,
  type HttpPort,
  isRcmlError,
  type Logger,
  type MediaDriver,
  toApiParams,
  unimplementedParams,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { checkPaging, pageOf } from '../../src/engine/paging.js';
import { flush, inbound, lines, outbound, paramsOf, runWorld } from './harness.js';
import { stubChannel } from './stubChannel.js';

const EPOCH = Date.UTC(2026, 0, 1);

function ringingDriver(): MediaDriver {
  return {
    capabilities: { ssml: false, speech: false, voicemailDetection: false },
    originate: (): Channel => stubChannel({ cancel: async () => {} }),
  };
}

const okHttp: HttpPort = {
  send: async () => ({ status: 200, contentType: 'text/xml', location: null, body: '<Response/>' }),
};
const CALL = { To: '+15550001111', From: '+15550002222', Url: 'https://app.test/voice' };

function recordingLogger(): Logger & { lines: [string, string, Record<string, unknown> | undefined][] } {
  const lines: [string, string, Record<string, unknown> | undefined][] = [];
  return {
    lines,
    debug: (m, f) => void lines.push(['debug', m, f]),
    info: (m, f) => void lines.push(['info', m, f]),
    warn: (m, f) => void lines.push(['warn', m, f]),
    error: (m, f) => void lines.push(['error', m, f]),
  };
}

function setup(options: Partial<EngineOptions> = {}) {
  const clock = createSimulatedClock();
  const logger = recordingLogger();
  const engine = createEngine({
    driver: ringingDriver(),
    http: okHttp,
    clock,
    ids: createSequentialIds(),
    logger,
    ...options,
  });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return { clock, engine, events, logger };
}

function refusal(fn: () => unknown): { code: number; field: string | undefined; message: string } {
  try {
    fn();
  } catch (error) {
    if (!isRcmlError(error)) throw error;
    return { code: error.code, field: error.field, message: error.message };
  }
  throw new Error('accepted');
}

describe('call SIDs', () => {
  it('the default SIDs are the creation time in 12 hex digits, then a counter shared by all prefixes', () => {
    const ids = createClockSeededIds(createSimulatedClock());
    const seed = EPOCH.toString(16).padStart(12, '0');
    expect(ids.next('CA')).toBe(`CA${seed}${'1'.padStart(20, '0')}`);
    expect(ids.next('RE')).toBe(`RE${seed}${'2'.padStart(20, '0')}`);
  });

  it('the seed keeps whole milliseconds, the last 12 hex digits, and never goes below zero', () => {
    expect(createClockSeededIds(createSimulatedClock(255.9)).next('CA')).toBe(
      `CA0000000000ff${'1'.padStart(20, '0')}`,
    );
    expect(
      createClockSeededIds(createSimulatedClock(2 ** 48 + 17))
        .next('CA')
        .slice(2, 14),
    ).toBe('000000000011');
    expect(createClockSeededIds(createSimulatedClock(-5)).next('CA').slice(2, 14)).toBe('000000000000');
  });

  it('an engine without ids gives calls SIDs seeded from its clock', () => {
    const engine = createEngine({ driver: ringingDriver(), http: okHttp, clock: createSimulatedClock() });
    expect(engine.create(CALL).sid).toBe(`CA${EPOCH.toString(16).padStart(12, '0')}${'1'.padStart(20, '0')}`);
  });
});

describe('paging of the lists', () => {
  it('defaults to the first page of 50', () => {
    const all = Array.from({ length: 120 }, (_, i) => i);
    const first = pageOf(all);
    expect(first).toMatchObject({ page: 0, pageSize: 50, total: 120 });
    expect(first.items).toEqual(all.slice(0, 50));
    expect(pageOf(all, { page: 2 }).items).toEqual(all.slice(100, 120));
    expect(pageOf(all, { page: 1, pageSize: 7 }).items).toEqual([7, 8, 9, 10, 11, 12, 13]);
    expect(checkPaging({})).toEqual({ page: 0, pageSize: 50 });
  });

  it('accepts page sizes 1 to 1000 and pages from 0', () => {
    expect(checkPaging({ pageSize: 1, page: 0 })).toEqual({ page: 0, pageSize: 1 });
    expect(checkPaging({ pageSize: 1000, page: 3 })).toEqual({ page: 3, pageSize: 1000 });
  });

  it.each([
    [{ pageSize: 0 }, 'PageSize', 'PageSize: 0 is outside 1 to 1000'],
    [{ pageSize: 1001 }, 'PageSize', 'PageSize: 1001 is outside 1 to 1000'],
    [{ pageSize: 2.5 }, 'PageSize', 'PageSize: 2.5 is outside 1 to 1000'],
    [{ page: -1 }, 'Page', 'Page: -1 is not a whole number from 0'],
    [{ page: 0.5 }, 'Page', 'Page: 0.5 is not a whole number from 0'],
  ])('refuses %j with 20001 naming %s', (paging, field, message) => {
    expect(refusal(() => checkPaging(paging))).toEqual({ code: 20001, field, message });
  });
});

describe('Calls API parameters', () => {
  it('typed values become the strings a REST client sends', () => {
    expect(
      toApiParams({
        To: '+1',
        Timeout: 30,
        Record: true,
        DetectVoicemail: false,
        StatusCallbackEvent: ['initiated', 'completed'],
        Url: undefined,
        Method: null,
        Other: { toString: () => 'obj' },
      }),
    ).toEqual({
      To: '+1',
      Timeout: '30',
      Record: 'true',
      DetectVoicemail: 'false',
      StatusCallbackEvent: 'initiated completed',
      Other: 'obj',
    });
  });

  it('every implemented parameter of create and modify is not reported as unimplemented', () => {
    // A full create request, every parameter the engine implements, plus one it does not.
    const create = {
      To: '+15550002222',
      From: '+15550001111',
      Url: 'http://app.test/voice',
      Twiml: '<Response/>',
      Method: 'GET',
      FallbackUrl: 'http://app.test/fallback',
      FallbackMethod: 'GET',
      StatusCallback: 'http://app.test/status',
      StatusCallbackMethod: 'GET',
      StatusCallbackEvent: 'initiated ringing answered completed',
      Timeout: '20',
      DetectVoicemail: 'true',
      MachineDetection: 'Enable',
      MachineDetectionTimeout: '10',
      SendDigits: '1234#',
      Record: 'true',
      RecordingStatusCallback: 'http://app.test/recording',
      RecordingStatusCallbackMethod: 'GET',
      RecordingChannels: 'dual',
      TimeLimit: '60',
    };
    expect(unimplementedParams(create, 'create')).toEqual(['TimeLimit']);
    // A full modify request likewise.
    const modify = {
      Url: 'http://app.test/next',
      Twiml: '<Response/>',
      Method: 'GET',
      FallbackUrl: 'http://app.test/fallback',
      FallbackMethod: 'GET',
      Status: 'completed',
      StatusCallback: 'http://app.test/status',
      StatusCallbackMethod: 'GET',
      TimeLimit: '60',
    };
    expect(unimplementedParams(modify, 'modify')).toEqual(['TimeLimit']);
    // What create implements is not all implemented by modify, and the other way round.
    expect(unimplementedParams({ To: '+1', Timeout: '5', Url: 'x' }, 'modify')).toEqual(['To', 'Timeout']);
    expect(unimplementedParams({ Url: 'x', Status: 'completed' }, 'create')).toEqual(['Status']);
  });

  it('unimplemented parameters are reported in the order given, empty or blank ones not at all', () => {
    expect(
      unimplementedParams(
        { TimeLimit: '30', Trim: ' ', CallerId: '', Byoc: undefined, AsyncAmd: 'true' },
        'create',
      ),
    ).toEqual(['TimeLimit', 'AsyncAmd']);
  });
});

describe('engine.list filters (spec 1.4)', () => {
  it('filters by account, From, To and status, and counts every match', async () => {
    const { engine } = setup();
    engine.create({ ...CALL, From: '+1' }, { accountSid: 'ACa', apiVersion: 'v1' });
    engine.create({ ...CALL, From: '+2' }, { accountSid: 'ACb', apiVersion: 'v1' });
    const third = engine.create({ ...CALL, From: '+1' }, { accountSid: 'ACa', apiVersion: 'v1' });
    engine.modify(third.sid, { Status: 'canceled' });
    await flush();
    const sids = (filter: Parameters<typeof engine.list>[0]) =>
      engine.list(filter).calls.map((c) => c.sid.slice(-1));
    expect(sids({ accountSid: 'ACa' })).toEqual(['3', '1']);
    expect(sids({ accountSid: 'ACb' })).toEqual(['2']);
    expect(sids({ from: '+1' })).toEqual(['3', '1']);
    expect(sids({ from: '+2', to: CALL.To })).toEqual(['2']);
    expect(sids({ status: 'canceled' })).toEqual(['3']);
    expect(sids({ parentCallSid: 'CA0' })).toEqual([]);
    expect(engine.list({ from: '+1', pageSize: 1, page: 1 })).toMatchObject({
      total: 2,
      page: 1,
      pageSize: 1,
    });
    expect(sids({ from: '+1', pageSize: 1, page: 1 })).toEqual(['1']);
    expect(sids({ pageSize: 2 })).toEqual(['3', '2']);
    expect(sids({ pageSize: 1, page: 2 })).toEqual(['1']);
    expect(sids({ page: 3, pageSize: 1 })).toEqual([]);
    expect(engine.get(third.sid)).toMatchObject({ accountSid: 'ACa', apiVersion: 'v1' });
  });

  it('many calls ending one after the other: the list keeps every live call and the retained ones', async () => {
    const { engine } = setup({ retainFinishedCalls: 3 });
    const sids = Array.from({ length: 100 }, () => engine.create(CALL).sid);
    for (const sid of sids.slice(0, 70)) engine.modify(sid, { Status: 'canceled' });
    await flush();
    const page = engine.list({ pageSize: 1000 });
    expect(page.total).toBe(33);
    expect(page.calls.map((c) => c.sid)).toEqual([...sids.slice(67)].reverse());
  });

  it('many finished calls: the list keeps the newest retained ones, in order', async () => {
    const { engine } = setup({ retainFinishedCalls: 3 });
    for (let i = 0; i < 100; i++) engine.modify(engine.create(CALL).sid, { Status: 'canceled' });
    const live = engine.create(CALL);
    await flush();
    const page = engine.list();
    expect(page.total).toBe(4);
    expect(page.calls.map((c) => c.sid)).toEqual([
      live.sid,
      'CA00000000000000000000000000000100',
      'CA00000000000000000000000000000099',
      'CA00000000000000000000000000000098',
    ]);
    expect(engine.get('CA00000000000000000000000000000097')).toBeUndefined();
  });
});

describe('events and logs', () => {
  it('a listener that throws is logged and the other listeners still get the event', async () => {
    const { engine, events, logger } = setup();
    const boom = new Error('listener bug');
    engine.subscribe(() => {
      throw boom;
    });
    const after: string[] = [];
    engine.subscribe((e) => after.push(e.type));
    engine.create(CALL);
    await flush();
    expect(after.length).toBeGreaterThan(0);
    expect(after).toEqual(events.map((e) => e.type));
    expect(logger.lines).toContainEqual(['error', 'engine event listener failed', { error: boom }]);
  });

  it('each request is an event with its call, kind, method, URL, parameters and time', async () => {
    const { engine, events } = setup();
    const record = engine.inbound(
      { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/v' },
      stubChannel(),
    );
    await flush();
    const request = events.find((e) => e.type === 'request');
    expect(request).toMatchObject({
      type: 'request',
      callSid: record.sid,
      kind: 'fetch',
      method: 'POST',
      url: 'http://app.test/v',
      at: EPOCH,
    });
    expect(request?.type === 'request' && request.params.CallSid).toBe(record.sid);
  });

  it('an unsubscribed listener gets nothing more', async () => {
    const { engine } = setup();
    const seen: string[] = [];
    const unsubscribe = engine.subscribe((e) => seen.push(e.type));
    engine.create(CALL);
    await flush();
    const count = seen.length;
    expect(count).toBeGreaterThan(0);
    unsubscribe();
    engine.create(CALL);
    await flush();
    expect(seen.length).toBe(count);
  });

  it('an unimplemented parameter is a 13911 warning of the call, logged at info', async () => {
    const { engine, events, logger } = setup();
    const record = engine.create({ ...CALL, TimeLimit: 30 });
    engine.modify(record.sid, { TimeLimit: '10' });
    const message = 'Calls API parameter TimeLimit is not implemented by this engine; ignored';
    const notices = events.filter((e) => e.type === 'notice');
    expect(notices).toEqual([
      { type: 'notice', callSid: record.sid, code: 13911, level: 'warning', message, at: EPOCH },
      { type: 'notice', callSid: record.sid, code: 13911, level: 'warning', message, at: EPOCH },
    ]);
    expect(logger.lines.filter((l) => l[1] === message)).toEqual([
      ['info', message, { callSid: record.sid, code: 13911 }],
      ['info', message, { callSid: record.sid, code: 13911 }],
    ]);
  });

  it('a callback that cannot be delivered is an error notice, logged as a warning', async () => {
    const clock = createSimulatedClock();
    const logger = recordingLogger();
    const engine = createEngine({
      driver: ringingDriver(),
      http: { send: async () => ({ status: 500, contentType: 'text/plain', location: null, body: '' }) },
      clock,
      ids: createSequentialIds(),
      logger,
      callbackRetry: { delaysMs: [] },
    });
    const events: EngineEvent[] = [];
    engine.subscribe((e) => events.push(e));
    const record = engine.create({
      ...CALL,
      StatusCallback: 'https://app.test/s',
      StatusCallbackEvent: 'initiated',
    });
    for (let i = 0; i < 5; i++) {
      await flush();
      clock.fireNext();
    }
    await flush();
    const notice = events.find((e) => e.type === 'notice');
    expect(notice).toMatchObject({ type: 'notice', callSid: record.sid, level: 'error' });
    expect(logger.lines.some((l) => l[0] === 'warn' && l[2]?.callSid === record.sid)).toBe(true);
  });
});

describe('number look-up (spec 9.1)', () => {
  it("an outbound call's requests carry what the look-up port knows about From and To", async () => {
    const run = await runWorld(outbound('<Response/>'), {
      numbers: { lookup: (n) => (n === '+15550002222' ? { city: 'Paris' } : { state: 'CA' }) },
    });
    expect(paramsOf(run, 'fetch')).toMatchObject({ FromCity: 'Paris', ToState: 'CA' });
  });

  it('without a look-up port the requests carry no geography and nothing is logged', async () => {
    const logger = recordingLogger();
    const run = await runWorld(outbound('<Response/>'), { logger });
    const params = paramsOf(run, 'fetch');
    expect(params.CallSid).toBeDefined();
    expect(Object.keys(params).filter((k) => /City|State|Zip|Country/.test(k))).toEqual([]);
    expect(logger.lines.filter((l) => l[0] === 'warn' || l[0] === 'error')).toEqual([]);
  });

  it('a failing look-up port is logged and the call goes on without geography', async () => {
    const logger = recordingLogger();
    const boom = new Error('lookup down');
    const run = await runWorld(outbound('<Response/>'), {
      logger,
      numbers: {
        lookup: () => {
          throw boom;
        },
      },
    });
    const params = paramsOf(run, 'fetch');
    expect(params.CallSid).toBeDefined();
    expect(params.FromCity).toBeUndefined();
    expect(logger.lines).toContainEqual([
      'warn',
      'number look-up failed',
      { number: '+15550002222', error: boom },
    ]);
    expect(logger.lines).toContainEqual([
      'warn',
      'number look-up failed',
      { number: '+15550001111', error: boom },
    ]);
  });
});

describe('engine.create and engine.inbound', () => {
  it('an invalid inline Twiml is refused naming Twiml, with the parser code, and creates nothing', () => {
    const { engine } = setup();
    const error = refusal(() => engine.create({ To: CALL.To, From: CALL.From, Twiml: '<Response><Say>' }));
    expect(error.field).toBe('Twiml');
    expect(error.message).toMatch(new RegExp(`^Twiml: .* \\(${error.code}\\)$`));
    expect(engine.list().total).toBe(0);
  });

  it('a blank Twiml is no document: Url is then required', () => {
    const { engine } = setup();
    expect(refusal(() => engine.create({ To: CALL.To, From: CALL.From, Twiml: '  ' })).field).toBe('Url');
  });

  it('a blank Twiml beside a Url is no document: the call is created and runs the Url', async () => {
    const run = await runWorld(
      outbound('<Response><Say>From the Url</Say></Response>', { call: { Twiml: ' \n ' } }),
    );
    expect(lines(run.timeline)).toEqual([
      '1 fetch POST http://app.test/voice',
      '1 say text=From the Url voice=man language=en-US loop=1',
      '1.6 hangup',
    ]);
    expect(run.final).toMatchObject({ status: 'completed' });
  });

  it('an inbound call belongs to its owner and sends CallerName and ForwardedFrom trimmed', async () => {
    const { engine, events } = setup();
    const record = engine.inbound(
      { From: '+1', To: '+2', Url: 'http://app.test/v', CallerName: ' Alice ', ForwardedFrom: '  ' },
      stubChannel(),
      { accountSid: 'ACowner', apiVersion: 'x' },
    );
    expect(record.accountSid).toBe('ACowner');
    await flush();
    const request = events.find((e) => e.type === 'request');
    const params = request?.type === 'request' ? request.params : {};
    expect(params.CallerName).toBe('Alice');
    expect('ForwardedFrom' in params).toBe(false);
    const other = engine.inbound(
      { From: '+1', To: '+2', Url: 'http://app.test/w', ForwardedFrom: ' +3 ' },
      stubChannel(),
    );
    await flush();
    const second = events.filter((e) => e.type === 'request' && e.callSid === other.sid)[0];
    const secondParams = second?.type === 'request' ? second.params : {};
    expect(secondParams.ForwardedFrom).toBe('+3');
    expect('CallerName' in secondParams).toBe(false);
  });

  it('refused calls by rate: the window slides call by call', () => {
    const { engine, clock } = setup({ limits: { maxCallsPerSecond: 2 } });
    const at = (ms: number) => {
      clock.schedule(EPOCH + ms, () => {});
      clock.fireNext();
    };
    engine.create(CALL);
    at(500);
    engine.create(CALL);
    at(1000);
    engine.create(CALL); // 1 s after the first
    expect(refusal(() => engine.create(CALL)).message).toBe('too many calls created per second (limit 2)');
    at(1499);
    expect(refusal(() => engine.create(CALL)).code).toBe(20429);
    at(1500);
    engine.create(CALL); // 1 s after the second
    at(1999);
    expect(refusal(() => engine.create(CALL)).code).toBe(20429);
  });

  it('refusal messages name the limit', () => {
    const { engine } = setup({ limits: { maxConcurrentCalls: 1 } });
    engine.create(CALL);
    expect(refusal(() => engine.create(CALL))).toEqual({
      code: 20429,
      field: undefined,
      message: 'too many calls at once (limit 1)',
    });
  });
});

describe('engine.modify refusals (spec 1.5)', () => {
  it.each([
    [
      { Url: 'https://app.test/x', Status: 'completed' },
      20409,
      'Status',
      'Url and Status cannot be changed together',
    ],
    [
      { Twiml: '<Response/>', Url: 'https://app.test/x' },
      20409,
      'Twiml',
      'Twiml and Url cannot be changed together',
    ],
    [
      { Twiml: '<Response/>', Status: 'completed' },
      20409,
      'Twiml',
      'Twiml and Status cannot be changed together',
    ],
    [{ Status: 'busy' }, 20001, 'Status', 'Status: "busy" is not completed or canceled'],
    // Not a typed parameter of modify; the HTTP layer passes what it receives.
    [{ StatusCallbackEvent: 'nope' }, 20001, 'StatusCallbackEvent', undefined],
  ])('%j is refused with %s naming %s', (params, code, field, message) => {
    const { engine } = setup();
    const { sid } = engine.create(CALL);
    const error = refusal(() => engine.modify(sid, params as never));
    expect([error.code, error.field]).toEqual([code, field]);
    if (message !== undefined) expect(error.message).toBe(message);
    expect(engine.get(sid)?.status).toBe('queued');
  });

  it('Status is read without its surrounding spaces', () => {
    const { engine } = setup();
    const { sid } = engine.create(CALL);
    expect(engine.modify(sid, { Status: ' canceled ' }).status).toBe('canceled');
  });

  it('blank values count as absent', () => {
    const { engine } = setup();
    const { sid } = engine.create(CALL);
    expect(engine.modify(sid, { Url: ' ', Status: 'canceled', Twiml: '' }).status).toBe('canceled');
  });

  it('an unknown call is 20404, an ended one 21220', async () => {
    const { engine } = setup();
    expect(refusal(() => engine.modify('CA404', { Status: 'completed' }))).toEqual({
      code: 20404,
      field: 'CallSid',
      message: 'call CA404 not found',
    });
    const { sid } = engine.create(CALL);
    engine.modify(sid, { Status: 'canceled' });
    await flush();
    expect(refusal(() => engine.modify(sid, { Status: 'completed' }))).toMatchObject({
      code: 21220,
      message: `call ${sid} is not in progress (status canceled)`,
    });
  });

  it('an answered call cannot be canceled (21220), only completed', async () => {
    const run = await runWorld(outbound('<Response><Pause length="10"/></Response>'), {}, [
      {
        at: 3,
        fn: (engine, sid) => {
          const error = refusal(() => engine.modify(sid, { Status: 'canceled' }));
          expect(error).toEqual({
            code: 21220,
            field: 'Status',
            message: `call ${sid} is answered: it cannot be canceled (use Status=completed)`,
          });
          engine.modify(sid, { Status: 'completed' });
        },
      },
    ]);
    expect(run.final?.status).toBe('completed');
  });
});

/** An inbound call pausing (a verb running, so it can be saved). */
async function pausingCall() {
  const ctx = setup({
    http: {
      send: async () => ({
        status: 200,
        contentType: 'text/xml',
        location: null,
        body: '<Response><Pause length="10"/></Response>',
      }),
    },
  });
  const channel = stubChannel({ pause: () => new Promise(() => {}) });
  const { sid } = ctx.engine.inbound({ From: '+1', To: '+2', Url: 'http://app.test/v' }, channel);
  await flush();
  return { ...ctx, sid, channel };
}

describe('snapshot, persist and restore refusals', () => {
  it('a snapshot exists only for a live call', async () => {
    const { engine } = setup();
    const { sid } = engine.create(CALL);
    expect(engine.snapshot(sid)).toBeDefined();
    expect(engine.snapshot('CA404')).toBeUndefined();
    engine.modify(sid, { Status: 'canceled' });
    await flush();
    expect(engine.snapshot(sid)).toBeUndefined();
    expect(refusal(() => engine.persist(sid))).toEqual({
      code: 20404,
      field: 'CallSid',
      message: `call ${sid} is not a live call of this engine`,
    });
  });

  it('restore refuses another version, a call already live, and any call once shutting down', async () => {
    const { engine } = setup();
    expect(refusal(() => engine.restore({ version: -1 } as never, stubChannel()))).toMatchObject({
      code: 20001,
      field: 'version',
    });
    expect(refusal(() => engine.restore(undefined as never, stubChannel())).field).toBe('version');
    expect(refusal(() => engine.restore(undefined as never, stubChannel())).message).toMatch(
      /^not a saved call of version \d+$/,
    );
    const call = await pausingCall();
    const sid = call.sid;
    const saved = call.engine.persist(sid);
    expect(refusal(() => call.engine.restore(saved, stubChannel()))).toEqual({
      code: 20409,
      field: 'CallSid',
      message: `call ${sid} is already live in this engine`,
    });
    const other = setup();
    const restored = other.engine.restore(saved, stubChannel({ pause: () => new Promise(() => {}) }));
    expect(restored).toMatchObject({
      sid,
      status: saved.call.status,
      direction: 'inbound',
      dateCreated: EPOCH,
    });
    expect(other.engine.activeCalls).toBe(1);
    expect(other.engine.get(sid)?.sid).toBe(sid);
    void engine.shutdown();
    expect(refusal(() => engine.restore(saved, stubChannel()))).toEqual({
      code: 20503,
      field: undefined,
      message: 'the engine is shutting down and accepts no new calls',
    });
  });

  it('a call released by persist leaves the engine, which can then shut down at once', async () => {
    const { engine, clock, sid } = await pausingCall();
    expect(engine.activeCalls).toBe(1);
    engine.persist(sid, { release: true });
    expect(engine.activeCalls).toBe(0);
    expect(engine.snapshot(sid)).toBeUndefined();
    let done = false;
    void engine.shutdown({ mode: 'drain' }).then(() => {
      done = true;
    });
    await flush();
    expect(done).toBe(true);
    expect(clock.now()).toBe(EPOCH);
  });
});

describe('engine.modify of the status callback (spec 1.5)', () => {
  const HOLD = '<Response><Pause length="10"/></Response>';

  it('StatusCallbackMethod alone changes the method of the callback the call already has', async () => {
    const run = await runWorld(
      outbound(HOLD, {
        call: { StatusCallback: 'http://app.test/s', StatusCallbackEvent: 'answered completed' },
        modify: [{ at: 2, StatusCallbackMethod: 'GET' }],
        app: { 'GET http://app.test/s': { status: 200 } },
      }),
    );
    expect(run.timeline.filter((e) => e.kind === 'callback').map((e) => `${e.method} ${e.url}`)).toEqual([
      'POST http://app.test/s',
      'GET http://app.test/s',
    ]);
  });
});

describe('engine.shutdown deadline', () => {
  it('waits 10 s by default for callbacks still being delivered', async () => {
    const clock = createSimulatedClock();
    const engine = createEngine({
      driver: ringingDriver(),
      http: { send: () => new Promise(() => {}) },
      clock,
      ids: createSequentialIds(),
    });
    engine.create({ ...CALL, StatusCallback: 'https://app.test/s', StatusCallbackEvent: 'initiated' });
    await flush();
    let finished = false;
    void engine.shutdown().then(() => {
      finished = true;
    });
    await flush();
    while (!finished && clock.fireNext()) await flush();
    expect(finished).toBe(true);
    expect(clock.now() - EPOCH).toBe(10_000);
  });
});

describe('where an invalid inline document is wrong', () => {
  it('the refusal of a Twiml carries the path and line of the fault', () => {
    const { engine } = setup();
    const error = (() => {
      try {
        engine.create({ ...CALL, Url: undefined, Twiml: '<Response>\n<Gather><Dial/></Gather></Response>' });
      } catch (e) {
        if (isRcmlError(e)) return e;
      }
      throw new Error('accepted');
    })();
    expect([error.code, error.field, error.path, error.line]).toEqual([
      12200,
      'Twiml',
      'Response/Gather[1]/Dial[1]',
      2,
    ]);
    expect(error.message).toBe(
      'Twiml: <Dial> may not stand inside <Gather> (at Response/Gather[1]/Dial[1]) (12200)',
    );
  });
});

describe('the geography of an inbound call (spec 9.1)', () => {
  it('comes from its From… and To… parameters', async () => {
    const { engine, events } = setup();
    engine.inbound(
      { From: '+1', To: '+2', Url: 'http://app.test/v', FromCity: ' Paris ', ToCountry: 'US' },
      stubChannel(),
    );
    await flush();
    const request = events.find((e) => e.type === 'request');
    expect(request?.type === 'request' && request.params).toMatchObject({
      FromCity: 'Paris',
      CallerCity: 'Paris',
      ToCountry: 'US',
      CalledCountry: 'US',
    });
  });
});

describe('<Dial> legs through the Calls API', () => {
  it('a leg is listed under its parent, and is changed through its parent only (21220)', async () => {
    const seen: unknown[] = [];
    await runWorld(
      inbound('<Response><Dial>+15550003333</Dial></Response>', {
        dialed: { '+15550003333': [{ after: 1, do: 'answer' }] },
      }),
      {},
      [
        {
          at: 3,
          fn: (engine, sid) => {
            const legs = engine.list({ parentCallSid: sid }).calls;
            seen.push(legs.map((c) => c.parentCallSid));
            const leg = legs[0]!.sid;
            seen.push(refusal(() => engine.modify(leg, { Status: 'completed' })));
            seen.push(leg);
          },
        },
      ],
    );
    const [parents, error, leg] = seen;
    expect(parents).toEqual(['CA00000000000000000000000000000001']);
    expect(error).toEqual({
      code: 21220,
      field: undefined,
      message: `call ${String(leg)} is a <Dial> leg: change its parent call CA00000000000000000000000000000001`,
    });
  });
});

describe('engine.modify keeps what it is not asked to change', () => {
  const HOLD = '<Response><Pause length="10"/></Response>';

  it('a new Url keeps the status callback method the call was created with', async () => {
    const run = await runWorld(
      outbound(HOLD, {
        call: {
          StatusCallback: 'http://app.test/s',
          StatusCallbackMethod: 'GET',
          StatusCallbackEvent: 'answered completed',
        },
        modify: [{ at: 2, Url: 'http://app.test/new' }],
        app: { 'GET http://app.test/s': { status: 200 }, 'POST http://app.test/new': { body: HOLD } },
      }),
    );
    expect(run.timeline.filter((e) => e.kind === 'callback').map((e) => `${e.method} ${e.url}`)).toEqual([
      'GET http://app.test/s',
      'GET http://app.test/s',
    ]);
  });

  it('a new Url that fails falls back to FallbackUrl with FallbackMethod', async () => {
    const run = await runWorld(
      outbound(HOLD, {
        modify: [
          { at: 2, Url: 'http://app.test/new', FallbackUrl: 'http://app.test/fb', FallbackMethod: 'GET' },
        ],
        app: {
          'POST http://app.test/new': { status: 500 },
          'GET http://app.test/fb': { body: '<Response/>' },
        },
      }),
    );
    expect(run.timeline.filter((e) => e.kind === 'fetch').map((e) => `${e.method} ${e.url}`)).toEqual([
      'POST http://app.test/voice',
      'POST http://app.test/new',
      'GET http://app.test/fb',
    ]);
  });
});
