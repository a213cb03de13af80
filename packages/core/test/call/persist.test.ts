/**
 * Saving a call (`engine.persist`) while it fetches its document or its fallback, and going on
 * with it in another engine (`engine.restore`): the request it was waiting on is made again
 * there. A call in any other state is refused (21220); a released call is silent in the engine
 * that let it go. (Saving mid-`<Gather>` is tested end to end in test/persistence.test.ts.)
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
  type HttpRequest,
  type HttpResponse,
  isRcmlError,
  type SimulatedClock,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const INBOUND = { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice' };
const SAY_BYE = '<Response><Say>Goodbye</Say></Response>';

/** What an app answers a URL with: a document, an HTTP status, or nothing ever. */
type Answer = string | number | 'never';

/** An engine whose app answers from `app` (by URL), logging each request as `url key=value…`. */
function engineWith(
  clock: SimulatedClock,
  app: Record<string, Answer>,
  log: string[],
): Engine & EngineMachine {
  return createEngine({
    driver: {
      capabilities: { ssml: false, speech: false, voicemailDetection: false },
      originate: () => stubChannel(),
    },
    http: {
      send(request: HttpRequest): Promise<HttpResponse> {
        const { ErrorCode, ErrorUrl, CallStatus } = request.params;
        log.push(
          [
            request.url,
            ...Object.entries({ CallStatus, ErrorCode, ErrorUrl }).flatMap(([k, v]) =>
              v ? [`${k}=${v}`] : [],
            ),
          ].join(' '),
        );
        const answer = app[request.url] ?? 404;
        if (answer === 'never') return new Promise(() => {});
        if (typeof answer === 'number') {
          return Promise.resolve({ status: answer, contentType: 'text/plain', location: null, body: '' });
        }
        return Promise.resolve({ status: 200, contentType: 'text/xml', location: null, body: answer });
      },
    },
    clock,
    ids: createSequentialIds(),
  });
}

/** An inbound channel that logs its media operations; a `Say` lasts a second per word. */
function loggingChannel(clock: SimulatedClock, ops: string[]): Channel & { handler: () => ChannelHandler } {
  let handler: ChannelHandler | undefined;
  return {
    ...stubChannel({
      listen: (h) => {
        handler = h;
      },
      answer: async () => {
        ops.push('answer');
      },
      say: (request, signal) =>
        new Promise((resolve) => {
          ops.push(`say ${request.text}`);
          const timer = clock.setTimeout(() => resolve(), request.text.split(' ').length * 1000);
          signal.addEventListener('abort', () => {
            clock.clearTimeout(timer);
            resolve();
          });
        }),
      hangup: async () => {
        ops.push('hangup');
      },
    }),
    handler: () => handler!,
  };
}

async function runClock(clock: SimulatedClock): Promise<void> {
  await flush();
  while (clock.fireNext()) await flush();
}

/**
 * An inbound call answered by `first` in one engine, saved (and released) once it waits, and
 * restored in a second engine whose app answers `second`.
 */
async function handedOver(
  first: Record<string, Answer>,
  second: Record<string, Answer>,
  params: Record<string, string> = {},
) {
  const clock = createSimulatedClock();
  const ops: string[] = [];
  const before: string[] = [];
  const after: string[] = [];
  const channel = loggingChannel(clock, ops);
  const a = engineWith(clock, first, before);
  const { sid } = a.inbound({ ...INBOUND, ...params }, channel);
  await flush();
  const state = a.snapshot(sid);
  const saved = JSON.parse(JSON.stringify(a.persist(sid, { release: true })));
  const b = engineWith(clock, second, after);
  b.restore(saved, channel);
  await runClock(clock);
  return { state, before, after, ops, record: b.get(sid)! };
}

