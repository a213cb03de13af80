/**
 * The simulated driver's recording files: each recording is timed on the driver's clock from
 * its start to its stop, and its audio is a real WAV file of that length (8 kHz, 16-bit PCM,
 * one or two channels), quiet comfort noise, so that downloads and conversions have real
 * bytes to work on.
 */
import type { Clock, RecordingRef } from '@rcml/core';

/** Samples per second of the simulated recordings. */
export const SIM_SAMPLE_RATE = 8000;

interface Made {
  readonly startedAt: number;
  stoppedAt: number | null;
  readonly channels: 1 | 2;
}

/** The recordings one simulated driver made. */
export interface SimRecordings {
  /** A recording started now; `stop` marks its end (the file exists from then on). */
  start(
    recordingSid: string,
    channels: 1 | 2,
  ): {
    /** The recording ended now. */
    stop(): void;
  };
  /** The WAV of a stopped recording; rejects for one this driver never made. */
  audio(recording: RecordingRef): Promise<Uint8Array>;
}

/** Create the tracker over the driver's clock. */
export function createSimRecordings(clock: Clock): SimRecordings {
  const made = new Map<string, Made>();
  return {
    start(recordingSid, channels) {
      const entry: Made = { startedAt: clock.now(), stoppedAt: null, channels };
      made.set(recordingSid, entry);
      return {
        stop() {
          entry.stoppedAt ??= clock.now();
        },
      };
    },
    async audio({ recordingSid }) {
      const entry = made.get(recordingSid);
      if (entry === undefined) throw new Error(`no simulated recording ${recordingSid}`);
      const end = entry.stoppedAt ?? clock.now();
      return wavOf(Math.max(0, end - entry.startedAt) / 1000, entry.channels);
    },
  };
}

/**
 * A WAV file (RIFF, PCM 16-bit little-endian) of `seconds` of low-level noise, deterministic
 * (a fixed linear congruential sequence), so equal recordings have equal bytes.
 */
export function wavOf(seconds: number, channels: 1 | 2 = 1, sampleRate = SIM_SAMPLE_RATE): Uint8Array {
  const frames = Math.round(seconds * sampleRate);
  const dataBytes = frames * channels * 2;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  let seed = 12345;
  for (let i = 0; i < frames * channels; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    view.setInt16(44 + i * 2, (seed >> 16) % 64, true);
  }
  return bytes;
}
