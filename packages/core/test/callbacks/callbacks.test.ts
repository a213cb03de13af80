import { RcmlError, rfc2822 } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { inbound, lines, noticeCodes, outbound, paramsOf, runWorld } from '../engine/harness.js';

const ALL = {
  StatusCallback: 'http://app.test/s',
  StatusCallbackEvent: 'initiated,ringing answered,completed',
};
const SAY = '<Response><Say>Hi</Say></Response>';

describe('status callbacks (spec 5)', () => {
  it('retries 5xx after 1 s then 2 s, each attempt its own request, without delaying the call', async () => {
    const run = await runWorld(
      outbound(SAY, {
        call: { StatusCallback: 'http://app.test/s', StatusCallbackEvent: 'answered' },
        app: { 'POST http://app.test/s': [{ status: 500 }, { status: 502 }, { status: 200 }] },
      }),
    );
    expect(lines(run.timeline)).toEqual([
      '1 callback POST http://app.test/s in-progress',
      '1 fetch POST http://app.test/voice',
      '1 say text=Hi voice=man language=en-US loop=1',
      '1.1 hangup',
      '2 callback POST http://app.test/s in-progress',
      '4 callback POST http://app.test/s in-progress',
    ]);
    expect(paramsOf(run, 'callback', 2).SequenceNumber).toBe('0');
  });

  it('gives up after the retries with 14102; a 4xx is not retried', async () => {
    const run = await runWorld(
      outbound(SAY, {
        call: { StatusCallback: 'http://app.test/s' },
        app: { 'POST http://app.test/s': { error: 'connect' } },
      }),
    );
    expect(run.timeline.filter((e) => e.kind === 'callback').map((e) => e.at)).toEqual([1.1, 2.1, 4.1]);
    expect(noticeCodes(run)).toEqual([14102]);
    const notFound = await runWorld(outbound(SAY, { call: { StatusCallback: 'http://app.test/none' } }));
    expect(notFound.timeline.filter((e) => e.kind === 'callback')).toHaveLength(1);
  });

  it('the retry policy is configurable', async () => {
    const run = await runWorld(
      outbound(SAY, {
        call: { StatusCallback: 'http://app.test/s' },
        app: { 'POST http://app.test/s': { status: 500 } },
      }),
      { callbackRetry: { delaysMs: [500] } },
    );
    expect(run.timeline.filter((e) => e.kind === 'callback').map((e) => e.at)).toEqual([1.1, 1.6]);
  });

  it('keeps one request in flight per call: a slow receiver delays the next callback, never the call', async () => {
    const run = await runWorld(
      outbound(SAY, {
        call: ALL,
        party: [
          { at: 1, do: 'ring' },
          { at: 2, do: 'answer' },
        ],
        app: { 'POST http://app.test/s': { delay: 3 } },
      }),
    );
    expect(lines(run.timeline)).toEqual([
      '0 callback POST http://app.test/s initiated',
      '2 fetch POST http://app.test/voice',
      '2 say text=Hi voice=man language=en-US loop=1',
      '2.1 hangup',
      '3 callback POST http://app.test/s ringing',
      '6 callback POST http://app.test/s in-progress',
      '9 callback POST http://app.test/s completed',
    ]);
    const seq = run.timeline
      .filter((e) => e.kind === 'callback')
      .map((e) => paramsOf(run, 'callback', 0) && e);
    expect(seq.map((e) => (e.params as Record<string, string>).SequenceNumber)).toEqual(['0', '1', '2', '3']);
    // The Timestamp is the moment of the event, not of the delivery.
    expect((seq[1]!.params as Record<string, string>).Timestamp).toBe('Thu, 01 Jan 2026 00:00:01 +0000');
    expect(run.engine.activeCalls).toBe(0);
  });

  it('drops a callback the transport refuses with 14101 (queue full) and reports it', async () => {
    const world = outbound(SAY, { call: { StatusCallback: 'http://app.test/s' } });
    const run = await runWorld(world, {
      http: {
        send: (request) =>
          request.kind === 'callback'
            ? Promise.reject(new RcmlError(14101, 'queue full', { retryable: true }))
            : Promise.resolve({ status: 200, contentType: 'text/xml', location: null, body: SAY }),
      },
    });
    expect(noticeCodes(run)).toEqual([14101]);
    expect(run.clock.pending).toBe(0);
  });

  it('formats Timestamp as RFC 2822 in UTC, fractions truncated', () => {
    expect(rfc2822(Date.UTC(2026, 0, 1, 0, 0, 5, 999))).toBe('Thu, 01 Jan 2026 00:00:05 +0000');
  });

  it('a StatusCallback without events sends completed alone', async () => {
    const run = await runWorld(outbound(SAY, { call: { StatusCallback: 'http://app.test/s' } }));
    expect(lines(run.timeline).filter((l) => l.includes('callback'))).toEqual([
      '1.1 callback POST http://app.test/s completed',
    ]);
    expect(paramsOf(run, 'callback')).toMatchObject({
      CallbackSource: 'call-progress-events',
      SequenceNumber: '0',
      CallDuration: '0',
      Timestamp: 'Thu, 01 Jan 2026 00:00:01 +0000',
    });
  });

  it('callbacks still waiting when the call ends are delivered, not dropped', async () => {
    const run = await runWorld(
      outbound(SAY, {
        call: { StatusCallback: 'http://app.test/s' },
        app: { 'POST http://app.test/s': { status: 500 } },
      }),
      { callbackRetry: { delaysMs: [1000] } },
    );
    expect(run.timeline.filter((e) => e.kind === 'callback')).toHaveLength(2);
  });

  it('recordingStatusCallback is not held behind a progress callback being retried; completed still comes last', async () => {
    const run = await runWorld(
      inbound('<Response><Record action="/r" maxLength="3" recordingStatusCallback="/rs"/></Response>', {
        inbound: {
          StatusCallback: 'http://app.test/s',
          StatusCallbackEvent: 'ringing completed',
        } as never,
        party: [{ at: 0.5, do: 'speak', for: 1 }],
        app: {
          'POST http://app.test/s': [{ status: 500 }, { status: 500 }, { status: 200 }],
          'POST http://app.test/r': { body: '<Response/>' },
        },
      }),
    );
    expect(lines(run.timeline)).toEqual([
      '0 callback POST http://app.test/s ringing',
      '0 fetch POST http://app.test/voice',
      '0 answer',
      '0 record maxLength=3 timeout=5 finishOnKey=1234567890*# playBeep=true trim=trim-silence',
      '1 callback POST http://app.test/s ringing',
      // maxLength's timer was set before the retry's: it fires first at t=3.
      '3 callback POST http://app.test/rs',
      '3 fetch POST http://app.test/r',
      '3 hangup',
      '3 callback POST http://app.test/s ringing',
      '3 callback POST http://app.test/s completed',
    ]);
  });
});
