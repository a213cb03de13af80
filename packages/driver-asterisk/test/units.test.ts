/**
 * The driver's pure parts and its file-system media cache: command-line flags, causes, DTMF
 * pacing, terminate keys, wav detection, the event router and the download cache.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventRouter } from '../src/ari/eventRouter.js';
import { buildQuery } from '../src/ari/query.js';
import { locateAri } from '../src/ari/restClient.js';
import type { AriEvent } from '../src/ari/types.js';
import { outcomeOfCause, outcomeOfDialStatus, rejectReason } from '../src/causes.js';
import { splitDigits } from '../src/channel/digits.js';
import { terminateOnFor } from '../src/channel/recording.js';
import { parseAsteriskArgs } from '../src/index.js';
import { isAsteriskWav, readWavFormat } from '../src/media/converter.js';
import { createMediaCache } from '../src/media/mediaCache.js';
import { pcmWavTo8kMono } from '../src/media/pcm.js';
import { createEspeakTts, espeakVoice } from '../src/media/tts.js';
import { wav8k } from './helpers.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('parseAsteriskArgs', () => {
  it('reads the flags in both spellings and ignores the caller’s own flags', () => {
    expect(
      parseAsteriskArgs([
        '--port',
        '8080',
        '--ari-url',
        'http://127.0.0.1:8088',
        '--ari-user=rcml',
        '--ari-password',
        's3cret',
        '--ari-app',
        'calls',
        '--endpoint',
        'PJSIP/{to}@carrier',
      ]),
    ).toEqual({
      ariUrl: 'http://127.0.0.1:8088',
      ariUser: 'rcml',
      ariPassword: 's3cret',
      ariApp: 'calls',
      endpoints: { number: 'PJSIP/{to}@carrier' },
    });
  });

  it('falls back to the environment and names a missing flag', () => {
    expect(parseAsteriskArgs([], { ARI_URL: 'http://a:8088', ARI_USER: 'u', ARI_PASSWORD: 'p' }).ariUrl).toBe(
      'http://a:8088',
    );
    expect(() => parseAsteriskArgs(['--ari-url', 'http://a:8088', '--ari-user', 'u'])).toThrow(
      '--ari-password is required',
    );
    expect(() => parseAsteriskArgs(['--ari-url'])).toThrow('--ari-url needs a value');
  });
});

describe('ARI locations and queries', () => {
  it('accepts the ARI URL with or without /ari and behind a prefix', () => {
    expect(locateAri('http://127.0.0.1:8088')).toEqual({ origin: 'http://127.0.0.1:8088', root: '/ari' });
    expect(locateAri('http://127.0.0.1:8088/ari/')).toEqual({
      origin: 'http://127.0.0.1:8088',
      root: '/ari',
    });
    expect(locateAri('https://pbx/asterisk')).toEqual({ origin: 'https://pbx', root: '/asterisk/ari' });
    expect(() => locateAri('ftp://x')).toThrow('must use http or https');
  });

  it('encodes queries as the recorded client did (: / @ , readable)', () => {
    expect(
      buildQuery({ endpoint: 'Local/s@callee/n', media: 'sound:a,sound:b', dtmf: '1#', x: undefined }),
    ).toBe('?endpoint=Local/s@callee/n&media=sound:a,sound:b&dtmf=1%23');
  });
});

describe('causes', () => {
  it('maps dial statuses and hang-up causes of unanswered legs', () => {
    expect(outcomeOfDialStatus('BUSY')).toEqual({ kind: 'busy' });
    expect(outcomeOfDialStatus('RINGING')).toBeNull();
    expect(outcomeOfCause(19, true)).toEqual({ kind: 'failed', reason: 'no-answer' });
    expect(outcomeOfCause(17, true)).toEqual({ kind: 'busy' });
    // Destroyed before any Dial status: never placed, whatever the cause.
    expect(outcomeOfCause(16, false)).toEqual({ kind: 'failed', reason: 'unreachable' });
    expect(rejectReason('busy')).toBe('busy');
    expect(rejectReason('rejected')).toBe('normal');
  });
});

describe('digits and terminate keys', () => {
  it('splits digits into runs and waits', () => {
    expect(splitDigits('12w3W#x')).toEqual(['12', 500, '3', 1000, '#']);
  });

  it('maps finishOnKey to what ARI terminateOn accepts', () => {
    expect(terminateOnFor('')).toBe('none');
    expect(terminateOnFor('#')).toBe('#');
    expect(terminateOnFor('1234567890*#')).toBe('any');
    // Any other set stays with the engine, which sees every key anyway.
    expect(terminateOnFor('5')).toBe('none');
  });

  it('picks espeak voices', () => {
    expect(espeakVoice('woman', 'en-US')).toBe('en-us+f3');
    expect(espeakVoice('man', 'de-DE')).toBe('de-de');
    expect(espeakVoice('mb-en1', 'en-US')).toBe('mb-en1');
  });
});

describe('wav detection', () => {
  it('recognises an 8 kHz mono 16-bit wav and nothing else', () => {
    expect(isAsteriskWav(readWavFormat(wav8k()))).toBe(true);
    const stereo = wav8k();
    stereo.writeUInt16LE(2, 22);
    expect(isAsteriskWav(readWavFormat(stereo))).toBe(false);
    expect(readWavFormat(Buffer.from('ID3 mp3 data'))).toBeNull();
  });
});

describe('PCM conversion without sox', () => {
  function wav(rate: number, channels: number, frames: number, value: number): Buffer {
    const data = Buffer.alloc(frames * channels * 2);
    for (let i = 0; i < frames * channels; i += 1) data.writeInt16LE(value, i * 2);
    const h = wav8k(0).subarray(0, 44);
    h.writeUInt32LE(36 + data.length, 4);
    h.writeUInt16LE(channels, 22);
    h.writeUInt32LE(rate, 24);
    h.writeUInt32LE(rate * channels * 2, 28);
    h.writeUInt16LE(channels * 2, 32);
    h.writeUInt32LE(data.length, 40);
    return Buffer.concat([h, data]);
  }

  it('turns a 16 kHz stereo wav into 8 kHz mono of the same length and level', () => {
    const out = pcmWavTo8kMono(wav(16000, 2, 16000, 8000))!;
    expect(isAsteriskWav(readWavFormat(out))).toBe(true);
    expect(out.length).toBe(44 + 8000 * 2);
    expect(Math.abs(out.readInt16LE(44 + 200) - 8000)).toBeLessThanOrEqual(1);
  });

  it('leaves compressed audio to the converter', () => {
    const adpcm = wav(8000, 1, 10, 0);
    adpcm.writeUInt16LE(17, 20);
    expect(pcmWavTo8kMono(adpcm)).toBeNull();
    expect(pcmWavTo8kMono(Buffer.from('ID3'))).toBeNull();
  });
});

describe('EventRouter', () => {
  const channel = (id: string, type: string): AriEvent => ({ type, channel: { id, name: 'x', state: 'Up' } });

  it('keeps events of an unclaimed channel and replays them, in order, when it is claimed', () => {
    const router = new EventRouter(() => false);
    router.dispatch(channel('1.2', 'StasisStart'));
    router.dispatch({
      type: 'Dial',
      dialstatus: 'RINGING',
      peer: { id: '1.2', name: 'x', state: 'Ringing' },
    });
    const seen: string[] = [];
    router.claimChannel('1.2', (e) => seen.push(e.type));
    router.dispatch(channel('1.2', 'ChannelDestroyed'));
    expect(seen).toEqual(['StasisStart', 'Dial', 'ChannelDestroyed']);
  });

  it('offers unclaimed StasisStarts, routes playbacks by id and drops unknown ones', () => {
    const offered: string[] = [];
    const router = new EventRouter((e) => {
      offered.push(e.channel?.id ?? '');
      return true;
    });
    router.dispatch(channel('9.1', 'StasisStart'));
    const playback: string[] = [];
    const off = router.onPlayback('pb-1', (e) => playback.push(e.type));
    router.dispatch({ type: 'PlaybackStarted', playback: { id: 'pb-1', state: 'playing' } });
    router.dispatch({ type: 'PlaybackStarted', playback: { id: 'pb-2', state: 'playing' } });
    off();
    router.dispatch({ type: 'PlaybackFinished', playback: { id: 'pb-1', state: 'done' } });
    expect(offered).toEqual(['9.1']);
    expect(playback).toEqual(['PlaybackStarted']);
  });
});

describe('the espeak TTS', () => {
  const request = { text: 'Hello', voice: 'woman', language: 'en-US', loop: 1 };
  const signal = new AbortController().signal;

  it('runs the synthesiser once per text, converts its 22 kHz wav and names it for Asterisk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcml-tts-'));
    const source = join(dir, 'voice.wav');
    const calls = join(dir, 'calls.log');
    const speech = wav8k(2205);
    speech.writeUInt32LE(22050, 24);
    writeFileSync(source, speech);
    const script = join(dir, 'fake-espeak');
    writeFileSync(script, `#!/bin/sh\necho "$@" >> '${calls}'\ncp '${source}' "$4"\n`, { mode: 0o755 });
    const tts = createEspeakTts({
      dir: join(dir, 'cache'),
      asteriskDir: '/srv/tts',
      converter: { toAsteriskWav: async () => {} },
      espeakPath: script,
    });
    const uri = await tts.synthesize(request, signal);
    expect(await tts.synthesize(request, signal)).toBe(uri);
    expect(uri).toMatch(/^sound:\/srv\/tts\/[0-9a-f]{40}$/);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(readFileSync(calls, 'utf8')).toContain('-v en-us+f3 -w');
    const file = readFileSync(join(dir, 'cache', `${uri.split('/').pop()}.wav`));
    expect(isAsteriskWav(readWavFormat(file))).toBe(true);
    expect(file.length).toBe(44 + 800 * 2);
  });

  it('says clearly when no synthesiser is installed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcml-tts-'));
    const tts = createEspeakTts({
      dir,
      asteriskDir: dir,
      converter: { toAsteriskWav: async () => {} },
      espeakPath: join(dir, 'nope'),
    });
    await expect(tts.synthesize(request, signal)).rejects.toThrow('no speech synthesiser found');
  });
});

describe('the media cache', () => {
  function cache(table: Record<string, { type: string; bytes: Buffer }>) {
    const dir = mkdtempSync(join(tmpdir(), 'rcml-cache-'));
    const fetched: string[] = [];
    const converted: string[] = [];
    const media = createMediaCache({
      dir,
      asteriskDir: '/var/lib/asterisk/rcml-media',
      logger: quiet,
      fetcher: async (url) => {
        fetched.push(url);
        if (url === 'http://media.test/down') throw new Error('ECONNREFUSED');
        const hit = table[url];
        return hit === undefined
          ? { status: 404, contentType: null, bytes: new Uint8Array() }
          : { status: 200, contentType: hit.type, bytes: new Uint8Array(hit.bytes) };
      },
      converter: {
        async toAsteriskWav(input, output) {
          converted.push(input);
          if (readFileSync(input).toString().includes('garbage')) throw new Error('sox: no handler');
          const { writeFile } = await import('node:fs/promises');
          await writeFile(output, wav8k());
        },
      },
    });
    return { dir, media, fetched, converted };
  }
  const signal = new AbortController().signal;

  it('downloads once, keeps an 8 kHz wav as it is, and names it for Asterisk without extension', async () => {
    const { dir, media, fetched, converted } = cache({
      'http://m/a.wav': { type: 'audio/wav', bytes: wav8k() },
    });
    const first = await media.resolve('http://m/a.wav', signal);
    const second = await media.resolve('http://m/a.wav', signal);
    expect(first).toMatch(/^sound:\/var\/lib\/asterisk\/rcml-media\/[0-9a-f]{40}$/);
    expect(second).toBe(first);
    expect(fetched).toEqual(['http://m/a.wav']);
    expect(converted).toEqual([]);
    expect(existsSync(join(dir, `${first!.split('/').pop()}.wav`))).toBe(true);
  });

  it('converts other audio (by its content type) to 8 kHz mono wav', async () => {
    const { media, converted } = cache({
      'http://m/song': { type: 'audio/mpeg', bytes: Buffer.from('ID3...') },
    });
    expect(await media.resolve('http://m/song', signal)).toMatch(/^sound:/);
    expect(converted).toHaveLength(1);
    expect(converted[0]).toMatch(/\.source\.mp3$/);
  });

  it('a 404, a refused connection or audio sox cannot read is unavailable (notice 13227)', async () => {
    const { media } = cache({ 'http://m/bad': { type: 'audio/ogg', bytes: Buffer.from('garbage') } });
    expect(await media.resolve('http://m/missing', signal)).toBeNull();
    expect(await media.resolve('http://media.test/down', signal)).toBeNull();
    expect(await media.resolve('http://m/bad', signal)).toBeNull();
  });
});
