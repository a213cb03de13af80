/**
 * G.711 μ-law: the audio of media streams (8 kHz, one byte per sample, 160 bytes per 20 ms).
 * Encoding and decoding of 16-bit signed linear samples, a silent frame, a tone frame (what
 * the simulated driver sends for a talking party), and a frame's energy (tests tell voice
 * from silence with it).
 */

/** Bytes (samples) of one 20 ms frame. */
export const MULAW_FRAME_BYTES = 160;

const BIAS = 0x84;
const CLIP = 32635;

/** One 16-bit signed linear sample to μ-law. */
export function linearToMulaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** One μ-law byte to a 16-bit signed linear sample. */
export function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return sign !== 0 ? -magnitude : magnitude;
}

/** A frame of digital silence (μ-law 0xFF). */
export const SILENT_FRAME: Uint8Array = new Uint8Array(MULAW_FRAME_BYTES).fill(0xff);

/** A frame of a `hz` sine at amplitude `amplitude` (of 32767); 20 ms holds whole periods of 400 Hz. */
export function toneFrame(hz = 400, amplitude = 8000): Uint8Array {
  const out = new Uint8Array(MULAW_FRAME_BYTES);
  for (let i = 0; i < MULAW_FRAME_BYTES; i++) {
    out[i] = linearToMulaw(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000));
  }
  return out;
}

/** Root-mean-square level of μ-law audio, in linear units (0 for digital silence). */
export function mulawEnergy(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  let sum = 0;
  for (const b of bytes) {
    const v = mulawToLinear(b);
    sum += v * v;
  }
  return Math.sqrt(sum / bytes.length);
}
