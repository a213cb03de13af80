/**
 * The steps a call runs (call/callSteps.ts) seen from outside: `SendDigits` and the first
 * fetch wait for the end of the turn that began the call (an interruption in that turn makes
 * no request and plays no key), failures of the driver or of the engine's own code are
 * reported with their cause, the fallback is not asked after a fetch-rate or engine failure,
 * an action after a hang-up that is not an http(s) URL is not requested, and a restored call
 * whose channel hung up meanwhile ends.
 */
import {
  type Channel,
  type ChannelHandler,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type Engine,
  type EngineEvent,
  type EngineMachine,
  type EngineOptions,
  type HttpRequest,
  type HttpResponse,
  type Logger,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush, inbound, lines, runWorld } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const CALL = { From: '+15550002222', To: '+15550001111', Url: 'http://app.test/voice' };
const INBOUND = { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice' };
const SAY = '<Response><Say>Hi</Say></Response>';

/** What the app answers a URL with: a document, an HTTP status, or (`null`) a port answering nothing. */
type Answer = string | number | null | typeof NEVER;

/** An app that never answers (the request stays pending). */
const NEVER = Symbol('never');

/**
 * An engine on a stub driver: the one channel logs its media operations (`overrides` replace
 * some), the app answers from `app` (404 for other URLs). Requests, errors logged and events
 * are kept.
 */
function world(
  app: Record<string, Answer>,
  overrides: Partial<Channel> = {},
  options: Partial<EngineOptions> = {},
) {
  const clock = createSimulatedClock();
  const ops: string[] = [];
  const requests: string[] = [];
  const errors: { message: string; fields: Record<string, unknown> | undefined }[] = [];
  const events: EngineEvent[] = [];
  let handler: ChannelHandler | undefined;
  const op =
    (name: string) =>
    async (...args: unknown[]) => {
      const detail = args[0] as { text?: string; digits?: string } | undefined;
      ops.push([name, detail?.text ?? detail?.digits].filter(Boolean).join(' '));
    };
  const channel = stubChannel({
    listen: (h) => {
      handler = h;
    },
    answer: op('answer'),
    say: op('say'),
    sendDigits: op('digits'),
    hangup: op('hangup'),
    ...overrides,
  });
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error(message, fields) {
      errors.push({ message, fields });
    },
  };
  const engine = createEngine({
    driver: {
      capabilities: { ssml: false, speech: false, voicemailDetection: false },
      originate: () => channel,
    },
    http: {
      send(request: HttpRequest): Promise<HttpResponse> {
        requests.push(`${request.kind} ${request.url}`);
        const answer = app[request.url];
        if (answer === null) return Promise.resolve(undefined as unknown as HttpResponse);
        if (answer === NEVER) return new Promise(() => {});
        if (answer === undefined || typeof answer === 'number') {
          const status = answer ?? 404;
          return Promise.resolve({ status, contentType: 'text/plain', location: null, body: '' });
        }
        return Promise.resolve({ status: 200, contentType: 'text/xml', location: null, body: answer });
      },
    },
    clock,
    ids: createSequentialIds(),
    logger,
    ...options,
  }) as Engine & EngineMachine;
  engine.subscribe((event) => events.push(event));
  const notices = () => events.flatMap((e) => (e.type === 'notice' ? [`${e.code} ${e.message}`] : []));
  const run = async () => {
    await flush();
    while (clock.fireNext()) await flush();
  };
  return { clock, engine, channel, ops, requests, errors, notices, run, handler: () => handler! };
}

describe('the first step waits for the end of the turn that began the call', () => {
  it('an inbound call ended in the turn it arrived makes no request and no media operation', async () => {
    const w = world({ 'http://app.test/voice': SAY });
    const { sid } = w.engine.inbound(INBOUND, w.channel);
    w.engine.modify(sid, { Status: 'completed' });
    await w.run();
    expect(w.requests).toEqual([]);
    expect(w.ops).toEqual(['hangup']);
    expect(w.engine.get(sid)?.status).toBe('canceled');
    expect(w.engine.activeCalls).toBe(0);
  });

  it('an outbound call hung up in the turn it was answered plays no SendDigits key and fetches nothing', async () => {
    const w = world({ 'http://app.test/voice': SAY });
    const { sid } = w.engine.create({ ...CALL, SendDigits: '1234' });
    await flush();
    w.handler().answered();
    w.handler().hangup();
    await w.run();
    expect(w.ops).toEqual([]);
    expect(w.requests).toEqual([]);
    expect(w.engine.get(sid)?.status).toBe('completed');
    expect(w.engine.activeCalls).toBe(0);
  });

  it('a call hung up while its inline document is being taken up runs none of it, and ends', async () => {
    const w = world({});
    const { sid } = w.engine.create({
      From: CALL.From,
      To: CALL.To,
      Twiml: '<Response><Say>Inline</Say></Response>',
    });
    await flush();
    w.handler().answered();
    // The step started in a microtask after the answer; the hang-up comes before it takes the document.
    await Promise.resolve();
    w.handler().hangup();
    await w.run();
    expect(w.ops).toEqual([]);
    expect(w.engine.get(sid)?.status).toBe('completed');
    expect(w.engine.activeCalls).toBe(0);
  });
});

