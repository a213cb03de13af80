/**
 * Conformance checks of the optional operations queues and conferences use: `Channel.connect`
 * (`<Dial><Queue>`: two answered calls joined until the signal aborts, each going on alone
 * afterwards, a far end's hang-up reported on its own call only) and a conference leg's `mute`
 * and `hold` (each settles, also when undone). A driver without them passes vacuously.
 */
import type { DialRequest } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import type { DriverHarness, FarEndFeature, HarnessCall } from './harness.js';
import { createRecordingHandler, eventsWithin, type RecordingHandler, settlesWithin } from './recorder.js';

/** What the suite gives these checks. */
export interface ContactCentreCheckContext {
  setup(...needs: FarEndFeature[]): Promise<DriverHarness | null>;
  /** How long the driver may take to react (ms of driver time). */
  readonly reactMs: number;
}

const SAY = { text: 'ok', voice: 'man', language: 'en-US', loop: 1 } as const;

/** Register the checks (inside the suite's `describe`). */
export function describeContactCentreChecks(ctx: ContactCentreCheckContext): void {
  describe('queues and conferences (drivers with connect, mute, hold)', () => {
    async function answeredCall(
      h: DriverHarness,
      n: number,
    ): Promise<HarnessCall & { handler: RecordingHandler }> {
      const call = await h.outbound({
        callSid: `CA0000000000000000000000000000010${n}`,
        to: `+1555000111${n}`,
        from: '+15550002222',
        timeout: 60,
        detectVoicemail: false,
      });
      const handler = createRecordingHandler();
      call.channel.listen(handler);
      await call.farEnd.answer();
      await eventsWithin(h, handler.events, 1, ctx.reactMs);
      expect(handler.events.filter((e) => e !== 'ringing')).toEqual(['answered']);
      return { ...call, handler };
    }

    it('connect joins two answered calls; after the abort each call plays media on its own', async () => {
      const h = await ctx.setup('answer');
      if (!h) return;
      const a = await answeredCall(h, 1);
      const b = await answeredCall(h, 2);
      if (a.channel.connect === undefined) return;
      const link = new AbortController();
      const connected = a.channel.connect(b.channel, link.signal);
      expect(await settlesWithin(h, connected, ctx.reactMs)).toBe(true);
      await connected;
      link.abort();
      for (const call of [a, b]) {
        const said = call.channel.say(SAY, new AbortController().signal);
        expect(await settlesWithin(h, said, 10_000)).toBe(true);
        await said;
      }
      expect([a.handler.events, b.handler.events].flat()).not.toContain('hangup');
    });

    it("a connected call's far end hanging up is reported on that call only", async () => {
      const h = await ctx.setup('answer', 'hangup');
      if (!h) return;
      const a = await answeredCall(h, 1);
      const b = await answeredCall(h, 2);
      if (a.channel.connect === undefined) return;
      const connected = a.channel.connect(b.channel, new AbortController().signal);
      expect(await settlesWithin(h, connected, ctx.reactMs)).toBe(true);
      await b.farEnd.hangup();
      await eventsWithin(h, b.handler.events, 2, ctx.reactMs);
      expect(b.handler.events).toContain('hangup');
      await h.advance(ctx.reactMs);
      expect(a.handler.events).not.toContain('hangup');
      const said = a.channel.say(SAY, new AbortController().signal);
      expect(await settlesWithin(h, said, 10_000)).toBe(true);
    });

    it('a conference leg mutes, unmutes, holds and unholds its participant', async () => {
      const h = await ctx.setup('answer');
      if (!h) return;
      const a = await answeredCall(h, 1);
      const request: DialRequest = {
        targets: [
          {
            type: 'conference',
            to: 'conformance-room',
            callSid: 'CA00000000000000000000000000000109',
            conference: {
              muted: false,
              beep: 'false',
              startConferenceOnEnter: true,
              endConferenceOnExit: false,
              maxParticipants: 250,
            },
          },
        ],
        timeout: 30,
        timeLimit: 14400,
        callerId: '',
        hangupOnStar: false,
        record: 'do-not-record',
      };
      const session = a.channel.dial(request, new AbortController().signal);
      const leg = session.legs[0]!;
      const legEvents = createRecordingHandler();
      leg.listen(legEvents);
      await eventsWithin(h, legEvents.events, 1, ctx.reactMs);
      expect(legEvents.events).toEqual(['answered']);
      for (const step of [
        () => leg.mute?.(true),
        () => leg.mute?.(false),
        () => leg.hold?.(true),
        () => leg.hold?.(false),
      ]) {
        const done = step();
        if (done === undefined) continue;
        expect(await settlesWithin(h, done, ctx.reactMs)).toBe(true);
        await done;
      }
      const left = leg.hangup();
      expect(await settlesWithin(h, left, ctx.reactMs)).toBe(true);
      expect(a.handler.events).not.toContain('hangup');
    });
  });
}
