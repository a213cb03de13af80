/**
 * `<Enqueue>` (TwiML, docs/decisions.md "Queues") over the engine harness: the caller is the
 * harness's inbound call; an agent (`<Dial><Queue>`) is a second inbound call started on the
 * same engine at a given time, on a channel that stays connected until the call ends.
 */
import { createSimulatedClock, type Engine, type EngineEvent } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { appEngine } from '../engine/appEngine.js';
import { flush, inbound, lines, paramsOf, runWorld, type World } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const notices = (events: readonly EngineEvent[]) =>
  events.flatMap((e) => (e.type === 'notice' ? [`${e.code} ${e.level} ${e.message}`] : []));

/** An agent calling in at `at` whose document takes the first caller of `support`. */
function agentAt(at: number, queueUrl: string | null = null) {
  const noun = queueUrl === null ? '<Queue>support</Queue>' : `<Queue url="${queueUrl}">support</Queue>`;
  const app = {
    'POST http://app.test/agent': { body: `<Response><Dial action="/agent-done">${noun}</Dial></Response>` },
    'POST http://app.test/agent-done': { body: '<Response/>' },
  };
  const probe = {
    at,
    fn: (engine: Engine) => {
      engine.inbound(
        { From: '+15550003333', To: '+15550002222', Url: 'http://app.test/agent' },
        stubChannel({
          id: 'agent',
          connect: (_other, signal) =>
            new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
        }),
      );
    },
  };
  return { app, probe };
}

function caller(enqueue: string, extra: Partial<World> = {}): World {
  return inbound(`<Response>${enqueue}<Say>after</Say></Response>`, {
    ...extra,
    app: { 'POST http://app.test/left': { body: '<Response/>' }, ...extra.app },
  });
}

const fetched = (run: Awaited<ReturnType<typeof runWorld>>, url: string) =>
  run.timeline
    .filter((e) => e.kind === 'fetch' && e.url === url)
    .map((e) => e.params as Record<string, string>);