describe('failures of a step are reported with their cause', () => {
  it('SendDigits the driver fails to play is reported (14103) and the Url is still fetched and run', async () => {
    const w = world(
      { 'http://app.test/voice': SAY },
      { sendDigits: () => Promise.reject(new Error('no DTMF on this line')) },
    );
    const { sid } = w.engine.create({ ...CALL, SendDigits: '1234' });
    await flush();
    w.handler().answered();
    await w.run();
    expect(w.notices()).toEqual(['14103 SendDigits: the media driver failed: Error: no DTMF on this line']);
    expect(w.requests).toEqual(['fetch http://app.test/voice']);
    expect(w.ops).toEqual(['say Hi', 'hangup']);
    expect(w.engine.get(sid)?.status).toBe('completed');
    expect(w.engine.activeCalls).toBe(0);
  });

  it('an exception in verb code is logged with the call and the verb, and its notice says why the call ends', async () => {
    const w = world(
      { 'http://app.test/voice': '<Response><Say>Hi</Say><Say>Never</Say></Response>' },
      { say: (() => undefined) as never },
    );
    const { sid } = w.engine.inbound(INBOUND, w.channel);
    await w.run();
    const [notice] = w.notices();
    expect(notice).toMatch(/^14120 Say: the engine failed running the verb; the call ends: \S/);
    expect(w.errors).toHaveLength(1);
    expect(w.errors[0]).toMatchObject({ message: 'verb failed', fields: { callSid: sid, verb: 'Say' } });
    const error = w.errors[0]?.fields?.error;
    expect(error).toBeInstanceOf(TypeError);
    expect(notice).toContain((error as TypeError).message);
    expect(w.ops).toEqual(['answer', 'hangup']);
  });

  it('an HTTP port that answers nothing is an engine failure (14120, logged) naming the URL; no fallback, the call fails', async () => {
    const w = world({
      'http://app.test/voice': null,
      'http://app.test/fallback': SAY,
    });
    const { sid } = w.engine.inbound({ ...INBOUND, FallbackUrl: 'http://app.test/fallback' }, w.channel);
    await w.run();
    expect(w.requests).toEqual(['fetch http://app.test/voice']);
    const [notice, ...others] = w.notices();
    expect(others).toEqual([]);
    expect(notice).toMatch(/^14120 the engine failed fetching http:\/\/app\.test\/voice: \S/);
    expect(w.errors).toHaveLength(1);
    expect(w.errors[0]).toMatchObject({ message: 'document fetch failed', fields: { callSid: sid } });
    expect(w.errors[0]?.fields?.error).toBeInstanceOf(TypeError);
    expect(w.engine.get(sid)?.status).toBe('failed');
    expect(w.engine.activeCalls).toBe(0);
  });

  it('a reference that is not an http(s) URL is named in the notice (11200)', async () => {
    const w = world({
      'http://app.test/voice': '<Response><Redirect>ftp://files.test/next</Redirect></Response>',
    });
    const { sid } = w.engine.inbound(INBOUND, w.channel);
    await w.run();
    expect(w.notices()).toEqual(['11200 "ftp://files.test/next" is not an http(s) URL']);
    expect(w.engine.get(sid)?.status).toBe('failed');
    expect(w.engine.activeCalls).toBe(0);
  });

  it('a live change past the fetch-rate limit ends the call with the limit named (14100); its fallback is not asked', async () => {
    const w = world(
      {
        'http://app.test/voice': '<Response><Redirect>/wait</Redirect></Response>',
        'http://app.test/wait': '<Response><Gather timeout="30"/></Response>',
        'http://app.test/changed': SAY,
        'http://app.test/fallback': SAY,
      },
      {},
      { limits: { maxFetchesPerMinute: 2 } },
    );
    const { sid } = w.engine.inbound(INBOUND, w.channel);
    await flush();
    w.engine.modify(sid, { Url: 'http://app.test/changed', FallbackUrl: 'http://app.test/fallback' });
    await w.run();
    expect(w.requests).toEqual(['fetch http://app.test/voice', 'fetch http://app.test/wait']);
    expect(w.notices()).toEqual(['14100 more than 2 document fetches in a minute; the call ends']);
    expect(w.engine.activeCalls).toBe(0);
  });

  it('a hang-up while the document is being fetched abandons the fetch without a notice', async () => {
    const w = world({ 'http://app.test/voice': NEVER });
    const { sid } = w.engine.inbound(INBOUND, w.channel);
    await flush();
    expect(w.requests).toEqual(['fetch http://app.test/voice']);
    w.handler().hangup();
    await w.run();
    expect(w.notices()).toEqual([]);
    expect(w.errors).toEqual([]);
    expect(w.engine.get(sid)?.status).toBe('completed');
    expect(w.engine.activeCalls).toBe(0);
  });
});

