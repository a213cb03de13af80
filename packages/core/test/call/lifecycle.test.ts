import {
  type Channel,
  type ChannelHandler,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush, inbound, lines, noticeCodes, outbound, paramsOf, runWorld } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const SAY = '<Response><Say>Hi</Say></Response>';

describe('outbound lifecycle (spec 1.1, 1.2)', () => {
  it('busy ends the call busy without fetching the Url or hanging up', async () => {
    const run = await runWorld(
      outbound(SAY, {
        call: { StatusCallback: 'http://app.test/status', StatusCallbackEvent: 'initiated completed' },
        party: [{ at: 2, do: 'busy' }],
      }),
    );
    expect(lines(run.timeline)).toEqual([
      '0 callback POST http://app.test/status initiated',
      '2 callback POST http://app.test/status busy',
    ]);
    expect(paramsOf(run, 'callback', 1).CallDuration).toBe('0');
    expect(run.final).toEqual({ status: 'busy', duration: 0 });
  });

  it('a connection failure ends the call failed', async () => {
    const run = await runWorld(outbound(SAY, { party: [{ at: 1, do: 'fail' }] }));
    expect(run.timeline).toEqual([]);
    expect(run.final).toEqual({ status: 'failed', duration: 0 });
  });

  it('no answer within Timeout seconds ends no-answer; the cancel is not a hangup op', async () => {
    const run = await runWorld(
      outbound(SAY, {
        call: { Timeout: '7', StatusCallback: 'http://app.test/status' },
        party: [
          { at: 1, do: 'ring' },
          { at: 7, do: 'answer' },
        ],
      }),
    );
    expect(lines(run.timeline)).toEqual(['7 callback POST http://app.test/status no-answer']);
    expect(run.final).toEqual({ status: 'no-answer', duration: 0 });
    expect(run.clock.pending).toBe(0);
  });

  it('the far end hanging up abandons the verb: no hangup op, completed with the answered seconds', async () => {
    const run = await runWorld(
      outbound('<Response><Say loop="10">Please hold the line</Say></Response>', {
        call: { StatusCallback: 'http://app.test/status' },
        party: [
          { at: 1, do: 'answer' },
          { at: 4.5, do: 'hangup' },
        ],
      }),
    );
    expect(lines(run.timeline)).toEqual([
      '1 fetch POST http://app.test/voice',
      '1 say text=Please hold the line voice=man language=en-US loop=10',
      '4.5 callback POST http://app.test/status completed',
    ]);
    expect(paramsOf(run, 'callback').CallDuration).toBe('3');
    expect(paramsOf(run, 'callback').SequenceNumber).toBe('0');
  });

  it('voicemail detection adds AnsweredBy and VoicemailDetector to answered and every later request', async () => {
    const run = await runWorld(
      outbound('<Response><Redirect>/next</Redirect></Response>', {
        call: {
          DetectVoicemail: 'yes',
          StatusCallback: 'http://app.test/status',
          StatusCallbackEvent: 'ringing answered completed',
        },
        party: [
          { at: 1, do: 'ring' },
          { at: 2, do: 'answer', by: 'machine' },
        ],
        app: { 'POST http://app.test/next': { body: '<Response/>' } },
      }),
    );
    expect(paramsOf(run, 'callback', 0).AnsweredBy).toBeUndefined();
    for (const p of [paramsOf(run, 'callback', 1), paramsOf(run, 'fetch', 0), paramsOf(run, 'fetch', 1)]) {
      expect(p.AnsweredBy).toBe('machine');
      expect(p.VoicemailDetector).toBe('voicemail');
    }
    expect(paramsOf(run, 'callback', 2).AnsweredBy).toBe('machine');
    expect(run.engine.get('CA00000000000000000000000000000001')?.answeredBy).toBe('machine');
  });

  it('create returns the call queued; it is initiated at once', async () => {
    const run = await runWorld(outbound(SAY));
    const statuses = run.events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
    expect(statuses).toEqual(['initiated', 'in-progress', 'completed']);
  });
});