describe('a call saved while it waits for a document goes on in the engine that restores it', () => {
  it('saved while fetching its Url: the restored call fetches it again and runs it', async () => {
    const run = await handedOver({ 'http://app.test/voice': 'never' }, { 'http://app.test/voice': SAY_BYE });
    expect(run.state).toEqual({ session: 'fetching' });
    expect(run.before).toEqual(['http://app.test/voice CallStatus=ringing']);
    expect(run.after).toEqual(['http://app.test/voice CallStatus=ringing']);
    expect(run.ops).toEqual(['answer', 'say Goodbye', 'hangup']);
    expect(run.record.status).toBe('completed');
  });

  it('saved while fetching the fallback: the restored call asks the fallback again, with the first error', async () => {
    const run = await handedOver(
      { 'http://app.test/voice': 500, 'http://app.test/fallback': 'never' },
      { 'http://app.test/fallback': SAY_BYE },
      { FallbackUrl: 'http://app.test/fallback' },
    );
    const fallback =
      'http://app.test/fallback CallStatus=ringing ErrorCode=11200 ErrorUrl=http://app.test/voice';
    expect(run.state).toEqual({ session: 'fallingBack' });
    expect(run.before).toEqual(['http://app.test/voice CallStatus=ringing', fallback]);
    expect(run.after).toEqual([fallback]);
    expect(run.ops).toEqual(['answer', 'say Goodbye', 'hangup']);
    expect(run.record.status).toBe('completed');
  });
});

describe('engine.persist refusals and release', () => {
  it('a call that is still ringing cannot be saved (21220, naming its state); it goes on', async () => {
    const clock = createSimulatedClock();
    const engine = engineWith(clock, {}, []);
    const { sid } = engine.create({ To: '+15550001111', From: '+15550002222', Url: 'http://app.test/voice' });
    await flush();
    let refusal: unknown;
    try {
      engine.persist(sid, { release: true });
    } catch (error) {
      refusal = error;
    }
    expect(isRcmlError(refusal) && [refusal.code, refusal.message]).toEqual([
      21220,
      `call ${sid} cannot be saved in state {"dialing":"initiated"} (only while it fetches a document or runs a verb)`,
    ]);
    expect(engine.snapshot(sid)).toEqual({ dialing: 'initiated' });
    expect(engine.activeCalls).toBe(1);
  });

  it('a call released mid-verb makes no more events in the engine that let it go', async () => {
    const clock = createSimulatedClock();
    const ops: string[] = [];
    const channel = loggingChannel(clock, ops);
    const engine = engineWith(
      clock,
      { 'http://app.test/voice': '<Response><Say>one two three four</Say></Response>' },
      [],
    );
    const events: EngineEvent[] = [];
    engine.subscribe((e) => events.push(e));
    const { sid } = engine.inbound(INBOUND, channel);
    await flush();
    expect(engine.snapshot(sid)).toEqual({ session: 'verb' });
    const seen = events.length;
    engine.persist(sid, { release: true });
    await runClock(clock);
    expect(events.slice(seen)).toEqual([]);
    expect(ops).toEqual(['answer', 'say one two three four']);
    expect(engine.activeCalls).toBe(0);
  });
});

describe('a call changed to an inline document, saved', () => {
  it('saves the document it runs under the Url the call was created with, or under Twiml when it had none', async () => {
    const clock = createSimulatedClock();
    const outbound = loggingChannel(clock, []);
    const engine = createEngine({
      driver: {
        capabilities: { ssml: false, speech: false, voicemailDetection: false },
        originate: () => outbound,
      },
      http: {
        send: async () => ({ status: 200, contentType: 'text/xml', location: null, body: SAY_BYE }),
      },
      clock,
      ids: createSequentialIds(),
    });
    const LONG = '<Response><Say>one two three four five</Say></Response>';
    const fromUrl = engine.inbound(INBOUND, loggingChannel(clock, [])).sid;
    const fromTwiml = engine.create({ From: INBOUND.To, To: INBOUND.From, Twiml: SAY_BYE }).sid;
    await flush();
    outbound.handler().answered();
    await flush();
    engine.modify(fromUrl, { Twiml: LONG });
    engine.modify(fromTwiml, { Twiml: LONG });
    await flush();
    expect([engine.snapshot(fromUrl), engine.snapshot(fromTwiml)]).toEqual([
      { session: 'verb' },
      { session: 'verb' },
    ]);
    expect(engine.persist(fromUrl).next).toMatchObject({ url: 'http://app.test/voice', method: 'POST' });
    expect(engine.persist(fromTwiml).next).toMatchObject({ url: 'Twiml', method: 'POST' });
  });
});
