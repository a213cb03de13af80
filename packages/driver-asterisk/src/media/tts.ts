/**
 * Text to speech for `<Say>`. The port returns a media URI Asterisk can play; the default
 * implementation runs espeak-ng (converting its 22 kHz wav itself, sox as a fallback) and caches the result by voice, language and text,
 * so a prompt said on every call is synthesised once.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SayRequest } from '@rcml/core';
import type { AudioConverter } from './converter.js';
import { pcmWavTo8kMono } from './pcm.js';
import { runCommand } from './runCommand.js';

/**
 * A text-to-speech engine. Plug a cloud TTS in by implementing this: write an 8 kHz mono wav
 * somewhere Asterisk can read and return `sound:/abs/path/without/extension`.
 */
export interface TtsPort {
  /** The ARI media URI of the spoken text (one iteration; the driver loops). */
  synthesize(request: SayRequest, signal: AbortSignal): Promise<string>;
}

/** Options of {@link createEspeakTts}: where the synthesised files go. */
export interface EspeakOptions {
  readonly dir: string;
  /** `dir` as Asterisk sees it. */
  readonly asteriskDir: string;
  readonly converter: AudioConverter;
  readonly espeakPath?: string;
}

/** espeak-ng voice for an RCML voice and language: `en-US` + `woman` → `en-us+f3`. */
export function espeakVoice(voice: string, language: string): string {
  const lang = language.toLowerCase();
  if (voice === 'woman') return `${lang}+f3`;
  if (voice === 'man' || voice === '') return lang;
  return voice;
}

/** Text to speech with the `espeak-ng` program (converted to 8 kHz wav by `sox`), cached by text, voice and language. */
export function createEspeakTts(options: EspeakOptions): TtsPort {
  const inFlight = new Map<string, Promise<string>>();

  async function make(request: SayRequest, key: string, signal: AbortSignal): Promise<string> {
    const target = join(options.dir, `${key}.wav`);
    const uri = `sound:${join(options.asteriskDir, key)}`;
    if (await exists(target)) return uri;
    await mkdir(options.dir, { recursive: true });
    const raw = join(options.dir, `${key}.espeak.wav`);
    const partial = join(options.dir, `${key}.partial.wav`);
    try {
      await synthesizeWith(engines(options.espeakPath), request, raw, signal);
      // The engines write 16–22 kHz PCM: converted here, so sox is only a fallback.
      const converted = pcmWavTo8kMono(await readFile(raw));
      if (converted !== null) await writeFile(partial, converted);
      else await options.converter.toAsteriskWav(raw, partial, signal);
      await rename(partial, target);
    } finally {
      await rm(raw, { force: true });
      await rm(partial, { force: true });
    }
    return uri;
  }

  return {
    synthesize(request, signal) {
      const key = createHash('sha256')
        .update(`${request.voice}\u0000${request.language}\u0000${request.text}`)
        .digest('hex')
        .slice(0, 40);
      let pending = inFlight.get(key);
      if (pending === undefined) {
        pending = make(request, key, signal).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}

/** A command-line speech synthesiser writing a wav file. */
interface SpeechEngine {
  readonly command: string;
  args(request: SayRequest, out: string): string[];
}

/**
 * espeak-ng first (or the configured binary), then the other common synthesisers, so a
 * machine with any one of them speaks; a missing binary (ENOENT) moves on to the next.
 */
function engines(espeakPath: string | undefined): SpeechEngine[] {
  const espeak = (command: string): SpeechEngine => ({
    command,
    args: (r, out) => ['-v', espeakVoice(r.voice, r.language), '-w', out, '--', r.text],
  });
  if (espeakPath !== undefined) return [espeak(espeakPath)];
  return [
    espeak('espeak-ng'),
    espeak('espeak'),
    { command: 'pico2wave', args: (r, out) => ['-l', r.language, '-w', out, '--', r.text] },
    { command: 'flite', args: (r, out) => ['-t', r.text, '-o', out] },
  ];
}

async function synthesizeWith(
  list: readonly SpeechEngine[],
  request: SayRequest,
  out: string,
  signal: AbortSignal,
): Promise<void> {
  let missing: string[] = [];
  for (const engine of list) {
    try {
      await runCommand(engine.command, engine.args(request, out), signal);
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
      missing = [...missing, engine.command];
    }
  }
  throw new Error(`no speech synthesiser found (tried ${missing.join(', ')}); install espeak-ng`);
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}
