/**
 * One test per recorded ARI trace: the driver under test makes the recorded `app` requests
 * against a fake ARI server replaying the trace (same paths and queries, ids aside), and
 * reports the right handler events. The "engine" here is the test itself, driving the
 * channel the way the engine would.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel, DialRequest } from '@rcml/core';
import { createSimulatedClock } from '@rcml/core';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundCall } from '../src/index.js';
import { ModelAri } from './fake/modelAri.js';
import { ReplayAri, type ReplayOptions } from './fake/replayAri.js';
import { loadTrace, traceNames } from './fake/traces.js';
import {
  conferenceDial,
  type Recorder,
  recorder,
  startDriver,
  type TestDriver,
  until,
  wav8k,
} from './helpers.js';

const open = () => new AbortController().signal;

interface Run {
  readonly fake: ReplayAri;
  readonly t: TestDriver;
}

let running: Run | null = null;
afterEach(async () => {
  await running?.t.driver.stop().catch(() => undefined);
  await running?.fake.close();
  running = null;
});

async function replay(
  name: string,
  options: { replay?: ReplayOptions; driver?: Parameters<typeof startDriver>[1] } = {},
): Promise<Run> {
  const fake = await ReplayAri.start(loadTrace(name), options.replay);
  const t = await startDriver(fake.url, options.driver);
  running = { fake, t };
  return running;
}

async function inbound(t: TestDriver): Promise<{ call: InboundCall; rec: Recorder }> {
  await until(() => t.inbound.length > 0, 'the inbound call');
  const call = t.inbound[0]!;
  const rec = recorder();
  call.channel.listen(rec);
  return { call, rec };
}

/** The whole trace was replayed and the driver sent nothing it should not have. */
async function finished(fake: ReplayAri): Promise<void> {
  await Promise.race([fake.done(), until(() => fake.mismatches.length > 0, 'the end of the trace')]);
  expect(fake.mismatches).toEqual([]);
  expect(fake.remaining()).toEqual([]);
}

function dialTo(to: string, timeout = 10): DialRequest {
  return {
    targets: [{ type: 'number', to, callSid: 'CA0000000000000000000000000000leg1' }],
    timeout,
    timeLimit: 14400,
    callerId: '+15551230001',
    hangupOnStar: false,
    record: 'do-not-record',
  };
}

/** Replay a dial trace: the inbound call answered, one leg dialled and listened to. */
async function dialFromAnsweredCall(trace: string, to: string, timeout?: number) {
  const { fake, t } = await replay(trace);
  const { call, rec } = await inbound(t);
  await call.channel.answer(open());
  const session = call.channel.dial(dialTo(to, timeout), open());
  const leg = recorder();
  session.legs[0]!.listen(leg);
  return { fake, call, rec, session, leg };
}

const RECORD = { trim: 'trim-silence' as const, recordingSid: 'RE00000000000000000000000000000001' };

