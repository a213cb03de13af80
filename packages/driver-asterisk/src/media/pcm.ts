/**
 * Converting uncompressed wav files to what Asterisk plays on an 8 kHz call (8000 Hz, mono,
 * 16-bit) in plain TypeScript, so the common cases (a 16 or 22 kHz wav from a TTS engine or a
 * web server, stereo, 8/24/32-bit or float samples) need no sox on the machine. Downsampling
 * averages the input samples that fall into each output sample (a box low-pass), which keeps
 * speech intelligible without aliasing hiss.
 */
import { wavFile } from './wavFile.js';

interface WavData {
  readonly format: number;
  readonly channels: number;
  readonly rate: number;
  readonly bits: number;
  readonly data: Buffer;
}

function parse(bytes: Buffer): WavData | null {
  if (
    bytes.length < 12 ||
    bytes.toString('ascii', 0, 4) !== 'RIFF' ||
    bytes.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    return null;
  }
  let fmt: Omit<WavData, 'data'> | null = null;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && body + 16 <= bytes.length) {
      let format = bytes.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
      if (format === 0xfffe && size >= 40) format = bytes.readUInt16LE(body + 24);
      fmt = {
        format,
        channels: bytes.readUInt16LE(body + 2),
        rate: bytes.readUInt32LE(body + 4),
        bits: bytes.readUInt16LE(body + 14),
      };
    } else if (id === 'data' && fmt !== null) {
      // Streaming writers (espeak-ng to a pipe) leave the size at 0 or 0xFFFFFFFF.
      const end = size === 0 || size === 0xffffffff ? bytes.length : Math.min(bytes.length, body + size);
      return { ...fmt, data: bytes.subarray(body, end) };
    }
    offset = body + size + (size % 2);
  }
  return null;
}

function reader(wav: WavData): ((byteOffset: number) => number) | null {
  const { data } = wav;
  if (wav.format === 1 && wav.bits === 8) return (o) => (data.readUInt8(o) - 128) / 128;
  if (wav.format === 1 && wav.bits === 16) return (o) => data.readInt16LE(o) / 32768;
  if (wav.format === 1 && wav.bits === 24) return (o) => data.readIntLE(o, 3) / 8388608;
  if (wav.format === 1 && wav.bits === 32) return (o) => data.readInt32LE(o) / 2147483648;
  if (wav.format === 3 && wav.bits === 32) return (o) => data.readFloatLE(o);
  return null;
}

/** An 8 kHz mono 16-bit wav made from an uncompressed wav; null for anything else. */
export function pcmWavTo8kMono(bytes: Uint8Array): Buffer | null {
  const wav = parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (wav === null || wav.channels < 1 || wav.rate < 1000) return null;
  const read = reader(wav);
  if (read === null) return null;
  const frameBytes = (wav.bits / 8) * wav.channels;
  const frames = Math.floor(wav.data.length / frameBytes);
  const mono = new Float64Array(frames);
  for (let f = 0; f < frames; f += 1) {
    let sum = 0;
    for (let c = 0; c < wav.channels; c += 1) sum += read(f * frameBytes + (c * wav.bits) / 8);
    mono[f] = sum / wav.channels;
  }
  const ratio = wav.rate / 8000;
  const outFrames = Math.floor(frames / ratio);
  const out = Buffer.alloc(outFrames * 2);
  for (let i = 0; i < outFrames; i += 1) {
    let value: number;
    if (ratio > 1) {
      const from = Math.floor(i * ratio);
      const to = Math.min(frames, Math.max(from + 1, Math.floor((i + 1) * ratio)));
      let sum = 0;
      for (let j = from; j < to; j += 1) sum += mono[j] ?? 0;
      value = sum / (to - from);
    } else {
      const pos = i * ratio;
      const j = Math.floor(pos);
      const a = mono[j] ?? 0;
      const b = mono[j + 1] ?? a;
      value = a + (b - a) * (pos - j);
    }
    out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(value * 32767))), i * 2);
  }
  return wavFile(out);
}
