/**
 * Recording audio as served: the WAV the engine keeps, or MP3 encoded from it by a real
 * encoder (LAME, in pure JavaScript: `@breezystack/lamejs`).
 */
import { Mp3Encoder } from '@breezystack/lamejs';
import { RcmlError } from '@rcml/core';

/** The PCM of a WAV file: 16-bit samples per channel and the sample rate. */
export interface Pcm {
  readonly sampleRate: number;
  readonly channels: readonly Int16Array[];
}

/** Read a PCM 16-bit WAV (RIFF); throws 20500 for anything else. */
export function readWav(wav: Uint8Array): Pcm {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const tag = (offset: number) => String.fromCharCode(...wav.subarray(offset, offset + 4));
  if (wav.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new RcmlError(20500, 'recording audio is not a WAV file');
  }
  let offset = 12;
  let channelCount = 0;
  let sampleRate = 0;
  let bits = 0;
  while (offset + 8 <= wav.byteLength) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      channelCount = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
      bits = view.getUint16(body + 14, true);
    } else if (id === 'data') {
      if (bits !== 16 || channelCount < 1 || channelCount > 2) {
        throw new RcmlError(
          20500,
          `recording audio is ${bits}-bit with ${channelCount} channels: not convertible`,
        );
      }
      const frames = Math.floor(Math.min(size, wav.byteLength - body) / (2 * channelCount));
      const channels = Array.from({ length: channelCount }, () => new Int16Array(frames));
      for (let f = 0; f < frames; f++) {
        for (let c = 0; c < channelCount; c++) {
          channels[c]![f] = view.getInt16(body + (f * channelCount + c) * 2, true);
        }
      }
      return { sampleRate, channels };
    }
    offset = body + size + (size % 2);
  }
  throw new RcmlError(20500, 'recording audio has no data chunk');
}

/** Encode a WAV as MP3 (32 kbit/s for telephone audio, mono or stereo as recorded). */
export function wavToMp3(wav: Uint8Array): Uint8Array {
  const pcm = readWav(wav);
  const [left, right] = pcm.channels;
  const encoder = new Mp3Encoder(pcm.channels.length, pcm.sampleRate, 32);
  const parts: Uint8Array[] = [];
  const block = 1152 * 8;
  for (let i = 0; i < left!.length; i += block) {
    const l = left!.subarray(i, i + block);
    parts.push(
      right === undefined ? encoder.encodeBuffer(l) : encoder.encodeBuffer(l, right.subarray(i, i + block)),
    );
  }
  parts.push(encoder.flush());
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
