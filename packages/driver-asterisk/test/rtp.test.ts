/**
 * The RTP and pacing units of media streams: packet layout, cutting received packets into
 * 20 ms frames timed by their RTP timestamps, numbering sent packets, and the pacer that sends
 * the application's audio to the caller (20 ms frames with deadlines from the start of each
 * spurt, marks after their audio, clear, the last frame filled with silence).
 */
import type { Clock, TimerId } from '@rcml/core';
import { createSimulatedClock } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { Pacer } from '../src/media/pacer.js';
import { decodeRtp, encodeRtp, PCMU, RtpReceiver, RtpSender } from '../src/media/rtp.js';

const bytes = (n: number, value: number) => new Uint8Array(n).fill(value);

describe('RTP packets', () => {
  it('encodes the 12-byte header: version 2, marker, payload type, sequence, timestamp, SSRC', () => {
    const packet = encodeRtp(
      { payloadType: PCMU, sequence: 0x1234, timestamp: 0xdeadbeef, ssrc: 0x01020304, marker: true },
      bytes(160, 0x55),
    );
    expect(packet.length).toBe(172);
    expect([...packet.subarray(0, 12)]).toEqual([
      0x80, 0x80, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04,
    ]);
    expect(packet[12]).toBe(0x55);
    const decoded = decodeRtp(packet);
    expect(decoded).toMatchObject({
      payloadType: 0,
      sequence: 0x1234,
      timestamp: 0xdeadbeef,
      ssrc: 0x01020304,
    });
    expect(decoded?.marker).toBe(true);
    expect(decoded?.payload.length).toBe(160);
  });

  it('decodes CSRCs, a header extension and padding, and refuses what is not RTP v2', () => {
    const header = [0xb1, 0x00, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9]; // v2, padding, extension, 1 CSRC
    const csrc = [0, 0, 0, 7];
    const extension = [0xbe, 0xde, 0, 1, 1, 2, 3, 4];
    const payload = [10, 11, 12];
    const padding = [0, 0, 3];
    const decoded = decodeRtp(Uint8Array.from([...header, ...csrc, ...extension, ...payload, ...padding]));
    expect([...(decoded?.payload ?? [])]).toEqual([10, 11, 12]);
    expect(decoded?.ssrc).toBe(9);
    expect(decodeRtp(Uint8Array.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeNull();
    expect(decodeRtp(new Uint8Array(11))).toBeNull();
  });
});

describe('RtpReceiver', () => {
  const packet = (timestamp: number, length: number, value = 1, ssrc = 5) => ({
    payloadType: PCMU,
    sequence: 0,
    timestamp,
    ssrc,
    marker: false,
    payload: bytes(length, value),
  });

  it('cuts packets of any length into 160-byte frames timed by the RTP timestamp', () => {
    const r = new RtpReceiver();
    expect(r.push(packet(1000, 320)).map((f) => f.ms)).toEqual([0, 20]);
    expect(r.push(packet(1320, 80))).toEqual([]);
    const frames = r.push(packet(1400, 80));
    expect(frames.map((f) => [f.ms, f.payload.length])).toEqual([[40, 160]]);
  });

  it('a timestamp jump drops the partial frame; old packets and other payload types are ignored', () => {
    const r = new RtpReceiver();
    r.push(packet(0, 160));
    expect(r.push(packet(160, 80))).toEqual([]);
    // 80 samples lost: the next frame starts at the jump, 60 ms in.
    expect(r.push(packet(480, 160)).map((f) => f.ms)).toEqual([60]);
    expect(r.push(packet(320, 160))).toEqual([]);
    expect(r.push({ ...packet(640, 160), payloadType: 8 })).toEqual([]);
    expect(r.push(packet(640, 160)).map((f) => f.ms)).toEqual([80]);
  });

  it('a new SSRC continues the timeline where the old one stopped', () => {
    const r = new RtpReceiver();
    r.push(packet(7000, 160, 1, 1));
    expect(r.push(packet(99, 160, 1, 2)).map((f) => f.ms)).toEqual([20]);
  });
});

describe('RtpSender', () => {
  it('steps the sequence by one and the timestamp by 160 per frame; a spurt after silence jumps and is marked', () => {
    const s = new RtpSender(0xabc, 65535, 4_294_967_200);
    const a = decodeRtp(s.packet(bytes(160, 1)))!;
    const b = decodeRtp(s.packet(bytes(160, 1)))!;
    const c = decodeRtp(s.packet(bytes(160, 1), true, 3))!;
    expect([a.sequence, b.sequence, c.sequence]).toEqual([65535, 0, 1]);
    expect([a.timestamp, b.timestamp, c.timestamp]).toEqual([
      4_294_967_200,
      (4_294_967_200 + 160) >>> 0,
      (4_294_967_200 + 160 + 640) >>> 0,
    ]);
    expect([a.marker, b.marker, c.marker]).toEqual([true, false, true]);
    expect(new Set([a.ssrc, b.ssrc, c.ssrc])).toEqual(new Set([0xabc]));
  });
});

/** A clock whose timers fire `lateMs` after they are due (a busy event loop). */
function lateClock(lateMs: number) {
  const inner = createSimulatedClock(0);
  const clock: Clock = {
    now: () => inner.now(),
    setTimeout: (fn, ms) => inner.setTimeout(fn, ms + lateMs),
    clearTimeout: (id: TimerId) => inner.clearTimeout(id),
  };
  const runUntil = (t: number) => {
    for (let due = inner.nextDue(); due !== undefined && due <= t; due = inner.nextDue()) inner.fireNext();
  };
  return { clock, inner, runUntil };
}

function pacerOn(clock: Clock, now: () => number) {
  const sent: { at: number; first: number; spurt: boolean; idle: number; length: number }[] = [];
  const marks: { name: string; at: number }[] = [];
  const pacer = new Pacer(clock, {
    frame: (payload, spurt, idle) =>
      sent.push({ at: now(), first: payload[0] as number, spurt, idle, length: payload.length }),
    markPlayed: (name) => marks.push({ name, at: now() }),
  });
  return { pacer, sent, marks };
}

describe('Pacer', () => {
  it('sends one 160-byte frame every 20 ms and reports a mark when the audio before it has played', () => {
    const { clock, inner, runUntil } = lateClock(0);
    const { pacer, sent, marks } = pacerOn(clock, () => inner.now());
    pacer.mark('first');
    expect(marks).toEqual([]); // never inside the caller's stack
    pacer.play(bytes(400, 7)); // 2.5 frames
    pacer.mark('after');
    runUntil(1000);
    expect(sent.map((f) => f.at)).toEqual([0, 20, 40]);
    expect(sent.every((f) => f.length === 160)).toBe(true);
    expect(marks).toEqual([
      { name: 'first', at: 0 },
      { name: 'after', at: 60 },
    ]);
  });

  it('fills the last frame of a clip with μ-law silence and joins clips into whole frames', () => {
    const { clock, inner, runUntil } = lateClock(0);
    const frames: Uint8Array[] = [];
    const pacer = new Pacer(clock, { frame: (p) => frames.push(p), markPlayed: () => undefined });
    pacer.play(bytes(100, 1));
    pacer.play(bytes(100, 2));
    runUntil(100);
    expect(frames.length).toBe(2);
    expect([frames[0]![99], frames[0]![100], frames[0]![159]]).toEqual([1, 2, 2]);
    expect([frames[1]![39], frames[1]![40], frames[1]![159]]).toEqual([2, 0xff, 0xff]);
    expect(inner.now()).toBeLessThanOrEqual(100);
  });

  it('late timers do not add up: frame n leaves at start + n × 20 ms plus one timer lateness', () => {
    const { clock, inner, runUntil } = lateClock(7);
    const { pacer, sent } = pacerOn(clock, () => inner.now());
    pacer.play(bytes(160 * 50, 1));
    runUntil(5000);
    expect(sent.length).toBe(50);
    const start = sent[0]!.at;
    for (const [n, f] of sent.entries()) {
      expect(f.at - (start + n * 20)).toBeGreaterThanOrEqual(0);
      expect(f.at - (start + n * 20)).toBeLessThanOrEqual(7);
    }
  });

  it('a new spurt after silence is marked and counts the idle 20 ms slots', () => {
    const { clock, inner, runUntil } = lateClock(0);
    const { pacer, sent } = pacerOn(clock, () => inner.now());
    pacer.play(bytes(320, 1));
    runUntil(200);
    inner.schedule(200, () => pacer.play(bytes(160, 2)));
    runUntil(400);
    expect(sent.map((f) => [f.at, f.spurt, f.idle])).toEqual([
      [0, true, 0],
      [20, false, 0],
      [200, true, 8],
    ]);
  });

  it('clear drops the queued audio and reports the pending marks at once, in order; stop silences it', () => {
    const { clock, inner, runUntil } = lateClock(0);
    const { pacer, sent, marks } = pacerOn(clock, () => inner.now());
    pacer.play(bytes(160 * 100, 1));
    pacer.mark('a');
    pacer.mark('b');
    runUntil(40);
    pacer.clear();
    expect(marks.map((m) => m.name)).toEqual(['a', 'b']);
    runUntil(400);
    expect(sent.length).toBe(3);
    expect(pacer.queuedFrames).toBe(0);
    pacer.play(bytes(160, 1));
    pacer.mark('never');
    pacer.stop();
    runUntil(800);
    expect(sent.length).toBe(3);
    expect(marks.map((m) => m.name)).toEqual(['a', 'b']);
  });
});
