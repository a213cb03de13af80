import { type ChannelHandler, createSimulatedClock, type SimulatedClock } from '@rcml/core';
import { createSimulatedDriver, type SimulatedDriverOptions } from '@rcml/driver';
import { createRecordingHandler } from '@rcml/driver/conformance';
import { describe, expect, it } from 'vitest';

const T0 = Date.UTC(2026, 0, 1);
const settle = () => new Promise<void>((r) => setImmediate(r));

/** Fire every timer, settling promises in between; returns the clock. */
async function runAll(clock: SimulatedClock): Promise<void> {
  await settle();
  while (clock.fireNext()) await settle();
}

function setup(options: Omit<SimulatedDriverOptions, 'clock'> = {}) {
  const clock = createSimulatedClock(T0);
  const driver = createSimulatedDriver({ ...options, clock });
  const seconds = () => (clock.now() - T0) / 1000;
  return { clock, driver, seconds };
}

/** When (seconds since t=0) a promise resolved. */
function stamp(p: Promise<unknown>, seconds: () => number): { at: number | null } {
  const out = { at: null as number | null };
  p.then(() => {
    out.at = seconds();
  });
  return out;
}

const never = () => new AbortController().signal;

/** The outbound call most tests place. */
const OUTBOUND = { callSid: 'CA1', to: '+1', from: '+2', timeout: 60, detectVoicemail: false } as const;

describe('simulated driver timing (replay media model)', () => {
  it('say lasts sayCharSeconds per code point per loop', async () => {
    const { clock, driver, seconds } = setup({ media: { sayCharSeconds: 0.1 } });
    const { channel } = driver.inbound({ from: 'a', to: 'b' });
    // 'héllo😀' is 6 code points (7 UTF-16 units).
    const s = stamp(
      channel.say({ text: 'héllo😀', voice: 'man', language: 'en-US', loop: 2 }, never()),
      seconds,
    );
    await runAll(clock);
    expect(s.at).toBeCloseTo(1.2, 6);
  });

  it('play uses playSeconds per URL, the default otherwise, and failUrls end at once', async () => {
    const { clock, driver, seconds } = setup({
      media: { playSeconds: { 'http://m/a.wav': 3 }, defaultPlaySeconds: 5, failUrls: ['http://m/bad.wav'] },
    });
    const { channel } = driver.inbound({ from: 'a', to: 'b' });
    const a = stamp(channel.play({ url: 'http://m/a.wav', loop: 2 }, never()), seconds);
    const other = stamp(channel.play({ url: 'http://m/x.wav', loop: 1 }, never()), seconds);
    await expect(channel.play({ url: 'http://m/bad.wav', loop: 1 }, never())).resolves.toEqual({
      ok: false,
      reason: 'media-unavailable',
    });
    expect(seconds()).toBe(0);
    await runAll(clock);
    expect([a.at, other.at]).toEqual([6, 5]);
  });

  it('digits take digitSeconds per key, w half a second and W one second; pause its length', async () => {
    const { clock, driver, seconds } = setup({ media: { digitSeconds: 0.25 } });
    const { channel } = driver.inbound({ from: 'a', to: 'b' });
    const d = stamp(channel.sendDigits({ digits: '12wW#' }, never()), seconds);
    const p = stamp(channel.pause({ length: 3 }, never()), seconds);
    await runAll(clock);
    expect(d.at).toBeCloseTo(0.75 + 1.5, 6);
    expect(p.at).toBe(3);
  });

  it('an abort stops the media at once and clears its timer', async () => {
    const { clock, driver, seconds } = setup();
    const { channel } = driver.inbound({ from: 'a', to: 'b' });
    const controller = new AbortController();
    const s = stamp(channel.pause({ length: 600 }, controller.signal), seconds);
    clock.schedule(T0 + 2000, () => controller.abort(), 1);
    await runAll(clock);
    expect(s.at).toBe(2);
    expect(clock.pending).toBe(0);
  });

  it('recording URLs are the base URL followed by the recording SID', async () => {
    const { driver } = setup({ media: { recordingBaseUrl: 'http://rec/' } });
    const { channel } = driver.inbound({ from: 'a', to: 'b' });
    const session = await channel.record(
      {
        maxLength: 10,
        timeout: 5,
        finishOnKey: '#',
        playBeep: true,
        trim: 'trim-silence',
        recordingSid: 'RE1',
      },
      never(),
    );
    await expect(session.stop()).resolves.toEqual({ url: 'http://rec/RE1' });
  });
});

