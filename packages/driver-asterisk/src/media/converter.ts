/**
 * Audio conversion to what Asterisk plays without transcoding on an 8 kHz call: wav,
 * 8000 Hz, mono, signed 16-bit. The default converter is sox; tests inject their own.
 */
import { runCommand } from './runCommand.js';

/** Converts one audio file into an 8 kHz mono 16-bit wav. */
export interface AudioConverter {
  /** `input` keeps its extension (sox picks the decoder from it); `output` ends in `.wav`. */
  toAsteriskWav(input: string, output: string, signal?: AbortSignal): Promise<void>;
}

/** The sox converter (`sox IN -r 8000 -c 1 -b 16 -e signed-integer OUT`). */
export function createSoxConverter(soxPath = 'sox'): AudioConverter {
  return {
    toAsteriskWav: (input, output, signal) =>
      runCommand(
        soxPath,
        [input, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', output],
        signal,
      ),
  };
}

/** Format of a RIFF/WAVE file, read from its `fmt ` chunk. */
export interface WavFormat {
  readonly audioFormat: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number;
}

/** Parse the `fmt ` chunk of a wav file; null when the bytes are not a wav. */
export function readWavFormat(bytes: Uint8Array): WavFormat | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    return null;
  }
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 8 + 16 <= buf.length) {
      return {
        audioFormat: buf.readUInt16LE(offset + 8),
        channels: buf.readUInt16LE(offset + 10),
        sampleRate: buf.readUInt32LE(offset + 12),
        bitsPerSample: buf.readUInt16LE(offset + 22),
      };
    }
    offset += 8 + size + (size % 2);
  }
  return null;
}

/** Whether Asterisk can play the file as it is on an 8 kHz channel (PCM, 8000 Hz, mono, 16-bit). */
export function isAsteriskWav(format: WavFormat | null): boolean {
  return (
    format !== null &&
    format.audioFormat === 1 &&
    format.channels === 1 &&
    format.sampleRate === 8000 &&
    format.bitsPerSample === 16
  );
}
