/**
 * The end of a call and the requests it still owes (spec 4.5, 5, 9.4): the `completed`
 * callback is the call's last request, after any recording notification still being
 * delivered; and an engine shutting down drops, at its deadline, those notifications too.
 */
import {
  type ChannelHandler,
  type CreateCallParams,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type EngineEvent,
  type HttpRequest,
  type HttpResponse,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush, inbound, lines, runWorld } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const CALL = {
  To: '+15550001111',
  From: '+15550002222',
  Url: 'http://app.test/voice',
  StatusCallback: 'http://app.test/status',
  Record: 'true',
  RecordingStatusCallback: 'http://app.test/recording',
};

/**
 * An outbound `Record=true` call on a driver that records whole calls; its app answers an
 * empty document (the call ends at once); the recording callback answers after `delay`
 * seconds, or never (`'never'`).
 */
async function recordedCall(recordingAnswer: number | 'never') {
  const clock = createSimulatedClock();
  const start = clock.now();
  const t = () => (clock.now() - start) / 1000;
  const requests: string[] = [];
  let handler: ChannelHandler | undefined;
  const ok: HttpResponse = { status: 200, contentType: 'text/xml', location: null, body: '<Response/>' };
  const engine = createEngine({
    driver: {
      capabilities: { ssml: false, speech: false, voicemailDetection: false },
      originate: () =>
        stubChannel({
          listen: (h) => {
            handler = h;
          },
          recordCall: async (request) => ({
            stop: async () => ({ url: `http://rec.test/${request.recordingSid}` }),
          }),
        }),
    },
    http: {
      send(request: HttpRequest) {
        const status = request.params.CallStatus === undefined ? '' : ` ${request.params.CallStatus}`;
        requests.push(`${t()} ${request.kind} ${request.url}${status}`);
        if (!request.url.endsWith('/recording')) return Promise.resolve(ok);
        if (recordingAnswer === 'never') return new Promise(() => {});
        return new Promise((resolve) => clock.setTimeout(() => resolve(ok), recordingAnswer * 1000));
      },
    },
    clock,
    ids: createSequentialIds(),
  });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  const { sid } = engine.create(CALL as CreateCallParams);
  await flush();
  handler!.answered();
  await flush();
  return { engine, clock, requests, events, sid, t };
}

/** Fire the simulated clock's timers until `done()` or none is left. */
async function runUntil(clock: ReturnType<typeof createSimulatedClock>, done: () => boolean = () => false) {
  await flush();
  while (!done() && clock.fireNext()) await flush();
}

const dropped = (events: readonly EngineEvent[]) =>
  events.flatMap((e) => (e.type === 'notice' && e.code === 14101 ? [e.message] : []));

describe('the completed callback comes last (spec 5, 9.4)', () => {
  it('Record=true: completed waits until the recording callback has been answered', async () => {
    const { clock, requests } = await recordedCall(2);
    await runUntil(clock);
    expect(requests).toEqual([
      '0 fetch http://app.test/voice in-progress',
      '0 callback http://app.test/recording',
      '2 callback http://app.test/status completed',
    ]);
  });

  it('a <Record> notification still being delivered when the call ends: completed waits for it', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Record action="/after" maxLength="2" recordingStatusCallback="/recording"/></Response>',
        {
          inbound: { StatusCallback: 'http://app.test/status' },
          party: [{ at: 0.5, do: 'speak', for: 0.5 }],
          app: {
            'POST http://app.test/after': { body: '<Response><Hangup/></Response>' },
            'POST http://app.test/recording': { delay: 3 },
          },
        } as never,
      ),
    );
    expect(lines(run.timeline).filter((l) => !l.includes(' record ') && !l.includes(' answer'))).toEqual([
      '0 fetch POST http://app.test/voice',
      '2 callback POST http://app.test/recording',
      '2 fetch POST http://app.test/after',
      '2 hangup',
      '5 callback POST http://app.test/status completed',
    ]);
  });
});

describe('an engine shutting down drops what the ended calls still owe at its deadline (14101)', () => {
  it('Record=true: the recording callback never answered is dropped', async () => {
    const { engine, clock, events } = await recordedCall('never');
    await flush();
    let finished = false;
    void engine.shutdown({ deadlineMs: 4000 }).then(() => {
      finished = true;
    });
    await runUntil(clock, () => finished);
    expect(finished).toBe(true);
    expect(dropped(events)).toEqual([
      'callback to http://app.test/recording dropped: shutdown deadline passed',
      'callback to http://app.test/status dropped: delivery was stopped',
    ]);
  });

  it('a <Record> notification never answered is dropped', async () => {
    let finished = false;
    const run = await runWorld(
      inbound(
        '<Response><Record action="/after" maxLength="2" recordingStatusCallback="/recording"/></Response>',
        {
          party: [{ at: 0.5, do: 'speak', for: 0.5 }],
          app: {
            'POST http://app.test/after': { body: '<Response><Hangup/></Response>' },
            'POST http://app.test/recording': { error: 'hang' },
          },
        } as never,
      ),
      {},
      [
        {
          at: 3,
          fn: (engine) =>
            void engine.shutdown({ deadlineMs: 4000 }).then(() => {
              finished = true;
            }),
        },
      ],
    );
    expect(run.final?.status).toBe('completed');
    expect(finished).toBe(true);
    expect(dropped(run.events)).toEqual([
      'callback to http://app.test/recording dropped: shutdown deadline passed',
    ]);
  });

  it('a call that hung up and still makes its <Record> request is left to finish it (no END)', async () => {
    const inspected: string[] = [];
    let finished = false;
    const run = await runWorld(
      inbound('<Response><Record action="/after" maxLength="10"/></Response>', {
        party: [
          { at: 0.5, do: 'speak', for: 0.5 },
          { at: 2, do: 'hangup' },
        ],
        app: { 'POST http://app.test/after': { body: '<Response/>', delay: 4 } },
      } as never),
      {
        inspect: (event) => {
          if (event.type === '@xstate.event') inspected.push(event.event.type);
        },
      },
      [
        {
          at: 3,
          fn: (engine) =>
            void engine.shutdown({ deadlineMs: 10_000 }).then(() => {
              finished = true;
            }),
        },
      ],
    );
    expect(finished).toBe(true);
    expect(lines(run.timeline).at(-1)).toBe('2 fetch POST http://app.test/after');
    expect(run.final?.status).toBe('completed');
    expect(inspected).not.toContain('END');
    expect(inspected).toContain('REQUEST.DONE');
  });
});
