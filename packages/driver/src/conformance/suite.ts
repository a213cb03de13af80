/**
 * The driver conformance suite: the `Channel`/`MediaDriver` contract of `@rcml/core` checked
 * through a harness. Any driver package runs it in its own tests:
 * `describeDriverConformance('my-driver', createHarness)`.
 */
import type { Channel, DialRequest, OriginateRequest } from '@rcml/core';
import { afterEach, describe, expect, it } from 'vitest';
import { describeContactCentreChecks } from './contactCentreChecks.js';
import type { DriverHarness, FarEndFeature, HarnessCall, HarnessFactory } from './harness.js';
import { createRecordingHandler, eventsWithin, type RecordingHandler, settlesWithin } from './recorder.js';
import { describeStreamChecks } from './streamChecks.js';

/** How long the suite lets the driver take to react (ms of driver time). */
const REACT_MS = 2000;

const ORIGINATE: OriginateRequest = {
  callSid: 'CA00000000000000000000000000000001',
  to: '+15550001111',
  from: '+15550002222',
  timeout: 60,
  detectVoicemail: false,
};

/** Register the conformance checks for one driver under `describe(name)`. */
export function describeDriverConformance(name: string, factory: HarnessFactory): void {
  describe(`media driver conformance: ${name}`, () => {
    let harness: DriverHarness | null = null;
    afterEach(async () => {
      await harness?.close();
      harness = null;
    });

    /** A fresh harness, or null when it lacks a feature the check needs (the check passes vacuously). */
    async function setup(...needs: FarEndFeature[]): Promise<DriverHarness | null> {
      const h = await factory();
      harness = h;
      return needs.every((f) => h.features === undefined || h.features.has(f)) ? h : null;
    }

    async function outbound(h: DriverHarness, detect = false) {
      const call = await h.outbound({ ...ORIGINATE, detectVoicemail: detect });
      const handler = createRecordingHandler();
      call.channel.listen(handler);
      return { ...call, handler };
    }

    async function answered(h: DriverHarness): Promise<HarnessCall & { handler: RecordingHandler }> {
      const call = await outbound(h);
      await call.farEnd.answer();
      await eventsWithin(h, call.handler.events, 1, REACT_MS);
      expect(withoutRinging(call.handler.events)).toEqual(['answered']);
      return call;
    }

    describe('outbound progress', () => {
      it('reports nothing before the far end acts, and never inside originate or listen', async () => {
        const h = await setup();
        if (!h) return;
        const call = await h.outbound(ORIGINATE);
        const handler = createRecordingHandler();
        call.channel.listen(handler);
        expect(handler.events).toEqual([]);
      });

      it('reports ringing, then answered, in that order', async () => {
        const h = await setup('ring', 'answer');
        if (!h) return;
        const call = await outbound(h);
        await call.farEnd.ring();
        await eventsWithin(h, call.handler.events, 1, REACT_MS);
        await call.farEnd.answer();
        await eventsWithin(h, call.handler.events, 2, REACT_MS);
        expect(call.handler.events).toEqual(['ringing', 'answered']);
      });

      it('reports busy once and nothing after it', async () => {
        const h = await setup('busy');
        if (!h) return;
        const call = await outbound(h);
        await call.farEnd.busy();
        await eventsWithin(h, call.handler.events, 1, REACT_MS);
        await h.advance(REACT_MS);
        expect(call.handler.events).toEqual(['busy']);
        expect(call.handler.afterEnd).toEqual([]);
      });

      it('reports a connection failure once and nothing after it', async () => {
        const h = await setup('fail');
        if (!h) return;
        const call = await outbound(h);
        await call.farEnd.fail();
        await eventsWithin(h, call.handler.events, 1, REACT_MS);
        await h.advance(REACT_MS);
        expect(call.handler.events).toEqual(['failed']);
        expect(call.handler.afterEnd).toEqual([]);
      });

      it('reports who answered when detection was asked', async () => {
        const h = await setup('answerByMachine');
        if (!h?.driver.capabilities.voicemailDetection) return;
        const call = await outbound(h, true);
        await call.farEnd.answer('machine');
        await eventsWithin(h, call.handler.events, 2, REACT_MS);
        expect(call.handler.events).toEqual(['answered', 'detected:machine']);
      });

      it('reports a MachineDetection result in its values when detection was asked that way', async () => {
        const h = await setup('answerByMachine');
        if (!h?.driver.capabilities.voicemailDetection) return;
        const call = await h.outbound({
          ...ORIGINATE,
          detectVoicemail: false,
          detection: 'Enable',
          detectionTimeout: 30,
        });
        const handler = createRecordingHandler();
        call.channel.listen(handler);
        await call.farEnd.answer('machine');
        await eventsWithin(h, handler.events, 2, REACT_MS);
        expect(withoutRinging(handler.events)[0]).toBe('answered');
        expect(['detected:machine_start', 'detected:unknown']).toContain(withoutRinging(handler.events)[1]);
      });

      it('a cancelled attempt reports nothing, even if the far end answers late', async () => {
        const h = await setup('answer');
        if (!h) return;
        const call = await outbound(h);
        await settlesWithin(h, call.channel.hangup(), REACT_MS);
        await call.farEnd.answer().catch(() => undefined);
        await h.advance(REACT_MS);
        expect(call.handler.events).toEqual([]);
      });
    });

    describe('events of an answered call', () => {
      it('delivers keys in the order they were pressed', async () => {
        const h = await setup('answer', 'dtmf');
        if (!h) return;
        const call = await answered(h);
        await call.farEnd.dtmf('12#');
        await eventsWithin(h, call.handler.events, call.handler.events.length + 3, REACT_MS * 2);
        expect(withoutRinging(call.handler.events)).toEqual(['answered', 'dtmf:1', 'dtmf:2', 'dtmf:#']);
      });

      it('reports voice activity starting, then stopping', async () => {
        const h = await setup('answer', 'speak');
        if (!h) return;
        const call = await answered(h);
        await call.farEnd.speak(1);
        await eventsWithin(h, call.handler.events, call.handler.events.length + 2, REACT_MS * 2);
        expect(withoutRinging(call.handler.events)).toEqual(['answered', 'voice:true', 'voice:false']);
      });

      it('reports a far-end hang-up once, and nothing reaches the handler after it', async () => {
        const h = await setup('answer', 'hangup', 'dtmf');
        if (!h) return;
        const call = await answered(h);
        await call.farEnd.hangup();
        await eventsWithin(h, call.handler.events, call.handler.events.length + 1, REACT_MS);
        await call.farEnd.dtmf('5').catch(() => undefined);
        await h.advance(REACT_MS);
        expect(withoutRinging(call.handler.events)).toEqual(['answered', 'hangup']);
        expect(call.handler.afterEnd).toEqual([]);
      });

      it('nothing reaches the handler after the engine hangs up', async () => {
        const h = await setup('answer', 'dtmf');
        if (!h) return;
        const call = await answered(h);
        expect(await settlesWithin(h, call.channel.hangup(), REACT_MS)).toBe(true);
        call.handler.markEnded();
        await call.farEnd.dtmf('7').catch(() => undefined);
        await h.advance(REACT_MS);
        expect(call.handler.afterEnd).toEqual([]);
      });
    });

    describeStreamChecks({ setup, answered });

    describeContactCentreChecks({ setup, reactMs: REACT_MS });

    describe('speech recognition (drivers with capabilities.speech)', () => {
      const speechGather = (c: Channel, signal: AbortSignal) =>
        c.gather(
          {
            input: 'speech',
            timeout: 5,
            finishOnKey: '#',
            numDigits: null,
            language: 'en-US',
            hints: ['hello'],
            speechTimeout: 1,
          },
          signal,
        );

      it('in a speech gather, reports voice and then the words the party said', async () => {
        const h = await setup('answer', 'speak');
        if (!h?.driver.capabilities.speech) return;
        const call = await answered(h);
        await settlesWithin(h, speechGather(call.channel, new AbortController().signal), REACT_MS);
        await call.farEnd.speak(1, 'hello');
        await eventsWithin(h, call.handler.events, call.handler.events.length + 3, REACT_MS * 2);
        const events = withoutRinging(call.handler.events).filter((e) => !e.startsWith('partial:'));
        expect(events.slice(0, 3)).toEqual(['answered', 'voice:true', 'voice:false']);
        expect(events[3]?.toLowerCase()).toMatch(/^speech:.*hello/);
      });

      it('reports no words when no speech gather listens (none running, or its signal aborted)', async () => {
        const h = await setup('answer', 'speak');
        if (!h?.driver.capabilities.speech) return;
        const call = await answered(h);
        await call.farEnd.speak(1, 'hello');
        await eventsWithin(h, call.handler.events, call.handler.events.length + 2, REACT_MS * 2);
        const stop = new AbortController();
        await settlesWithin(h, speechGather(call.channel, stop.signal), REACT_MS);
        stop.abort();
        await call.farEnd.speak(1, 'hello');
        await eventsWithin(h, call.handler.events, call.handler.events.length + 2, REACT_MS * 2);
        await h.advance(REACT_MS);
        expect(
          call.handler.events.filter((e) => e.startsWith('speech:') || e.startsWith('partial:')),
        ).toEqual([]);
      });
    });

    describe('every operation can be cancelled', () => {
      for (const [op, start] of Object.entries(OPERATIONS)) {
        it(`${op} settles promptly when its signal aborts`, async () => {
          const h = await setup('answer');
          if (!h) return;
          const call = await answered(h);
          const controller = new AbortController();
          const running = start(call.channel, controller.signal, h);
          await h.advance(100);
          controller.abort();
          expect(await settlesWithin(h, running, REACT_MS)).toBe(true);
        });

        it(`${op} with a signal already aborted settles promptly`, async () => {
          const h = await setup('answer');
          if (!h) return;
          const call = await answered(h);
          expect(await settlesWithin(h, start(call.channel, AbortSignal.abort(), h), REACT_MS)).toBe(true);
        });
      }
    });

    describe('every call ends', () => {
      it('a running operation settles when the far end hangs up', async () => {
        const h = await setup('answer', 'hangup');
        if (!h) return;
        const call = await answered(h);
        const running = OPERATIONS.say!(call.channel, new AbortController().signal, h);
        await h.advance(100);
        await call.farEnd.hangup();
        expect(await settlesWithin(h, running, REACT_MS)).toBe(true);
      });

      it('operations asked after a hang-up settle promptly and report nothing', async () => {
        const h = await setup('answer', 'hangup');
        if (!h) return;
        const call = await answered(h);
        await call.farEnd.hangup();
        await eventsWithin(h, call.handler.events, call.handler.events.length + 1, REACT_MS);
        const signal = new AbortController().signal;
        for (const start of Object.values(OPERATIONS)) {
          expect(await settlesWithin(h, start(call.channel, signal, h), REACT_MS)).toBe(true);
        }
        expect(await settlesWithin(h, call.channel.hangup(), REACT_MS)).toBe(true);
        expect(withoutRinging(call.handler.events)).toEqual(['answered', 'hangup']);
      });

      it('a recording can be stopped and says where its file is', async () => {
        const h = await setup('answer');
        if (!h) return;
        const call = await answered(h);
        const session = await (OPERATIONS.record!(call.channel, new AbortController().signal, h) as Promise<
          Awaited<ReturnType<Channel['record']>>
        >);
        await h.advance(500);
        const stopped = session.stop();
        expect(await settlesWithin(h, stopped, REACT_MS)).toBe(true);
        expect(typeof (await stopped).url).toBe('string');
      });

      it('a stopped recording has its audio as a WAV file (drivers with recordingAudio)', async () => {
        const h = await setup('answer');
        if (!h || h.driver.recordingAudio === undefined) return;
        const call = await answered(h);
        const recordingSid = 'RE00000000000000000000000000000042';
        const session = await call.channel.record(
          { maxLength: 60, timeout: 0, finishOnKey: '', playBeep: false, trim: 'do-not-trim', recordingSid },
          new AbortController().signal,
        );
        await h.advance(1000);
        const { url } = await session.stop();
        const audio = h.driver.recordingAudio({ recordingSid, url });
        expect(await settlesWithin(h, audio, REACT_MS)).toBe(true);
        const wav = await audio;
        expect(String.fromCharCode(...wav.subarray(0, 4), ...wav.subarray(8, 12))).toBe('RIFFWAVE');
      });

      it('media ends by itself and the operation resolves', async () => {
        const h = await setup('answer');
        if (!h) return;
        const call = await answered(h);
        const said = call.channel.say(
          { text: 'ok', voice: 'man', language: 'en-US', loop: 1 },
          new AbortController().signal,
        );
        expect(await settlesWithin(h, said, REACT_MS * 5)).toBe(true);
      });
    });

    describe('inbound calls', () => {
      it('an arriving call can be answered, spoken to, and hears keys', async () => {
        const h = await setup('inbound', 'dtmf');
        if (!h?.inbound) return;
        const call = await h.inbound();
        const handler = createRecordingHandler();
        call.channel.listen(handler);
        const signal = new AbortController().signal;
        expect(await settlesWithin(h, call.channel.answer(signal), REACT_MS)).toBe(true);
        await call.farEnd.dtmf('9');
        await eventsWithin(h, handler.events, 1, REACT_MS);
        expect(handler.events).toEqual(['dtmf:9']);
      });
    });

    describe('dial legs', () => {
      it('a leg reports its answer and can be bridged', async () => {
        const h = await setup('answer', 'dial');
        if (!h?.dialTarget) return;
        const call = await answered(h);
        const session = call.channel.dial(dialRequest(h), new AbortController().signal);
        expect(session.legs).toHaveLength(1);
        const leg = createRecordingHandler();
        session.legs[0]!.listen(leg);
        await h.dialTarget(dialTo(h)).answer();
        await eventsWithin(h, leg.events, 1, REACT_MS);
        expect(withoutRinging(leg.events)).toEqual(['answered']);
        expect(await settlesWithin(h, session.bridge(0), REACT_MS)).toBe(true);
      });

      it('an answered leg, before any bridge, hears its party and can be spoken to (whisper documents)', async () => {
        const h = await setup('answer', 'dial', 'dtmf');
        if (!h?.dialTarget) return;
        const call = await answered(h);
        const session = call.channel.dial(dialRequest(h), new AbortController().signal);
        const leg = createRecordingHandler();
        session.legs[0]!.listen(leg);
        const target = h.dialTarget(dialTo(h));
        await target.answer();
        await eventsWithin(h, leg.events, 1, REACT_MS);
        const signal = new AbortController().signal;
        const gathering = session.legs[0]!.gather(
          { input: 'dtmf', timeout: 5, finishOnKey: '#', numDigits: 1 },
          signal,
        );
        expect(await settlesWithin(h, gathering, REACT_MS)).toBe(true);
        await target.dtmf('1');
        await eventsWithin(h, leg.events, 2, REACT_MS);
        expect(withoutRinging(leg.events)).toEqual(['answered', 'dtmf:1']);
        const speaking = new AbortController();
        const say = session.legs[0]!.say(
          { text: 'Press 1', voice: 'man', language: 'en-US', loop: 1 },
          speaking.signal,
        );
        speaking.abort();
        expect(await settlesWithin(h, say, REACT_MS)).toBe(true);
      });

      it('aborting the dial cancels an unanswered leg: it reports nothing more', async () => {
        const h = await setup('answer', 'dial');
        if (!h?.dialTarget) return;
        const call = await answered(h);
        const controller = new AbortController();
        const session = call.channel.dial(dialRequest(h), controller.signal);
        const leg = createRecordingHandler();
        session.legs[0]!.listen(leg);
        await h.advance(100);
        controller.abort();
        const target = h.dialTarget(dialTo(h));
        await target.answer().catch(() => undefined);
        await h.advance(REACT_MS);
        expect(withoutRinging(leg.events)).toEqual([]);
      });
    });
  });
}