describe('recorded ARI traces', () => {
  it('every trace file has a test here', () => {
    const tested = new Set(
      readFileSync(new URL(import.meta.url), 'utf8')
        .split('\n')
        .map((line) => /^ {2}it\('([a-z-]+):/.exec(line)?.[1] ?? /^ {4}\['([a-z-]+)',/.exec(line)?.[1])
        .filter((n): n is string => n !== undefined),
    );
    expect(traceNames().filter((n) => !tested.has(n))).toEqual([]);
  });

  it('inbound-answer-hangup: an inbound call is answered and hung up by the engine', async () => {
    const { fake, t } = await replay('inbound-answer-hangup');
    const { call, rec } = await inbound(t);
    expect({ from: call.from, to: call.to, name: call.callerName }).toEqual({
      from: '+15551230001',
      to: 's',
      name: 'Alice',
    });
    await call.channel.answer(open());
    await call.channel.hangup();
    await finished(fake);
    // Only the `;2` half is a call; the `;1` caller half entering Stasis is not.
    expect(t.inbound).toHaveLength(1);
    expect(rec.events).toEqual([]);
    expect(fake.extra.map((r) => r.path)).toEqual([
      '/ari/applications/rcml',
      `/ari/channels/1795874983.1/variable?variable=TALK_DETECT(set)&value=700,256`,
    ]);
  });

  it('inbound-caller-hangs-up: the far end hanging up is reported once', async () => {
    const { fake, t } = await replay('inbound-caller-hangs-up', { replay: { manualHarness: true } });
    await fake.harness(); // the call arrives
    const { call, rec } = await inbound(t);
    await call.channel.answer(open());
    expect(rec.events).toEqual([]);
    await fake.harness(); // the caller hangs up
    await finished(fake);
    await until(() => rec.events.length > 0);
    expect(rec.events).toEqual(['hangup']);
  });

  it('inbound-caller-hangs-up-ringing: a caller hanging up before the answer is reported', async () => {
    const { fake, t } = await replay('inbound-caller-hangs-up-ringing');
    const { rec } = await inbound(t);
    await finished(fake);
    await until(() => rec.events.length > 0);
    expect(rec.events).toEqual(['hangup']);
  });

  it('play-finished: plays run to the end; a loop is one request with several media', async () => {
    const { fake, t } = await replay('play-finished');
    const { call, rec } = await inbound(t);
    await call.channel.answer(open());
    expect(await call.channel.play({ url: 'sound:hello-world', loop: 1 }, open())).toEqual({ ok: true });
    expect(await call.channel.play({ url: 'sound:beep', loop: 2 }, open())).toEqual({ ok: true });
    await call.channel.hangup();
    await finished(fake);
    expect(rec.events).toEqual([]);
  });

  it('play-stopped-bargein: aborting on a key stops the playback with DELETE /playbacks', async () => {
    const { fake, t } = await replay('play-stopped-bargein', { replay: { manualHarness: true } });
    await fake.harness();
    const { call, rec } = await inbound(t);
    await call.channel.answer(open());
    const bargeIn = new AbortController();
    const playing = call.channel.play({ url: 'sound:tt-monkeys', loop: 1 }, bargeIn.signal);
    await fake.passed((s) => s.dir === 'event' && s.event.type === 'PlaybackStarted');
    await fake.harness(); // the caller presses 5 while the prompt plays
    await until(() => rec.events.includes('dtmf:5'), 'the key');
    bargeIn.abort();
    expect(await playing).toEqual({ ok: true });
    await call.channel.hangup();
    await finished(fake);
    expect(rec.events).toEqual(['dtmf:5']);
    expect(fake.matched.map((r) => r.method + ' ' + r.path)).toContain('DELETE /ari/playbacks/pb-test-1');
  });

  it('dtmf-sequence: each key arrives once, in order', async () => {
    const { fake, t } = await replay('dtmf-sequence');
    const { call, rec } = await inbound(t);
    await call.channel.answer(open());
    await until(() => rec.events.length === 3, 'three keys');
    await call.channel.hangup();
    await finished(fake);
    expect(rec.events).toEqual(['dtmf:1', 'dtmf:2', 'dtmf:#']);
  });

  it('record-finish-key: the recording ends on #, its file is copied and exposed at a URL', async () => {
    const trace = loadTrace('record-finish-key');
    const { fake, t } = await replay('record-finish-key');
    const { call, rec } = await inbound(t);
    await call.channel.answer(open());
    const session = await call.channel.record(
      { ...RECORD, maxLength: 10, timeout: 0, finishOnKey: '#', playBeep: true },
      open(),
    );
    await until(() => rec.events.includes('dtmf:#'), 'the finish key');
    const { url } = await session.stop();
    await call.channel.hangup();
    await finished(fake);
    expect(url).toBe(`http://rcml.test/recordings/${RECORD.recordingSid}.wav`);
    const recorded = trace.steps.find((s) => s.dir === 'response' && s.bodyBase64 !== undefined);
    const copy = readFileSync(join(t.dir, 'recordings', `${RECORD.recordingSid}.wav`));
    expect(copy.equals(Buffer.from((recorded as { bodyBase64: string }).bodyBase64, 'base64'))).toBe(true);
  });

  for (const [name, maxLength, timeout] of [
    ['record-max-duration', 2, 0],
    ['record-silence', 10, 1],
    ['record-speech-then-silence', 10, 1],
    ['record-no-audio', 10, 1],
  ] as const) {
    it(`${name}: a recording Asterisk ended by itself still stops cleanly with a URL`, async () => {
      const { fake, t } = await replay(name);
      const { call, rec } = await inbound(t);
      await call.channel.answer(open());
      const session = await call.channel.record(
        { ...RECORD, maxLength, timeout, finishOnKey: '', playBeep: false },
        open(),
      );
      await fake.passed((s) => s.dir === 'event' && s.event.type === 'RecordingFinished');
      const { url } = await session.stop();
      await call.channel.hangup();
      await finished(fake);
      expect(url).toBe(`http://rcml.test/recordings/${RECORD.recordingSid}.wav`);
      expect(rec.events).toEqual([]);
    });
  }

  it('dial-answer-bridge: the answered leg is bridged; the bridge goes before the caller hangs up', async () => {
    const { fake, call, rec, session, leg } = await dialFromAnsweredCall('dial-answer-bridge', 's@callee');
    await until(() => leg.events.includes('answered'), 'the answer');
    await session.bridge(0);
    await until(() => leg.events.includes('hangup'), 'the callee hanging up');
    await call.channel.hangup();
    await finished(fake);
    expect(leg.events).toEqual(['answered', 'hangup']);
    expect(rec.events).toEqual([]);
  });

  it('dial-busy: busy is reported once and the driver hangs the busy leg up', async () => {
    const { fake, call, leg } = await dialFromAnsweredCall('dial-busy', 's@callee-busy');
    await until(() => leg.events.includes('busy'), 'busy');
    await fake.passed((s) => s.dir === 'event' && s.event.type === 'ChannelDestroyed');
    await call.channel.hangup();
    await finished(fake);
    expect(leg.events).toEqual(['busy']);
  });

  it('dial-busy-hangup: busy, then the far end ends the leg with cause 17: still one busy', async () => {
    const { fake, call, leg } = await dialFromAnsweredCall('dial-busy-hangup', 's@callee-busy-hangup');
    await until(() => leg.events.includes('busy'), 'busy');
    await fake.passed((s) => s.dir === 'event' && s.event.type === 'ChannelDestroyed');
    await call.channel.hangup();
    await finished(fake);
    // The driver hangs a busy leg up at once (README item 16) unless, as here when the replay
    // delivers the far end's hang-up together with BUSY, the leg is already gone.
    expect(leg.events).toEqual(['busy']);
  });

  it('dial-no-answer-timeout: cause 19 without a NOANSWER event is a no-answer', async () => {
    const { fake, call, leg } = await dialFromAnsweredCall('dial-no-answer-timeout', 's@callee-noanswer', 2);
    await until(() => leg.events.length === 2, 'the end of the attempt');
    await call.channel.hangup();
    await finished(fake);
    expect(leg.events).toEqual(['ringing', 'failed:no-answer']);
  });

  it('dial-failed: a leg destroyed before any Dial status failed', async () => {
    const { fake, call, leg } = await dialFromAnsweredCall('dial-failed', 'nosuch@callee');
    await until(() => leg.events.length === 1, 'the failure');
    await call.channel.hangup();
    await finished(fake);
    expect(leg.events).toEqual(['failed:unreachable']);
  });

  it('reject-busy: <Reject reason="busy"> hangs up with reason=busy (cause 17)', async () => {
    const { fake, t } = await replay('reject-busy');
    const { call, rec } = await inbound(t);
    await call.channel.reject('busy');
    await finished(fake);
    expect(rec.events).toEqual([]);
  });

  it('reject-decline: <Reject> (rejected) hangs up with reason=normal, a 603 Decline on SIP', async () => {
    const { fake, t } = await replay('reject-decline');
    const { call, rec } = await inbound(t);
    await call.channel.reject('rejected');
    await finished(fake);
    expect(rec.events).toEqual([]);
  });

  it('reject-rejected: with rejectedCause "rejected" the reason is rejected (cause 21)', async () => {
    const { fake, t } = await replay('reject-rejected', { driver: { rejectedCause: 'rejected' } });
    const { call, rec } = await inbound(t);
    await call.channel.reject('rejected');
    await finished(fake);
    expect(rec.events).toEqual([]);
  });

  it('ws-close-leftover: after a WebSocket drop the driver reconnects and hangs the call up', async () => {
    const { fake, t } = await replay('ws-close-leftover');
    const { call, rec } = await inbound(t);
    await call.channel.answer(open());
    await until(() => t.clock.pending > 0, 'the reconnection timer');
    expect(t.clock.nextDue()! - t.clock.now()).toBe(500);
    t.clock.fireNext();
    await until(() => rec.events.includes('hangup'), 'the hang-up');
    await finished(fake);
    expect(fake.connections).toBe(2);
    expect(rec.events).toEqual(['hangup']);
  });

  it('play-absolute-path: downloaded media and speech play by absolute path without extension', async () => {
    const mediaDir = mkdtempSync(join(tmpdir(), 'rcml-ast-media-'));
    const url = 'http://media.test/hello.wav';
    const key = createHash('sha256').update(url).digest('hex').slice(0, 40);
    const { fake, t } = await replay('play-absolute-path', {
      replay: { substitutions: { '<sounds>/hello-world': join(mediaDir, key), '<tts>': '/tts' } },
      driver: { mediaCacheDir: mediaDir, media: { [url]: { contentType: 'audio/wav', bytes: wav8k() } } },
    });
    const { call } = await inbound(t);
    await call.channel.answer(open());
    expect(await call.channel.play({ url, loop: 1 }, open())).toEqual({ ok: true });
    await call.channel.say({ text: 'Hello there', voice: 'woman', language: 'en-US', loop: 1 }, open());
    await call.channel.hangup();
    await finished(fake);
    expect(t.said.map((s) => s.text)).toEqual(['Hello there']);
    // Already an 8 kHz mono wav: cached as it is, no conversion.
    expect(t.converted).toEqual([]);
  });

  it('play-missing-file: a playback that finishes "failed" is media-unavailable', async () => {
    const { fake, t } = await replay('play-missing-file');
    const { call } = await inbound(t);
    await call.channel.answer(open());
    expect(await call.channel.play({ url: 'sound:no-such-prompt', loop: 1 }, open())).toEqual({
      ok: false,
      reason: 'media-unavailable',
    });
    await call.channel.hangup();
    await finished(fake);
  });

  it('play-caller-hangs-up: a hang-up during a playback ends the play and is reported once', async () => {
    const { fake, t } = await replay('play-caller-hangs-up');
    const { call, rec } = await inbound(t);
    await call.channel.answer(open());
    const playing = call.channel.play({ url: 'sound:tt-monkeys', loop: 1 }, open());
    expect(await playing).toEqual({ ok: true });
    await finished(fake);
    expect(rec.events).toEqual(['hangup']);
    // Operations after the hang-up settle at once and send nothing.
    await call.channel.say({ text: 'too late', voice: 'man', language: 'en-US', loop: 1 }, open());
    await call.channel.hangup();
    expect(fake.mismatches).toEqual([]);
  });

  it('play-queued: plays queue on the channel; a queued playback can be cancelled', async () => {
    const { fake, t } = await replay('play-queued');
    const { call } = await inbound(t);
    await call.channel.answer(open());
    const channel: Channel = call.channel;
    const first = channel.play({ url: 'sound:hello-world', loop: 1 }, open());
    await until(() => fake.matched.length === 2, 'the first play request');
    const second = channel.play({ url: 'sound:beep', loop: 1 }, open());
    await until(() => fake.matched.length === 3, 'the second play request');
    const cancel = new AbortController();
    const third = channel.play({ url: 'sound:beep', loop: 1 }, cancel.signal);
    await until(() => fake.matched.length === 4, 'the third play request');
    cancel.abort();
    expect(await third).toEqual({ ok: true });
    expect(await first).toEqual({ ok: true });
    expect(await second).toEqual({ ok: true });
    await channel.hangup();
    await finished(fake);
  });

  // Recorded for the issue "Asterisk, proven live" (fixes of what a real run found).

  it('dial-leg-stasis-after-create: the leg is dialled only after its StasisStart, which follows the 200', async () => {
    const { fake, t } = await replay('dial-leg-stasis-after-create', {
      driver: { endpoints: { number: 'Local/{to}@callee/n' } },
    });
    const { call, rec } = await inbound(t);
    await call.channel.answer(open());
    const session = call.channel.dial({ ...dialTo('+15551000001', 11), callerId: '+15550000042' }, open());
    const leg = recorder();
    session.legs[0]!.listen(leg);
    await until(() => leg.events.includes('answered'), 'the answer');
    await session.bridge(0);
    await until(() => leg.events.includes('hangup'), 'the callee hanging up');
    await call.channel.hangup();
    await finished(fake);
    expect(leg.events).toEqual(['answered', 'hangup']);
    expect(rec.events).toEqual([]);
  });

  it('dial-too-early: the fake Asterisk refuses a dial before StasisStart as the real one did', async () => {
    const trace = loadTrace('dial-too-early');
    const refused = trace.steps.find((s) => s.dir === 'response' && s.status === 409);
    expect(refused?.dir === 'response' && refused.body).toEqual({
      message: 'Channel not in Stasis application',
    });
    // The same exchange against the model the other tests use.
    const clock = createSimulatedClock();
    const model = await ModelAri.start({ clock });
    try {
      const auth = { authorization: `Basic ${Buffer.from('rcml:secret').toString('base64')}` };
      const created = await request(
        `${model.url}/ari/channels/create?endpoint=Local/s@callee/n&app=rcml&appArgs=outbound`,
        {
          method: 'POST',
          headers: auth,
        },
      );
      const leg = ((await created.body.json()) as { id: string }).id;
      const early = await request(`${model.url}/ari/channels/${leg}/dial?timeout=11`, {
        method: 'POST',
        headers: auth,
      });
      expect({ status: early.statusCode, body: await early.body.json() }).toEqual({
        status: 409,
        body: { message: 'Channel not in Stasis application' },
      });
      clock.fireNext(); // the leg's StasisStart
      const later = await request(`${model.url}/ari/channels/${leg}/dial?timeout=11`, {
        method: 'POST',
        headers: auth,
      });
      await later.body.dump();
      expect(later.statusCode).toBe(204);
    } finally {
      await model.close();
    }
  });

  it('conference-bridge-exists: the second member gets 409 for the room and joins the existing bridge', async () => {
    const { fake, t } = await replay('conference-bridge-exists');
    await until(() => t.inbound.length > 0, 'the first call');
    const a = t.inbound[0]!;
    a.channel.listen(recorder());
    await a.channel.answer(open());
    await until(() => t.inbound.length > 1, 'the second call');
    const b = t.inbound[1]!;
    b.channel.listen(recorder());
    await b.channel.answer(open());
    const sa = a.channel.dial(conferenceDial('team', 'CAa'), open());
    const la = recorder();
    sa.legs[0]!.listen(la);
    await until(() => la.events.includes('answered'), 'the first member in');
    const sb = b.channel.dial(conferenceDial('team', 'CAb'), open());
    const lb = recorder();
    sb.legs[0]!.listen(lb);
    await until(() => lb.events.includes('answered'), 'the second member in');
    await sa.legs[0]!.hangup();
    await a.channel.hangup();
    await sb.legs[0]!.hangup();
    await b.channel.hangup();
    await finished(fake);
    expect([la.events, lb.events]).toEqual([['answered'], ['answered']]);
  });

  it('record-stop-after-terminate: a stop answered 409 (Asterisk ended it on #) still gives the file', async () => {
    const trace = loadTrace('record-stop-after-terminate');
    const { fake, t } = await replay('record-stop-after-terminate');
    const { call, rec } = await inbound(t);
    await call.channel.answer(open());
    const session = await call.channel.record(
      { ...RECORD, maxLength: 10, timeout: 5, finishOnKey: '#', playBeep: false },
      open(),
    );
    await until(() => rec.events.includes('dtmf:#'), 'the finish key');
    const { url } = await session.stop();
    await call.channel.hangup();
    await finished(fake);
    expect(url).toBe(`http://rcml.test/recordings/${RECORD.recordingSid}.wav`);
    const recorded = trace.steps.find((s) => s.dir === 'response' && s.bodyBase64 !== undefined);
    const copy = readFileSync(join(t.dir, 'recordings', `${RECORD.recordingSid}.wav`));
    expect(copy.equals(Buffer.from((recorded as { bodyBase64: string }).bodyBase64, 'base64'))).toBe(true);
  });

  it('inbound-anonymous: an empty caller number arrives as anonymous; the call runs', async () => {
    const { fake, t } = await replay('inbound-anonymous');
    const { call, rec } = await inbound(t);
    expect({ from: call.from, to: call.to }).toEqual({ from: 'anonymous', to: '+15550001000' });
    await call.channel.answer(open());
    await call.channel.hangup();
    await finished(fake);
    expect(rec.events).toEqual([]);
  });
});
