/**
 * Conformance checks of the optional `Channel.mediaStream` (media streams): frames of 160
 * bytes every 20 ms per requested track with increasing timestamps, nothing after the signal
 * aborts, the party's voice audible on the inbound track, and on a bidirectional stream the
 * application's audio played in order with marks reported once it has played (`clear`: at
 * once). A driver without `mediaStream` passes them vacuously.
 */
import type { MediaStreamHandler, MediaStreamRequest, MediaTrack } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { mulawEnergy } from '../mulaw.js';
import type { DriverHarness, FarEndFeature, HarnessCall } from './harness.js';

/** What the suite gives these checks. */
export interface StreamCheckContext {
  setup(...needs: FarEndFeature[]): Promise<DriverHarness | null>;
  answered(h: DriverHarness): Promise<HarnessCall>;
}

interface Frame {
  readonly track: MediaTrack;
  readonly bytes: number;
  readonly energy: number;
  readonly timestamp: number;
}

function recorder() {
  const frames: Frame[] = [];
  const marks: string[] = [];
  const handler: MediaStreamHandler = {
    media: (track, payload, timestamp) =>
      frames.push({ track, bytes: payload.length, energy: mulawEnergy(payload), timestamp }),
    markPlayed: (name) => marks.push(name),
  };
  return { frames, marks, handler };
}

/** Register the media-stream checks (inside the suite's `describe`). */
export function describeStreamChecks(ctx: StreamCheckContext): void {
  describe('media streams (drivers with Channel.mediaStream)', () => {
    async function streaming(request: MediaStreamRequest, ...needs: FarEndFeature[]) {
      const h = await ctx.setup('answer', ...needs);
      if (h === null) return null;
      const call = await ctx.answered(h);
      if (call.channel.mediaStream === undefined) return null;
      const stop = new AbortController();
      const rec = recorder();
      const session = call.channel.mediaStream(request, rec.handler, stop.signal);
      return { h, call, stop, session, ...rec };
    }

    it('sends 160-byte frames every 20 ms on each requested track, and nothing after the abort', async () => {
      const s = await streaming({ tracks: ['inbound', 'outbound'], bidirectional: false });
      if (s === null) return;
      await s.h.advance(400);
      for (const track of ['inbound', 'outbound'] as const) {
        const frames = s.frames.filter((f) => f.track === track);
        // About 20 frames in 400 ms; real media servers may start a little late.
        expect(frames.length).toBeGreaterThanOrEqual(10);
        expect(frames.length).toBeLessThanOrEqual(25);
        expect(frames.every((f) => f.bytes === 160)).toBe(true);
        const steps = frames.slice(1).map((f, i) => f.timestamp - (frames[i] as Frame).timestamp);
        expect(steps.every((d) => d === 20)).toBe(true);
      }
      s.stop.abort();
      await s.h.advance(0);
      const count = s.frames.length;
      await s.h.advance(200);
      expect(s.frames.length).toBe(count);
    });

    it('the party talking is audible on the inbound track', async () => {
      const s = await streaming({ tracks: ['inbound'], bidirectional: false }, 'speak');
      if (s === null) return;
      await s.call.farEnd.speak(0.5);
      await s.h.advance(400);
      expect(s.frames.some((f) => f.energy > 500)).toBe(true);
      s.stop.abort();
    });

    it('plays the application’s audio in order and reports a mark once the audio before it has played', async () => {
      const s = await streaming({ tracks: ['inbound'], bidirectional: true });
      if (s === null) return;
      s.session.mark('nothing-queued');
      s.session.play(new Uint8Array(160 * 5).fill(0x55));
      s.session.mark('after-100ms');
      await s.h.advance(0);
      expect(s.marks).toEqual(['nothing-queued']);
      await s.h.advance(60);
      expect(s.marks).toEqual(['nothing-queued']);
      await s.h.advance(400);
      expect(s.marks).toEqual(['nothing-queued', 'after-100ms']);
      s.session.play(new Uint8Array(160 * 100).fill(0x55));
      s.session.mark('cleared-1');
      s.session.mark('cleared-2');
      s.session.clear();
      await s.h.advance(0);
      expect(s.marks).toEqual(['nothing-queued', 'after-100ms', 'cleared-1', 'cleared-2']);
      s.stop.abort();
    });
  });
}
