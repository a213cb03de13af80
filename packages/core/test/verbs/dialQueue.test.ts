/**
 * `<Dial><Queue>` over the engine (decisions "Queues"): the agent's dial takes the first
 * caller off the queue, the two calls are connected, and the dial's action says how it ended.
 */
import {
  type Channel,
  type ChannelHandler,
  createSimulatedClock,
  type Engine,
  type EngineEvent,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { appEngine } from '../engine/appEngine.js';
import { flush } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const CALLER = '<Response><Enqueue waitUrl="/wait">support</Enqueue></Response>';
const WAIT = '<Response><Play>http://media.test/hold.wav</Play></Response>';

interface Desk {
  engine: Engine;
  requests: { url: string; params: Record<string, string> }[];
  events: EngineEvent[];
  log: string[];
  /** Move the simulated clock `seconds` on, running everything due. */
  advance(seconds: number): Promise<void>;
  /** A call arriving on `url`; its handler to hang up or press keys. */
  arrive(url: string, channel?: Partial<Channel>): { sid: string; party: () => ChannelHandler };
}

function desk(app: Record<string, string>): Desk {
  const clock = createSimulatedClock(0);
  const requests: Desk['requests'] = [];
  const log: string[] = [];
  const engine = appEngine(clock, (request) => {
    requests.push({ url: request.url, params: { ...request.params } });
    return app[request.url] ?? (request.url === 'http://app.test/wait' ? WAIT : '<Response/>');
  });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return {
    engine,
    requests,
    events,
    log,
    async advance(seconds) {
      const until = clock.now() + seconds * 1000;
      await flush();
      clock.schedule(until, () => {});
      for (;;) {
        const next = clock.nextDue();
        if (next === undefined || next > until) break;
        clock.fireNext();
        await flush();
      }
    },
    arrive(url, overrides = {}) {
      let handler: ChannelHandler | undefined;
      const channel = stubChannel({
        id: url,
        listen: (h) => {
          handler = h;
        },
        // Hold music lasts until it is stopped.
        play: (_request, signal) =>
          new Promise((resolve) => signal.addEventListener('abort', () => resolve({ ok: true }))),
        ...overrides,
      });
      const sid = engine.inbound({ From: '+15550001111', To: '+15550002222', Url: url }, channel).sid;
      return { sid, party: () => handler! };
    },
  };
}

const AGENT = (attrs: string, queue = '<Queue>support</Queue>') =>
  `<Response><Dial action="/done" ${attrs}>${queue}</Dial><Say>after</Say></Response>`;

function done(d: Desk): Record<string, string> | undefined {
  return d.requests.find((r) => r.url === 'http://app.test/done')?.params;
}

function notices(d: Desk, code: number): string[] {
  return d.events.flatMap((e) => (e.type === 'notice' && e.code === code ? [String(e.message)] : []));
}

describe('<Dial><Queue>', () => {
  it('a queue that does not exist: warning 13201 naming it, failed, no DialCallSid nor QueueSid', async () => {
    const d = desk({ 'http://app.test/agent': AGENT('') });
    d.arrive('http://app.test/agent');
    await d.advance(1);
    expect(notices(d, 13201)).toEqual(['Dial: queue "support" does not exist']);
    expect(d.events.find((e) => e.type === 'notice')).toMatchObject({ level: 'warning' });
    const params = done(d)!;
    expect(params).toMatchObject({ DialCallStatus: 'failed', DialCallDuration: '0' });
    expect('DialCallSid' in params).toBe(false);
    expect('QueueSid' in params).toBe(false);
  });

  const connecting = (d: Desk): Partial<Channel> => ({
    connect: (_other, signal) =>
      new Promise((resolve) => {
        d.log.push('connect');
        signal.addEventListener('abort', () => {
          d.log.push('disconnect');
          resolve();
        });
      }),
  });

  it('record is not done with a Queue (warning); * with hangupOnStar ends the connection: completed with its length', async () => {
    const d = desk({
      'http://app.test/caller': CALLER,
      'http://app.test/agent': AGENT('record="record-from-answer" hangupOnStar="true"'),
    });
    const caller = d.arrive('http://app.test/caller');
    await d.advance(2);
    const agent = d.arrive('http://app.test/agent', connecting(d));
    await d.advance(3);
    agent.party().dtmf('1');
    await d.advance(1);
    expect(done(d)).toBeUndefined();
    agent.party().dtmf('*');
    await d.advance(1);
    expect(notices(d, 13201)).toEqual([
      'Dial: record="record-from-answer" is not implemented with <Queue>; not recorded',
    ]);
    expect(d.events.find((e) => e.type === 'notice')).toMatchObject({ level: 'warning' });
    expect(d.log).toEqual(['connect', 'disconnect']);
    expect(done(d)).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: caller.sid,
      DialCallDuration: '4',
      QueueSid: expect.stringMatching(/^QU/),
    });
  });

  it("without hangupOnStar the agent's * does nothing; timeLimit ends the connection", async () => {
    const d = desk({
      'http://app.test/caller': CALLER,
      'http://app.test/agent': AGENT('timeLimit="7"'),
    });
    d.arrive('http://app.test/caller');
    await d.advance(1);
    const agent = d.arrive('http://app.test/agent', connecting(d));
    await d.advance(2);
    agent.party().dtmf('*');
    await d.advance(4);
    expect(done(d)).toBeUndefined();
    await d.advance(2);
    expect(notices(d, 13201)).toEqual([]);
    expect(done(d)).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '7' });
  });

  it('a driver that cannot connect two calls: 14103, failed, the caller is given back', async () => {
    const d = desk({ 'http://app.test/caller': CALLER, 'http://app.test/agent': AGENT('') });
    const caller = d.arrive('http://app.test/caller');
    await d.advance(1);
    d.arrive('http://app.test/agent');
    await d.advance(1);
    expect(notices(d, 14103)).toEqual(['Dial: the media driver cannot connect two calls (<Queue>)']);
    expect(done(d)).toMatchObject({
      DialCallStatus: 'failed',
      DialCallSid: caller.sid,
      DialCallDuration: '0',
    });
  });

  it('a connection the driver fails: 14103 naming the caller and the reason, the dial ends', async () => {
    const d = desk({ 'http://app.test/caller': CALLER, 'http://app.test/agent': AGENT('') });
    const caller = d.arrive('http://app.test/caller');
    await d.advance(1);
    d.arrive('http://app.test/agent', { connect: async () => Promise.reject(new Error('no media path')) });
    await d.advance(1);
    expect(notices(d, 14103)).toEqual([
      `Dial: the driver could not connect ${caller.sid}: Error: no media path`,
    ]);
    expect(done(d)).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: caller.sid,
      DialCallDuration: '0',
    });
  });

  it('the agent hanging up while waiting on an empty queue: canceled, with the QueueSid', async () => {
    const d = desk({ 'http://app.test/agent': AGENT('') });
    d.engine.queues.create(d.engine.get(d.arrive('http://app.test/none').sid)!.accountSid, 'support');
    await d.advance(1);
    const agent = d.arrive('http://app.test/agent');
    await d.advance(3);
    agent.party().hangup();
    await d.advance(1);
    const params = done(d)!;
    expect(params).toMatchObject({
      DialCallStatus: 'canceled',
      DialCallDuration: '0',
      QueueSid: expect.stringMatching(/^QU/),
    });
    expect('DialCallSid' in params).toBe(false);
  });

  it('the agent hanging up while connected: completed; the caller is released', async () => {
    const d = desk({ 'http://app.test/caller': CALLER, 'http://app.test/agent': AGENT('') });
    d.arrive('http://app.test/caller');
    await d.advance(1);
    const agent = d.arrive('http://app.test/agent', connecting(d));
    await d.advance(5);
    agent.party().hangup();
    await d.advance(1);
    expect(d.log).toEqual(['connect', 'disconnect']);
    expect(done(d)).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '5' });
  });

  it('without action the next verb runs after the dial', async () => {
    const d = desk({
      'http://app.test/agent': '<Response><Dial><Queue>support</Queue></Dial><Say>after</Say></Response>',
    });
    d.arrive('http://app.test/agent', { say: async (r) => void d.log.push(`say ${r.text}`) });
    await d.advance(1);
    expect(d.log).toEqual(['say after']);
  });
});
