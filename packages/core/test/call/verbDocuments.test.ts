/**
 * A verb's own documents (an `<Enqueue>`'s `waitUrl`), fetched for the call (call/loadDocument.ts):
 * the call's fetch-rate limit holds for them, a failed fetch is reported and the call goes on,
 * and a settled fetch is left alone afterwards.
 */
import type { EngineEvent, HttpRequest } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { inbound, lines, runWorld } from '../engine/harness.js';

const notices = (events: readonly EngineEvent[]) =>
  events.flatMap((e) => (e.type === 'notice' ? [{ code: e.code, level: e.level, message: e.message }] : []));

const ENQUEUE = '<Response><Enqueue waitUrl="/wait">support</Enqueue><Say>after</Say></Response>';

describe("a verb's own documents", () => {
  it('a waitUrl that redirects to itself stops at the fetch-rate limit (14100) and the call goes on', async () => {
    const run = await runWorld(
      inbound(ENQUEUE, {
        app: { 'POST http://app.test/wait': { body: '<Response><Redirect>/wait</Redirect></Response>' } },
      }),
    );
    expect(notices(run.events)).toEqual([
      {
        code: 14100,
        level: 'error',
        message: 'Enqueue waitUrl of queue support: more than 100 document fetches in a minute',
      },
    ]);
    const fetches = lines(run.timeline).filter((l) => l.includes(' fetch '));
    // The call's own document counts: 1 + 99 waitUrl fetches in the minute.
    expect(fetches).toHaveLength(100);
    expect(lines(run.timeline).slice(-2)).toEqual([
      '0 say text=after voice=man language=en-US loop=1',
      '0.25 hangup',
    ]);
    expect(run.final?.status).toBe('completed');
  });

  it('a waitUrl that cannot be fetched is reported with its reason, and the next verb runs', async () => {
    const run = await runWorld(inbound(ENQUEUE));
    expect(notices(run.events)).toEqual([
      {
        code: 11200,
        level: 'error',
        message: 'Enqueue waitUrl of queue support: HTTP 404 from http://app.test/wait',
      },
    ]);
    expect(lines(run.timeline)).toEqual([
      '0 fetch POST http://app.test/voice',
      '0 answer',
      '0 fetch POST http://app.test/wait',
      '0 say text=after voice=man language=en-US loop=1',
      '0.25 hangup',
    ]);
  });

  it('a settled waitUrl fetch is not aborted later, when the caller hangs up during the wait', async () => {
    const signals: AbortSignal[] = [];
    const bodies: Record<string, string> = {
      'http://app.test/voice': ENQUEUE,
      'http://app.test/wait': '<Response><Pause length="5"/><Redirect>/wait</Redirect></Response>',
    };
    const run = await runWorld(inbound('', { party: [{ at: 12, do: 'hangup' }] }), {
      http: {
        send: async (request: HttpRequest) => {
          signals.push(request.signal);
          return { status: 200, contentType: 'text/xml', location: null, body: bodies[request.url] ?? '' };
        },
      },
    });
    expect(lines(run.timeline)).toEqual([
      '0 answer',
      '0 pause length=5',
      '5 pause length=5',
      '10 pause length=5',
    ]);
    expect(signals).toHaveLength(4);
    expect(signals.map((signal) => signal.aborted)).toEqual([false, false, false, false]);
    expect(run.final).toEqual({ status: 'completed', duration: 12 });
  });
});