describe('simulated far end', () => {
  function events(handler: ChannelHandler & { events: string[] }) {
    return handler.events;
  }

  it('follows the party script at absolute times, with detection truth and keys apart by gap', async () => {
    const { clock, driver, seconds } = setup({
      party: [
        { at: 1, do: 'ring' },
        { at: 3, do: 'answer', by: 'machine' },
        { at: 4, do: 'dtmf', digits: '12', gap: 0.5 },
        { at: 6, do: 'speak', for: 2 },
        { at: 10, do: 'hangup' },
      ],
    });
    const channel = driver.originate({ ...OUTBOUND, detectVoicemail: true });
    const handler = createRecordingHandler();
    const times: number[] = [];
    channel.listen(
      new Proxy(handler, {
        get: (target, key) => {
          const value = Reflect.get(target, key);
          return typeof value === 'function' && key !== 'markEnded'
            ? (...args: unknown[]) => {
                times.push(seconds());
                return value(...args);
              }
            : value;
        },
      }),
    );
    await runAll(clock);
    expect(events(handler)).toEqual([
      'ringing',
      'answered',
      'detected:machine',
      'dtmf:1',
      'dtmf:2',
      'voice:true',
      'voice:false',
      'hangup',
    ]);
    expect(times).toEqual([1, 3, 3, 4, 4.5, 6, 8, 10]);
    expect(clock.pending).toBe(0);
  });

  it('actions due at the same instant run in file order: every key of a dtmf, the end of a speak', async () => {
    const { clock, driver } = setup({
      party: [
        { at: 1, do: 'answer' },
        { at: 2, do: 'speak', for: 2 },
        { at: 4, do: 'dtmf', digits: '12' },
        { at: 4, do: 'hangup' },
      ],
    });
    const channel = driver.originate(OUTBOUND);
    const handler = createRecordingHandler();
    channel.listen(handler);
    await runAll(clock);
    expect(handler.events).toEqual(['answered', 'voice:true', 'voice:false', 'dtmf:1', 'dtmf:2', 'hangup']);
  });

  it('detection is reported only when it was asked for', async () => {
    const { clock, driver } = setup({ party: [{ at: 1, do: 'answer' }] });
    const channel = driver.originate(OUTBOUND);
    const handler = createRecordingHandler();
    channel.listen(handler);
    await runAll(clock);
    expect(handler.events).toEqual(['answered']);
  });

  it('an engine hang-up cancels the rest of the script', async () => {
    const { clock, driver } = setup({
      party: [
        { at: 1, do: 'answer' },
        { at: 5, do: 'dtmf', digits: '1' },
      ],
    });
    const channel = driver.originate(OUTBOUND);
    const handler = createRecordingHandler();
    channel.listen(handler);
    clock.schedule(T0 + 2000, () => void channel.hangup(), 0);
    await runAll(clock);
    expect(handler.events).toEqual(['answered']);
    expect(clock.now()).toBe(T0 + 2000);
  });

  it('dial targets follow their script relative to the dial; conferences join at once; others ring', async () => {
    const { clock, driver, seconds } = setup({
      dialed: {
        '+1555': [
          { after: 4, do: 'answer' },
          { after: 9, do: 'hangup' },
        ],
      },
    });
    const { channel } = driver.inbound({ from: 'a', to: 'b' });
    await channel.answer(never());
    clock.schedule(T0 + 10_000, () => {}, 0);
    while (clock.now() < T0 + 10_000) clock.fireNext();
    const session = channel.dial(
      {
        targets: [
          { type: 'number', to: '+1555', callSid: 'CA2' },
          { type: 'number', to: '+1666', callSid: 'CA3' },
        ],
        timeout: 30,
        timeLimit: 100,
        callerId: 'a',
        hangupOnStar: false,
        record: 'do-not-record',
      },
      never(),
    );
    const legs = session.legs.map(() => createRecordingHandler());
    const stamps: string[] = [];
    session.legs.forEach((leg, i) => {
      leg.listen({ ...legs[i]!, answered: () => stamps.push(`${i}@${seconds()}`) });
    });
    const room = channel.dial(
      {
        targets: [{ type: 'conference', to: 'room', callSid: 'CA4' }],
        timeout: 30,
        timeLimit: 100,
        callerId: 'a',
        hangupOnStar: false,
        record: 'do-not-record',
      },
      never(),
    ).legs[0]!;
    room.listen({ ...createRecordingHandler(), answered: () => stamps.push(`room@${seconds()}`) });
    await runAll(clock);
    expect(stamps).toEqual(['room@10', '0@14']);
    expect(legs[1]!.events).toEqual(['ringing']);
  });

  it('a dial records like <Record>: the file is recordingBaseUrl + the RecordingSid', async () => {
    const { driver } = setup({ media: { recordingBaseUrl: 'http://files.test/r/' } });
    const { channel } = driver.inbound({ from: 'a', to: 'b' });
    await channel.answer(never());
    const session = channel.dial(
      {
        targets: [{ type: 'number', to: '+1555', callSid: 'CA2' }],
        timeout: 30,
        timeLimit: 100,
        callerId: 'a',
        hangupOnStar: false,
        record: 'record-from-ringing',
      },
      never(),
    );
    expect(session.record).toBeTypeOf('function');
    const recording = await session.record!({ recordingSid: 'RE7', fromRinging: true, dual: false }, never());
    expect(await recording.stop()).toEqual({ url: 'http://files.test/r/RE7' });
  });

  it('interactive: an unscripted outbound call rings and answers after autoAnswerAfter', async () => {
    const { clock, driver, seconds } = setup({ autoAnswerAfter: 2 });
    const channel = driver.originate(OUTBOUND);
    const handler = createRecordingHandler();
    let answeredAt = -1;
    channel.listen({ ...handler, answered: () => (answeredAt = seconds()) });
    await runAll(clock);
    expect(answeredAt).toBe(2);
    await driver.find(channel)!.farEnd.dtmf('5');
    expect(driver.liveChannels).toBe(1);
  });
});

