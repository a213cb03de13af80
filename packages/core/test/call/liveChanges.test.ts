import { isRcmlError } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { inbound, lines, outbound, paramsOf, runWorld } from '../engine/harness.js';

const HOLD = '<Response><Say loop="10">Please hold the line</Say></Response>';

describe('live changes (spec 1.5)', () => {
  it('Url during a Gather stops it at once: no action, the new document runs with its fallback', async () => {
    const run = await runWorld(
      inbound('<Response><Gather action="/g"><Say>Press a key</Say></Gather></Response>', {
        modify: [{ at: 2, Url: 'http://app.test/new', Method: 'GET', FallbackUrl: 'http://app.test/fb' }],
        app: {
          'GET http://app.test/new': { status: 500 },
          'POST http://app.test/fb': { body: '<Response><Say>Fallback</Say></Response>' },
        },
      }),
    );
    expect(lines(run.timeline)).toEqual([
      '0 fetch POST http://app.test/voice',
      '0 answer',
      '0 gather input=dtmf timeout=5 finishOnKey=# numDigits=null',
      '0 say text=Press a key voice=man language=en-US loop=1',
      '2 fetch GET http://app.test/new',
      '2 fetch POST http://app.test/fb',
      '2 say text=Fallback voice=man language=en-US loop=1',
      '2.4 hangup',
    ]);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ ErrorCode: '11200', ErrorUrl: 'http://app.test/new' });
    expect(run.clock.pending).toBe(0);
  });

  it('Url while the application is slow to answer abandons that fetch', async () => {
    const run = await runWorld(
      outbound(HOLD, {
        app: {
          'POST http://app.test/voice': { body: HOLD, delay: 5 },
          'POST http://app.test/new': { body: '<Response/>' },
        },
        modify: [{ at: 2, Url: 'http://app.test/new' }],
      }),
    );
    expect(lines(run.timeline)).toEqual([
      '1 fetch POST http://app.test/voice',
      '2 fetch POST http://app.test/new',
      '2 hangup',
    ]);
  });

  it('Status=completed hangs up an answered call: hangup op, then completed', async () => {
    const run = await runWorld(
      outbound(HOLD, {
        call: { StatusCallback: 'http://app.test/s' },
        modify: [{ at: 3, Status: 'completed' }],
      }),
    );
    expect(lines(run.timeline).slice(-2)).toEqual([
      '3 hangup',
      '3 callback POST http://app.test/s completed',
    ]);
    expect(run.final).toEqual({ status: 'completed', duration: 2 });
  });

  it('Status=completed or canceled on a ringing outbound call ends it canceled with no hangup op', async () => {
    for (const Status of ['completed', 'canceled']) {
      const run = await runWorld(
        outbound(HOLD, {
          call: { StatusCallback: 'http://app.test/s' },
          party: [
            { at: 1, do: 'ring' },
            { at: 5, do: 'answer' },
          ],
          modify: [{ at: 3, Status }],
        }),
      );
      expect(lines(run.timeline)).toEqual(['3 callback POST http://app.test/s canceled']);
      expect(run.final).toEqual({ status: 'canceled', duration: 0 });
    }
  });

  it('refuses changes with clear errors: unknown call, answered cancel, final call, Url with Status', async () => {
    const run = await runWorld(outbound(HOLD, { modify: [] }));
    const { engine } = run;
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return isRcmlError(error) ? error.code : error;
      }
      return 'no error';
    };
    expect(code(() => engine.modify('CA404', { Status: 'completed' }))).toBe(20404);
    expect(code(() => engine.modify('CA00000000000000000000000000000001', { Status: 'completed' }))).toBe(
      21220,
    );
  });

  it('refuses Status=canceled on an answered call (21220), Url with Status (20409), a bad Url (20001)', async () => {
    const codes: unknown[] = [];
    const attempt = (fn: () => unknown) => {
      try {
        fn();
        codes.push('ok');
      } catch (error) {
        codes.push(isRcmlError(error) ? [error.code, error.field] : error);
      }
    };
    const run = await runWorld(outbound(HOLD), {}, [
      { at: 2, fn: (engine, sid) => attempt(() => engine.modify(sid, { Status: 'canceled' })) },
      {
        at: 2,
        fn: (engine, sid) =>
          attempt(() => engine.modify(sid, { Status: 'completed', Url: 'http://a.test/' })),
      },
      { at: 2, fn: (engine, sid) => attempt(() => engine.modify(sid, { Url: '/relative' })) },
      { at: 2, fn: (engine, sid) => attempt(() => engine.modify(sid, { Status: 'paused' })) },
    ]);
    expect(codes).toEqual([
      [21220, 'Status'],
      [20409, 'Status'],
      [20001, 'Url'],
      [20001, 'Status'],
    ]);
    expect(run.final).toEqual({ status: 'completed', duration: 10 });
  });

  it('StatusCallback replaces the callback from now on', async () => {
    const run = await runWorld(
      outbound(HOLD, {
        call: { StatusCallback: 'http://app.test/old', StatusCallbackEvent: 'answered completed' },
        modify: [{ at: 2, StatusCallback: 'http://app.test/new' }],
      }),
    );
    expect(lines(run.timeline).filter((l) => l.includes('callback'))).toEqual([
      '1 callback POST http://app.test/old in-progress',
      '11 callback POST http://app.test/new completed',
    ]);
  });
});

describe('live changes during media verbs', () => {
  it('Url during Record discards the recording: no recordingStatusCallback, no action', async () => {
    const run = await runWorld(
      inbound('<Response><Record action="/r" recordingStatusCallback="/rs"/></Response>', {
        party: [{ at: 1, do: 'speak', for: 2 }],
        modify: [{ at: 2, Url: 'http://app.test/new' }],
        app: { 'POST http://app.test/new': { body: '<Response/>' } },
      }),
    );
    expect(lines(run.timeline).slice(3)).toEqual(['2 fetch POST http://app.test/new', '2 hangup']);
  });

  it('Status=completed during a bridged Dial: the leg completes, then hangup and completed', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Dial action="/d"><Number statusCallback="/leg">+15550003333</Number></Dial></Response>',
        {
          inbound: { StatusCallback: 'http://app.test/s' } as never,
          dialed: { '+15550003333': [{ after: 1, do: 'answer' }] },
          modify: [{ at: 5, Status: 'completed' }],
        },
      ),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '5 callback POST http://app.test/leg completed',
      '5 hangup',
      '5 callback POST http://app.test/s completed',
    ]);
    expect(paramsOf(run, 'callback', 0).CallDuration).toBe('4');
  });

  it('Status=canceled on a ringing inbound call (during a Pause) ends it canceled with a hangup', async () => {
    const run = await runWorld(
      inbound('<Response><Pause length="10"/><Say>Hi</Say></Response>', {
        inbound: { StatusCallback: 'http://app.test/s' } as never,
        modify: [{ at: 3, Status: 'canceled' }],
      }),
    );
    expect(lines(run.timeline)).toEqual([
      '0 fetch POST http://app.test/voice',
      '0 pause length=10',
      '3 hangup',
      '3 callback POST http://app.test/s canceled',
    ]);
  });
});
