/**
 * `<Record>` at its edges (spec 4.5): voice and keys around the moment the recording starts,
 * the recording status callback's method and a callback that is not http(s), a driver that
 * cannot stop the recording, and a hang-up before the recording has started.
 */
import { type ChannelHandler, createSimulatedClock, type EngineEvent } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { appEngine } from '../engine/appEngine.js';
import { flush, inbound, lines, paramsOf, runWorld } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const DONE = { 'POST http://app.test/r': { body: '<Response/>' } };
const speak = (at: number, seconds: number) => ({ at, do: 'speak', for: seconds });

describe('<Record>: voice around the start of the recording', () => {
  it('a caller already talking when the recording starts is recorded; the silence counts from the end of that voice', async () => {
    // The Say lasts 0.1 s; the caller talks from 0 to 2, so across the start of the recording.
    const run = await runWorld(
      inbound('<Response><Say>hi</Say><Record action="/r" timeout="1"/></Response>', {
        party: [speak(0, 2)],
        app: DONE,
      }),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '0.1 record maxLength=3600 timeout=1 finishOnKey=1234567890*# playBeep=true trim=trim-silence',
      '3 fetch POST http://app.test/r',
      '3 hangup',
    ]);
    expect(paramsOf(run, 'fetch', 1).RecordingDuration).toBe('2');
  });

  it('voice that ended before the recording started does not count: nothing is requested', async () => {
    // The Say lasts 0.55 s; the caller talks from 0 to 0.2 only.
    const run = await runWorld(
      inbound('<Response><Say>hello there</Say><Record action="/r" timeout="1"/><Say>next</Say></Response>', {
        party: [speak(0, 0.2)],
        app: DONE,
      }),
    );
    expect(lines(run.timeline).filter((l) => l.includes('fetch'))).toEqual([
      '0 fetch POST http://app.test/voice',
    ]);
    expect(lines(run.timeline).slice(-2)).toEqual([
      '1.55 say text=next voice=man language=en-US loop=1',
      '1.75 hangup',
    ]);
  });
});

describe('<Record>: the recording status callback', () => {
  it('is sent with recordingStatusCallbackMethod', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Record action="/r" recordingStatusCallback="/rs" recordingStatusCallbackMethod="GET"/></Response>',
        { party: [speak(1, 1), { at: 3, do: 'dtmf', digits: '#' }], app: DONE },
      ),
    );
    expect(lines(run.timeline).slice(3, 5)).toEqual([
      '3 callback GET http://app.test/rs',
      '3 fetch POST http://app.test/r',
    ]);
    expect(paramsOf(run, 'fetch', 1).Digits).toBe('#');
  });

  it('one that is not http(s) is reported (13601) and skipped; the action is still requested with the recording', async () => {
    const run = await runWorld(
      inbound('<Response><Record action="/r" recordingStatusCallback="ftp://files.test/rs"/></Response>', {
        party: [speak(1, 1), { at: 3, do: 'dtmf', digits: '#' }],
        app: DONE,
      }),
    );
    const notices = run.events.flatMap((e) =>
      e.type === 'notice' ? [{ code: e.code, message: e.message }] : [],
    );
    expect(notices).toEqual([
      { code: 13601, message: 'Record: recordingStatusCallback "ftp://files.test/rs" is not http(s)' },
    ]);
    expect(lines(run.timeline).slice(3)).toEqual(['3 fetch POST http://app.test/r', '3 hangup']);
    expect(paramsOf(run, 'fetch', 1).RecordingUrl).toBe(
      'http://recordings.test/RE00000000000000000000000000000001',
    );
  });
});

/**
 * A call on a channel whose recording starts `beep` seconds after it is asked for (the driver
 * plays its beep first); `stopFails`: the driver cannot stop the recording. `party` acts on
 * the simulated clock.
 */