describe('<Enqueue>', () => {
  it('a waitUrl that is not http(s) is a warning (13801): the caller waits in silence until hanging up', async () => {
    const run = await runWorld(
      caller('<Enqueue action="/left" waitUrl="ftp://music.test/hold">support</Enqueue>', {
        party: [{ at: 4, do: 'hangup' }],
      }),
    );
    expect(notices(run.events)).toEqual([
      '13801 warning <Enqueue> waitUrl "ftp://music.test/hold" is not an http(s) URL; the caller waits in silence',
    ]);
    expect(lines(run.timeline)).toEqual([
      '0 fetch POST http://app.test/voice',
      '0 answer',
      '4 fetch POST http://app.test/left',
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ QueueResult: 'hangup', QueueTime: '4' });
  });

  it('a <Hangup> in a wait document ends the call: no action, no next verb', async () => {
    const run = await runWorld(
      caller('<Enqueue action="/left" waitUrl="/wait">support</Enqueue>', {
        app: { 'POST http://app.test/wait': { body: '<Response><Pause length="2"/><Hangup/></Response>' } },
      }),
    );
    expect(lines(run.timeline)).toEqual([
      '0 fetch POST http://app.test/voice',
      '0 answer',
      '0 fetch POST http://app.test/wait',
      '0 pause length=2',
      '2 hangup',
    ]);
    expect(run.final?.status).toBe('completed');
  });

  it('a caller hanging up during a wait document: the document stops at once, its next verb never starts', async () => {
    const run = await runWorld(
      caller('<Enqueue action="/left" waitUrl="/wait">support</Enqueue>', {
        party: [{ at: 1, do: 'hangup' }],
        app: {
          'POST http://app.test/wait': { body: '<Response><Pause length="3"/><Say>never</Say></Response>' },
        },
      }),
    );
    expect(lines(run.timeline)).toEqual([
      '0 fetch POST http://app.test/voice',
      '0 answer',
      '0 fetch POST http://app.test/wait',
      '0 pause length=3',
      '1 fetch POST http://app.test/left',
    ]);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ QueueResult: 'hangup', QueueTime: '1' });
  });

  it('without action, the caller leaving the queue runs the next verb', async () => {
    const run = await runWorld(
      caller('<Enqueue waitUrl="/wait">support</Enqueue>', {
        app: { 'POST http://app.test/wait': { body: '<Response><Leave/></Response>' } },
      }),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '0 say text=after voice=man language=en-US loop=1',
      '0.25 hangup',
    ]);
  });

  it('taken off by an agent: the caller is connected, then bridged with the queue time of the dequeue', async () => {
    const agent = agentAt(3);
    const run = await runWorld(
      caller('<Enqueue action="/left" waitUrl="/wait">support</Enqueue>', {
        party: [{ at: 10, do: 'hangup' }],
        app: {
          'POST http://app.test/wait': { body: '<Response><Pause length="60"/></Response>' },
          ...agent.app,
        },
      }),
      {},
      [agent.probe],
    );
    const [left] = fetched(run, 'http://app.test/left');
    expect(left).toMatchObject({
      QueueResult: 'bridged',
      QueueSid: 'QU00000000000000000000000000000001',
      QueueTime: '3',
    });
    // The wait document stopped by the dequeue is not a failure.
    expect(notices(run.events)).toEqual([]);
    // The wait document stops when the agent takes the caller; no other one is fetched.
    expect(lines(run.timeline).slice(2)).toEqual([
      '0 fetch POST http://app.test/wait',
      '0 pause length=60',
      '3 fetch POST http://app.test/agent',
      '10 fetch POST http://app.test/left',
      '10 fetch POST http://app.test/agent-done',
    ]);
  });

  it('a <Queue url> document that cannot be fetched: the caller is not connected, QueueResult=error', async () => {
    const agent = agentAt(2, '/whisper');
    const run = await runWorld(caller('<Enqueue action="/left">support</Enqueue>', { app: agent.app }), {}, [
      agent.probe,
    ]);
    const [left] = fetched(run, 'http://app.test/left');
    expect(left).toMatchObject({ QueueResult: 'error', QueueTime: '2' });
    expect(notices(run.events)).toEqual([
      '11200 error Dial Queue url of queue QU00000000000000000000000000000001: HTTP 404 from http://app.test/whisper',
    ]);
    expect(lines(run.timeline).slice(2)).toEqual([
      '2 fetch POST http://app.test/agent',
      '2 fetch POST http://app.test/whisper',
      '2 fetch POST http://app.test/left',
      '2 fetch POST http://app.test/agent-done',
      '2 hangup',
    ]);
  });

  it('a caller hanging up during the <Queue url> document: bridging-in-process, never connected', async () => {
    const agent = agentAt(2, '/whisper');
    const run = await runWorld(
      caller('<Enqueue action="/left">support</Enqueue>', {
        party: [{ at: 3, do: 'hangup' }],
        app: {
          ...agent.app,
          'POST http://app.test/whisper': { body: '<Response><Pause length="5"/><Say>x</Say></Response>' },
        },
      }),
      {},
      [agent.probe],
    );
    const [whisper] = fetched(run, 'http://app.test/whisper');
    expect(whisper).toMatchObject({ QueueTime: '2', QueueSid: 'QU00000000000000000000000000000001' });
    const [left] = fetched(run, 'http://app.test/left');
    expect(left).toMatchObject({ QueueResult: 'bridging-in-process', QueueTime: '2' });
    expect(lines(run.timeline).slice(2)).toEqual([
      '2 fetch POST http://app.test/agent',
      '2 fetch POST http://app.test/whisper',
      '2 pause length=5',
      '3 fetch POST http://app.test/left',
      '3 fetch POST http://app.test/agent-done',
    ]);
  });

  it('a caller hanging up as the <Queue url> document fails left during the bridging: bridging-in-process, not error', async () => {
    // The agent is the harness's call, taking the queue's first caller at 2; the caller joins at
    // 1 and hangs up the moment its <Queue url> document fails (the 11200 notice).
    let callerSid = '';
    const probe = {
      at: 1,
      fn: (engine: Engine) => {
        let hangUp = () => {};
        engine.subscribe((e) => {
          if (e.type === 'notice' && e.callSid === callerSid && e.code === 11200) hangUp();
        });
        callerSid = engine.inbound(
          { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/caller' },
          stubChannel({
            id: 'caller',
            listen: (handler) => {
              hangUp = () => handler.hangup();
            },
          }),
        ).sid;
      },
    };
    const run = await runWorld(
      inbound(
        '<Response><Pause length="2"/><Dial action="/agent-done"><Queue url="/whisper">support</Queue></Dial></Response>',
        {
          app: {
            'POST http://app.test/caller': {
              body: '<Response><Enqueue action="/left">support</Enqueue></Response>',
            },
            'POST http://app.test/left': { body: '<Response/>' },
            'POST http://app.test/agent-done': { body: '<Response/>' },
          },
        },
      ),
      {},
      [probe],
    );
    expect(notices(run.events)).toEqual([
      '11200 error Dial Queue url of queue QU00000000000000000000000000000001: HTTP 404 from http://app.test/whisper',
    ]);
    const [left] = fetched(run, 'http://app.test/left');
    expect(left).toMatchObject({ CallSid: callerSid, QueueResult: 'bridging-in-process', QueueTime: '1' });
    expect(run.engine.get(callerSid)?.status).toBe('completed');
  });

  it('a hang-up during a <Gather> in a wait document ends the wait: QueueResult=hangup at once', async () => {
    const run = await runWorld(
      caller('<Enqueue action="/left" waitUrl="/wait">support</Enqueue>', {
        party: [{ at: 2, do: 'hangup' }],
        app: {
          'POST http://app.test/wait': {
            body: '<Response><Gather timeout="10"><Say>press</Say></Gather></Response>',
          },
        },
      }),
    );
    expect(lines(run.timeline).slice(-1)).toEqual(['2 fetch POST http://app.test/left']);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ QueueResult: 'hangup', QueueTime: '2' });
  });

  it('a <Gather> without action in a wait document submits to that wait document, with the queue parameters', async () => {
    const run = await runWorld(
      caller('<Enqueue action="/left" waitUrl="/wait">support</Enqueue>', {
        party: [{ at: 1, do: 'dtmf', digits: '5' }],
        app: {
          'POST http://app.test/wait': [
            { body: '<Response><Gather numDigits="1"><Pause length="5"/></Gather></Response>' },
            { body: '<Response><Leave/></Response>' },
          ],
        },
      }),
    );
    expect(lines(run.timeline).filter((l) => l.includes('fetch'))).toEqual([
      '0 fetch POST http://app.test/voice',
      '0 fetch POST http://app.test/wait',
      '1 fetch POST http://app.test/wait',
      '1 fetch POST http://app.test/left',
    ]);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ Digits: '5', QueueTime: '1' });
    expect(paramsOf(run, 'fetch', 3)).toMatchObject({ QueueResult: 'leave' });
  });

  it('a wait document with a verb it may not hold fails before running it (12200): QueueResult=error', async () => {
    const run = await runWorld(
      caller('<Enqueue action="/left" waitUrl="/wait">support</Enqueue>', {
        app: { 'POST http://app.test/wait': { body: '<Response><Say>hold</Say>\n<Record/></Response>' } },
      }),
    );
    expect(notices(run.events)).toEqual([
      '12200 error Enqueue waitUrl of queue support: <Record> (line 2) may not stand in this document (http://app.test/wait); only Say, Play, Pause, Gather, Redirect, Leave, Hangup',
    ]);
    expect(lines(run.timeline).slice(2)).toEqual([
      '0 fetch POST http://app.test/wait',
      '0 fetch POST http://app.test/left',
      '0 hangup',
    ]);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ QueueResult: 'error' });
  });

  it('a <Redirect> in a wait document to a URL that is not http(s) fails it (11200): QueueResult=error', async () => {
    const run = await runWorld(
      caller('<Enqueue action="/left" waitUrl="/wait">support</Enqueue>', {
        app: {
          'POST http://app.test/wait': {
            body: '<Response><Redirect>ftp://x.test/next</Redirect></Response>',
          },
        },
      }),
    );
    expect(notices(run.events)).toEqual([
      '11200 error Enqueue waitUrl of queue support: "ftp://x.test/next" is not an http(s) URL',
    ]);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ QueueResult: 'error' });
  });

  it("a wait document's attribute warnings are reported as warnings, and the document runs", async () => {
    const run = await runWorld(
      caller('<Enqueue action="/left" waitUrl="/wait">support</Enqueue>', {
        app: { 'POST http://app.test/wait': { body: '<Response><Pause length="abc"/><Leave/></Response>' } },
      }),
    );
    expect(run.events.flatMap((e) => (e.type === 'notice' ? [e.level] : []))).toEqual(['warning']);
    expect(lines(run.timeline).slice(3)).toEqual([
      '0 pause length=1',
      '1 fetch POST http://app.test/left',
      '1 hangup',
    ]);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ QueueResult: 'leave', QueueTime: '1' });
  });

  it('a driver failure in a wait document is reported (20500) and ends the wait: QueueResult=error', async () => {
    const clock = createSimulatedClock(0);
    const log: string[] = [];
    const events: EngineEvent[] = [];
    const bodies: Record<string, string> = {
      'http://app.test/voice':
        '<Response><Enqueue action="/left" waitUrl="/wait">support</Enqueue></Response>',
      'http://app.test/wait': '<Response><Play>http://media.test/hold.wav</Play></Response>',
    };
    const engine = appEngine(clock, (request) => {
      log.push(`${request.url} ${request.params.QueueResult ?? ''}`.trim());
      return bodies[request.url] ?? '<Response/>';
    });
    engine.subscribe((e) => events.push(e));
    engine.inbound(
      { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice' },
      stubChannel({
        play: async () => {
          throw new Error('speaker on fire');
        },
      }),
    );
    await flush();
    while (clock.fireNext()) await flush();
    expect(notices(events)).toEqual([
      '20500 error Enqueue: the wait documents failed: Error: speaker on fire',
    ]);
    expect(log).toEqual(['http://app.test/voice', 'http://app.test/wait', 'http://app.test/left error']);
  });

  it('a live change of a waiting caller takes it out of the queue', async () => {
    const sizes: (number | undefined)[] = [];
    const size = (engine: Engine) => {
      sizes.push(engine.queues.get('QU00000000000000000000000000000001')?.currentSize);
    };
    const run = await runWorld(
      caller('<Enqueue action="/left">support</Enqueue>', {
        modify: [{ at: 2, Url: 'http://app.test/next' }],
        app: { 'POST http://app.test/next': { body: '<Response><Pause length="3"/></Response>' } },
      }),
      {},
      [
        { at: 1, fn: size },
        { at: 3, fn: size },
      ],
    );
    expect(sizes).toEqual([1, 0]);
    expect(fetched(run, 'http://app.test/left')).toEqual([]);
  });

  it.each([
    ['without action', '<Enqueue>support</Enqueue>'],
    ['with an action that is not http(s)', '<Enqueue action="ftp://files.test/left">support</Enqueue>'],
  ])('dequeued by the Members resource %s: no action request, the new document runs', async (_, enqueue) => {
    const run = await runWorld(
      caller(enqueue, {
        app: { 'POST http://app.test/next': { body: '<Response><Pause length="1"/></Response>' } },
      }),
      {},
      [
        {
          at: 2,
          fn: (engine, sid) => {
            engine.queues.dequeue('QU00000000000000000000000000000001', sid, 'http://app.test/next', 'POST');
          },
        },
      ],
    );
    expect(lines(run.timeline)).toEqual([
      '0 fetch POST http://app.test/voice',
      '0 answer',
      '2 fetch POST http://app.test/next',
      '2 pause length=1',
      '3 hangup',
    ]);
    expect(notices(run.events)).toEqual([]);
  });

  it('a caller arriving at a full queue: QueueResult=queue-full at once, without QueueSid or QueueTime', async () => {
    const run = await runWorld(
      caller('<Enqueue action="/left">support</Enqueue>', {
        party: [{ at: 5, do: 'hangup' }],
        app: {
          'POST http://app.test/second': {
            body: '<Response><Enqueue action="/full">support</Enqueue></Response>',
          },
          'POST http://app.test/full': { body: '<Response/>' },
        },
      }),
      {},
      [
        {
          at: 1,
          fn: (engine) => {
            engine.queues.update('QU00000000000000000000000000000001', { maxSize: 1 });
            engine.inbound(
              { From: '+15550003333', To: '+15550002222', Url: 'http://app.test/second' },
              stubChannel({ id: 'second' }),
            );
          },
        },
      ],
    );
    const [full] = fetched(run, 'http://app.test/full');
    expect(full).toMatchObject({ QueueResult: 'queue-full', From: '+15550003333' });
    expect(Object.keys(full!).filter((k) => k.startsWith('Queue'))).toEqual(['QueueResult']);
  });
});
