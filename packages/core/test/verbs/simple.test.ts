/**
 * The simple verbs at their edges: `<Say>` with SSML, `<Play>` of a URL that is not http(s),
 * `<Sms>` on an outbound call and with a status callback, `<Reject>` on an answered call, and
 * `<Leave>` outside a queue.
 */
import {
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type EngineEvent,
  type SayRequest,
  type SmsRequest,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { flush, inbound, lines, outbound, runWorld } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

describe('<Say> with SSML', () => {
  it('passes the SSML to the driver with the plain text', async () => {
    const clock = createSimulatedClock(0);
    const said: SayRequest[] = [];
    const engine = createEngine({
      driver: {
        capabilities: { ssml: true, speech: false, voicemailDetection: false },
        originate: () => stubChannel(),
      },
      http: {
        send: async () => ({
          status: 200,
          contentType: 'text/xml',
          location: null,
          body: '<Response><Say>Hello <emphasis>there</emphasis></Say><Say>plain</Say></Response>',
        }),
      },
      clock,
      ids: createSequentialIds(),
    });
    engine.inbound(
      { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice' },
      stubChannel({
        say: async (request) => {
          said.push(request);
        },
      }),
    );
    await flush();
    while (clock.fireNext()) await flush();
    expect(said).toStrictEqual([
      {
        text: 'Hello there',
        ssml: 'Hello <emphasis>there</emphasis>',
        voice: 'man',
        language: 'en-US',
        loop: 1,
      },
      { text: 'plain', voice: 'man', language: 'en-US', loop: 1 },
    ]);
  });
});

describe('<Play>', () => {
  it('a media URL that is not http(s) is reported (13227) without asking the driver; the next verb runs', async () => {
    const run = await runWorld(inbound('<Response><Play>ftp://media.test/a.wav</Play><Pause/></Response>'));
    const notices = run.events.flatMap((e: EngineEvent) =>
      e.type === 'notice' ? [`${e.code} ${e.message}`] : [],
    );
    expect(notices).toEqual(['13227 Play: media URL "ftp://media.test/a.wav" is not an http(s) URL']);
    expect(lines(run.timeline).slice(1)).toEqual(['0 answer', '0 pause length=1', '1 hangup']);
  });
});

describe('<Sms>', () => {
  const capture = () => {
    const sent: SmsRequest[] = [];
    return {
      sent,
      messaging: {
        send: async (request: SmsRequest) => {
          sent.push(request);
          return { status: 'sent' as const };
        },
      },
    };
  };

  it('on an outbound call goes to the callee, from the calling number', async () => {
    const { sent, messaging } = capture();
    await runWorld(outbound('<Response><Sms>hi</Sms></Response>'), { messaging });
    expect(sent.map(({ to, from }) => ({ to, from }))).toEqual([
      { to: '+15550001111', from: '+15550002222' },
    ]);
  });

  it('passes its statusCallback resolved against the document', async () => {
    const { sent, messaging } = capture();
    await runWorld(inbound('<Response><Sms statusCallback="/sms-status">hi</Sms></Response>'), { messaging });
    expect(sent.map((request) => request.statusCallback)).toEqual(['http://app.test/sms-status']);
  });
});

describe('<Reject> and <Leave>', () => {
  it('<Reject> on an answered call hangs up: the verbs after it do not run', async () => {
    const run = await runWorld(inbound('<Response><Say>hi</Say><Reject/><Say>never</Say></Response>'));
    expect(lines(run.timeline).slice(1)).toEqual([
      '0 answer',
      '0 say text=hi voice=man language=en-US loop=1',
      '0.1 hangup',
    ]);
    expect(run.final?.status).toBe('completed');
  });

  it('<Leave> outside a queue does nothing: the next verb runs', async () => {
    const run = await runWorld(inbound('<Response><Say>hi</Say><Leave/><Say>after</Say></Response>'));
    expect(lines(run.timeline).slice(1)).toEqual([
      '0 answer',
      '0 say text=hi voice=man language=en-US loop=1',
      '0.1 say text=after voice=man language=en-US loop=1',
      '0.35 hangup',
    ]);
  });
});