/** A real far end may ring before it answers; checks of an answered call ignore that. */
function withoutRinging(events: readonly string[]): string[] {
  return events.filter((e) => e !== 'ringing');
}

function dialTo(h: DriverHarness): string {
  return h.dialAddress ?? '+15550009999';
}

function dialRequest(h: DriverHarness): DialRequest {
  return {
    targets: [{ type: 'number', to: dialTo(h), callSid: 'CA00000000000000000000000000000002' }],
    timeout: 30,
    timeLimit: 14400,
    callerId: ORIGINATE.from,
    hangupOnStar: false,
    record: 'do-not-record',
  };
}

type Start = (channel: Channel, signal: AbortSignal, h: DriverHarness) => Promise<unknown>;

/** Each media operation started so that it would run for a long time unless stopped. */
const OPERATIONS: Record<string, Start> = {
  say: (c, signal) =>
    c.say(
      { text: 'This sentence is repeated for a long time.', voice: 'man', language: 'en-US', loop: 100 },
      signal,
    ),
  play: (c, signal) => c.play({ url: 'http://media.test/long.wav', loop: 100 }, signal),
  sendDigits: (c, signal) => c.sendDigits({ digits: 'WWWWWWWWWWWWWWWWWWWW1' }, signal),
  pause: (c, signal) => c.pause({ length: 600 }, signal),
  gather: (c, signal) => c.gather({ input: 'dtmf', timeout: 5, finishOnKey: '#', numDigits: null }, signal),
  record: (c, signal) =>
    c.record(
      {
        maxLength: 3600,
        timeout: 5,
        finishOnKey: '#',
        playBeep: true,
        trim: 'trim-silence',
        recordingSid: 'RE00000000000000000000000000000001',
      },
      signal,
    ),
  dial: async (c, signal, h) => {
    const session = c.dial(dialRequest(h), signal);
    // The dial itself is synchronous; what must stop is every leg that is not bridged.
    return session;
  },
};