describe('after the caller hung up', () => {
  it('a Record action that is not an http(s) URL is not requested; the call ends completed', async () => {
    const run = await runWorld(
      inbound('<Response><Record action="ftp://files.test/r" timeout="30"/></Response>', {
        party: [
          { at: 1, do: 'speak', for: 1 },
          { at: 3, do: 'hangup' },
        ],
      }),
    );
    expect(run.events.filter((e) => e.type === 'request').map((e) => e.type === 'request' && e.url)).toEqual([
      'http://app.test/voice',
    ]);
    expect(lines(run.timeline)[0]).toBe('0 fetch POST http://app.test/voice');
    expect(run.final?.status).toBe('completed');
    expect(run.engine.activeCalls).toBe(0);
  });

  it('a restored call whose channel reports the hang-up as soon as it is listened to ends completed', async () => {
    const first = world({ 'http://app.test/voice': '<Response><Gather timeout="30"/></Response>' });
    const { sid } = first.engine.inbound(INBOUND, first.channel);
    await flush();
    expect(first.engine.snapshot(sid)).toEqual({ session: 'verb' });
    const saved = JSON.parse(JSON.stringify(first.engine.persist(sid, { release: true })));
    const second = world({});
    const gone = stubChannel({ listen: (h) => h.hangup() });
    second.engine.restore(saved, gone);
    await second.run();
    expect(second.requests).toEqual([]);
    expect(second.engine.get(sid)?.status).toBe('completed');
    expect(second.engine.activeCalls).toBe(0);
  });
});

describe('a later step starts in the turn that starts it', () => {
  it('once the call is fetching the document after the first, its request is out', async () => {
    // The Gather ends on a key; turn by turn, whenever the call says it fetches the action,
    // the request has been made (only the call's first step waits for the end of its turn).
    const w = world({
      'http://app.test/voice': '<Response><Gather numDigits="1" action="/next"/></Response>',
      'http://app.test/next': SAY,
    });
    const { sid } = w.engine.inbound(INBOUND, w.channel);
    await flush();
    expect(w.engine.snapshot(sid)).toEqual({ session: 'verb' });
    w.handler().dtmf('5');
    let seen = false;
    for (let turn = 0; turn < 100 && !seen; turn++) {
      const state = w.engine.snapshot(sid);
      if (state !== undefined && JSON.stringify(state) === '{"session":"fetching"}') {
        seen = true;
        expect(w.requests).toEqual(['fetch http://app.test/voice', 'fetch http://app.test/next']);
      }
      await Promise.resolve();
    }
    expect(seen).toBe(true);
  });
});

describe('a restored call', () => {
  it('whose document holds a verb this engine does not know reports it (14103) and goes on with the next', async () => {
    const first = world({
      'http://app.test/voice': '<Response><Gather timeout="30"/><Say>Next</Say></Response>',
    });
    const { sid } = first.engine.inbound(INBOUND, first.channel);
    await flush();
    const saved = JSON.parse(JSON.stringify(first.engine.persist(sid, { release: true })));
    saved.document.document.verbs[0].kind = 'Teleport';
    const second = world({});
    second.engine.restore(saved, second.channel);
    await second.run();
    expect(second.notices()).toEqual([
      expect.stringMatching(/^14103 Teleport: the media driver failed: unknown verb /),
    ]);
    expect(second.ops).toEqual(['say Next', 'hangup']);
    expect(second.engine.get(sid)?.status).toBe('completed');
    expect(second.engine.activeCalls).toBe(0);
  });
});

describe('a live change while SendDigits plays', () => {
  it('a call redirected while its SendDigits keys play stops them and fetches the new Url instead of its own', async () => {
    let stopped = false;
    const w = world(
      { 'http://app.test/voice': SAY, 'http://app.test/other': '<Response><Say>Other</Say></Response>' },
      {
        sendDigits: (_request, signal) =>
          new Promise<void>((resolve) => {
            signal.addEventListener('abort', () => {
              stopped = true;
              resolve();
            });
          }),
      },
    );
    const { sid } = w.engine.create({ ...CALL, SendDigits: '1234' });
    await flush();
    w.handler().answered();
    await flush();
    w.engine.modify(sid, { Url: 'http://app.test/other' });
    await w.run();
    expect(stopped).toBe(true);
    expect(w.requests).toEqual(['fetch http://app.test/other']);
    expect(w.ops).toEqual(['say Other', 'hangup']);
    expect(w.engine.get(sid)?.status).toBe('completed');
    expect(w.engine.activeCalls).toBe(0);
  });
});