describe('inbound answer rules (spec 1.3)', () => {
  it('the ringing event fires on arrival, before the first fetch (CallStatus=ringing)', async () => {
    const run = await runWorld(
      inbound(SAY, {
        inbound: {
          StatusCallback: 'http://app.test/status',
          StatusCallbackEvent: 'ringing answered completed',
        },
      } as never),
    );
    expect(lines(run.timeline)).toEqual([
      '0 callback POST http://app.test/status ringing',
      '0 fetch POST http://app.test/voice',
      '0 answer',
      '0 callback POST http://app.test/status in-progress',
      '0 say text=Hi voice=man language=en-US loop=1',
      '0.1 hangup',
      '0.1 callback POST http://app.test/status completed',
    ]);
    expect(paramsOf(run, 'fetch').CallStatus).toBe('ringing');
    expect(paramsOf(run, 'callback', 2).SequenceNumber).toBe('2');
  });

  it('Redirect keeps the call ringing; the next document is fetched with CallStatus=ringing', async () => {
    const run = await runWorld(
      inbound('<Response><Redirect method="GET">/two?x=1</Redirect></Response>', {
        app: { 'GET http://app.test/two': { body: '<Response><Hangup/></Response>' } },
      }),
    );
    expect(lines(run.timeline)).toEqual([
      '0 fetch POST http://app.test/voice',
      '0 fetch GET http://app.test/two',
      '0 answer',
      '0 hangup',
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ CallStatus: 'ringing', x: '1' });
  });

  it('Reject refuses without answering: busy → busy, rejected → no-answer', async () => {
    const busy = await runWorld(inbound('<Response><Reject reason="busy"/></Response>'));
    expect(lines(busy.timeline)).toEqual(['0 fetch POST http://app.test/voice', '0 reject reason=busy']);
    expect(busy.final).toEqual({ status: 'busy', duration: 0 });
    const rejected = await runWorld(inbound('<Response><Reject/></Response>'));
    expect(rejected.final).toEqual({ status: 'no-answer', duration: 0 });
  });

  it('Reject on an answered call hangs up: completed', async () => {
    const run = await runWorld(inbound('<Response><Say>Hi</Say><Reject/></Response>'));
    expect(lines(run.timeline).slice(-1)).toEqual(['0.1 hangup']);
    expect(run.final?.status).toBe('completed');
  });

  it('a document that runs out before any media ends completed with duration 0, never answered', async () => {
    const run = await runWorld(inbound('<Response><Pause length="2"/></Response>'));
    expect(lines(run.timeline)).toEqual([
      '0 fetch POST http://app.test/voice',
      '0 pause length=2',
      '2 hangup',
    ]);
    expect(run.final).toEqual({ status: 'completed', duration: 0 });
  });

  it('an application error on a never-answered inbound call ends it failed', async () => {
    const run = await runWorld(
      inbound('not xml', { app: { 'POST http://app.test/voice': { status: 500 } } }),
    );
    expect(run.final).toEqual({ status: 'failed', duration: 0 });
    expect(noticeCodes(run)).toEqual([11200]);
  });

  it('Hangup answers an unanswered inbound call first', async () => {
    const run = await runWorld(inbound('<Response><Hangup/></Response>'));
    expect(lines(run.timeline)).toEqual(['0 fetch POST http://app.test/voice', '0 answer', '0 hangup']);
    expect(run.final).toEqual({ status: 'completed', duration: 0 });
  });

  it('the caller hanging up while ringing ends the call completed with no hangup op', async () => {
    const run = await runWorld(
      inbound('<Response><Pause length="5"/><Say>Hi</Say></Response>', { party: [{ at: 2, do: 'hangup' }] }),
    );
    expect(lines(run.timeline)).toEqual(['0 fetch POST http://app.test/voice', '0 pause length=5']);
    expect(run.final).toEqual({ status: 'completed', duration: 0 });
  });
});

describe('voicemail detection without a result (spec 6)', () => {
  it('a detecting driver that never reports goes on after 30 s with AnsweredBy=unknown', async () => {
    const clock = createSimulatedClock();
    const requests: Record<string, string>[] = [];
    const channel = (): Channel =>
      stubChannel({
        listen(h: ChannelHandler) {
          queueMicrotask(() => h.answered());
        },
      });
    const engine = createEngine({
      driver: { capabilities: { ssml: false, speech: false, voicemailDetection: true }, originate: channel },
      http: {
        send: async (r) => {
          requests.push({ ...r.params, at: String((clock.now() - Date.UTC(2026, 0, 1)) / 1000) });
          return { status: 200, contentType: 'text/xml', location: null, body: '<Response/>' };
        },
      },
      clock,
      ids: createSequentialIds(),
    });
    engine.create({ To: '+1555', From: '+1666', Url: 'http://app.test/v', DetectVoicemail: 'true' });
    await flush();
    while (clock.fireNext()) await flush();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ at: '30', AnsweredBy: 'unknown', VoicemailDetector: 'person_found' });
  });
});