async function recordOnChannel(options: {
  body: string;
  beep: number;
  stopFails?: boolean;
  /** The driver's stop never settles, and the call is redirected (a live change) at this time. */
  stopHangsThenModifyAt?: number;
  party: { at: number; act: (h: ChannelHandler) => void }[];
}) {
  const clock = createSimulatedClock(0);
  const log: string[] = [];
  const events: EngineEvent[] = [];
  let handler: ChannelHandler | undefined;
  const at = () => clock.now() / 1000;
  const engine = appEngine(clock, (request) => {
    const { Digits, RecordingUrl } = request.params;
    log.push(`${at()} ${request.url} Digits=${Digits} RecordingUrl=${RecordingUrl}`);
    return request.url.endsWith('/voice') ? options.body : '<Response/>';
  });
  engine.subscribe((e) => events.push(e));
  const channel = stubChannel({
    listen: (h) => {
      handler = h;
    },
    record: (request) =>
      new Promise((resolve) => {
        clock.setTimeout(() => {
          log.push(`${at()} recording ${request.recordingSid}`);
          resolve({
            stop: async () => {
              if (options.stopHangsThenModifyAt !== undefined) return new Promise(() => {});
              if (options.stopFails) throw new Error('recording lost');
              return { url: `http://recordings.test/${request.recordingSid}` };
            },
          });
        }, options.beep * 1000);
      }),
    hangup: async () => {
      log.push(`${at()} hangup`);
    },
  });
  for (const action of options.party) {
    clock.setTimeout(() => {
      if (handler !== undefined) action.act(handler);
    }, action.at * 1000);
  }
  const modifyAt = options.stopHangsThenModifyAt;
  if (modifyAt !== undefined) {
    clock.setTimeout(() => engine.modify(sid, { Url: 'http://app.test/next' }), modifyAt * 1000);
  }
  const sid = engine.inbound(
    { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice' },
    channel,
  ).sid;
  await flush();
  while (clock.fireNext()) await flush();
  const notices = events.flatMap((e) => (e.type === 'notice' ? [`${e.code} ${e.message}`] : []));
  return { log, notices, status: engine.get(sid)?.status };
}

describe('<Record>: the driver', () => {
  it('keys pressed during the beep, before the recording started, do not end it', async () => {
    const run = await recordOnChannel({
      body: '<Response><Record action="/r" timeout="2" finishOnKey="#"/></Response>',
      beep: 1,
      party: [
        { at: 0.5, act: (h) => h.dtmf('#') },
        { at: 1.5, act: (h) => h.voice(true) },
        { at: 2, act: (h) => h.voice(false) },
        { at: 3, act: (h) => h.dtmf('#') },
      ],
    });
    expect(run.log.slice(1)).toEqual([
      '1 recording RE00000000000000000000000000000001',
      '3 http://app.test/r Digits=# RecordingUrl=http://recordings.test/RE00000000000000000000000000000001',
      '3 hangup',
    ]);
  });

  it('a caller who hangs up during the beep: the recording ends at once, nothing voiced, nothing requested', async () => {
    const run = await recordOnChannel({
      body: '<Response><Record action="/r" maxLength="10"/></Response>',
      beep: 1,
      party: [{ at: 0.5, act: (h) => h.hangup() }],
    });
    expect(run.log).toEqual([
      '0 http://app.test/voice Digits=undefined RecordingUrl=undefined',
      '1 recording RE00000000000000000000000000000001',
    ]);
    expect(run.status).toBe('completed');
  });

  it('a recording the driver cannot stop: 14103 naming it, and the action is requested without a RecordingUrl', async () => {
    const run = await recordOnChannel({
      body: '<Response><Record action="/r" finishOnKey="#"/></Response>',
      beep: 0,
      stopFails: true,
      party: [
        { at: 1, act: (h) => h.voice(true) },
        { at: 2, act: (h) => h.voice(false) },
        { at: 3, act: (h) => h.dtmf('#') },
      ],
    });
    expect(run.notices).toEqual([
      '14103 Record: the driver could not stop recording RE00000000000000000000000000000001',
    ]);
    expect(run.log.slice(2)).toEqual(['3 http://app.test/r Digits=# RecordingUrl=', '3 hangup']);
  });

  it('a live change while the driver stops the recording abandons it: no 14103, no action', async () => {
    const run = await recordOnChannel({
      body: '<Response><Record action="/r" finishOnKey="#"/></Response>',
      beep: 0,
      stopHangsThenModifyAt: 4,
      party: [
        { at: 1, act: (h) => h.voice(true) },
        { at: 2, act: (h) => h.voice(false) },
        { at: 3, act: (h) => h.dtmf('#') },
      ],
    });
    expect(run.notices).toEqual([]);
    expect(run.log.slice(1, 3)).toEqual([
      '0 recording RE00000000000000000000000000000001',
      '4 http://app.test/next Digits=undefined RecordingUrl=undefined',
    ]);
  });
});