describe('on a plain clock (interactive use, e.g. the system clock)', () => {
  it('works through setTimeout/clearTimeout only, and the far end is reachable through onCall', async () => {
    const timers = new Map<number, { at: number; fn: () => void }>();
    let now = 0;
    let next = 1;
    const clock = {
      now: () => now,
      setTimeout: (fn: () => void, ms: number) => {
        timers.set(next, { at: now + ms, fn });
        return next++;
      },
      clearTimeout: (id: unknown) => void timers.delete(id as number),
    };
    const seen: string[] = [];
    const driver = createSimulatedDriver({
      clock,
      autoAnswerAfter: 1,
      onCall: (call) => seen.push(`${call.kind}:${call.to}`),
    });
    const channel = driver.originate(OUTBOUND);
    const handler = createRecordingHandler();
    channel.listen(handler);
    const tick = async () => {
      const [id, t] = [...timers].sort((a, b) => a[1].at - b[1].at)[0]!;
      timers.delete(id);
      now = t.at;
      t.fn();
      await settle();
    };
    await tick();
    await tick();
    expect(handler.events).toEqual(['ringing', 'answered']);
    const said = channel.say({ text: 'abc', voice: 'man', language: 'en-US', loop: 1 }, never());
    await driver.find(channel)!.farEnd.hangup();
    await said;
    expect(handler.events).toEqual(['ringing', 'answered', 'hangup']);
    expect(timers.size).toBe(0);
    expect(seen).toEqual(['outbound:+1']);
  });
});
