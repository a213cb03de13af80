/**
 * `<Play>` media: each http(s) URL is downloaded once into a cache directory that Asterisk
 * can read, converted to an 8 kHz mono wav when it is anything else (uncompressed wav in
 * TypeScript, everything else with the converter, sox by default), and then played by
 * absolute path. A URL that cannot be fetched (or converted) is "unavailable": the engine
 * reports notice 13227 and goes on.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@rcml/core';
import { type Dispatcher, request } from 'undici';
import { type AudioConverter, isAsteriskWav, readWavFormat } from './converter.js';
import { pcmWavTo8kMono } from './pcm.js';

/** A fetched media body. Non-2xx answers are returned, not thrown. */
export interface FetchedMedia {
  readonly status: number;
  readonly contentType: string | null;
  readonly bytes: Uint8Array;
}

/** Downloads one URL (following redirects); rejects on transport failures. */
export type MediaFetcher = (url: string, signal: AbortSignal) => Promise<FetchedMedia>;

/** Downloads `<Play>` media once, converts it for Asterisk and keeps it on disk. */
export interface MediaCache {
  /** The media URI to give ARI (`sound:/dir/key`), or null when the URL is unavailable. */
  resolve(url: string, signal: AbortSignal): Promise<string | null>;
}

export interface MediaCacheOptions {
  readonly dir: string;
  /** `dir` as Asterisk sees it. */
  readonly asteriskDir: string;
  readonly fetcher: MediaFetcher;
  readonly converter: AudioConverter;
  readonly logger: Logger;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/ogg': 'ogg',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/basic': 'au',
  'audio/aiff': 'aiff',
  'audio/x-aiff': 'aiff',
};

export function createMediaCache(options: MediaCacheOptions): MediaCache {
  const inFlight = new Map<string, Promise<string | null>>();

  async function load(url: string, key: string, signal: AbortSignal): Promise<string | null> {
    const target = join(options.dir, `${key}.wav`);
    if (await exists(target)) return `sound:${join(options.asteriskDir, key)}`;
    let media: FetchedMedia;
    try {
      media = await options.fetcher(url, signal);
    } catch (error) {
      options.logger.warn('media download failed', { url, error: (error as Error).message });
      return null;
    }
    if (media.status < 200 || media.status > 299 || media.bytes.byteLength === 0) {
      options.logger.warn('media download answered with an error', { url, status: media.status });
      return null;
    }
    await mkdir(options.dir, { recursive: true });
    const format = readWavFormat(media.bytes);
    const partial = join(options.dir, `${key}.partial.wav`);
    if (isAsteriskWav(format)) {
      await writeFile(partial, media.bytes);
      await rename(partial, target);
      return `sound:${join(options.asteriskDir, key)}`;
    }
    const converted = format !== null ? pcmWavTo8kMono(media.bytes) : null;
    if (converted !== null) {
      await writeFile(partial, converted);
      await rename(partial, target);
      return `sound:${join(options.asteriskDir, key)}`;
    }
    const extension = format !== null ? 'wav' : extensionOf(media.contentType, url);
    const source = join(options.dir, `${key}.source.${extension}`);
    await writeFile(source, media.bytes);
    try {
      await options.converter.toAsteriskWav(source, partial, signal);
      await rename(partial, target);
    } catch (error) {
      options.logger.warn('media conversion failed', { url, error: (error as Error).message });
      await rm(partial, { force: true });
      return null;
    } finally {
      await rm(source, { force: true });
    }
    return `sound:${join(options.asteriskDir, key)}`;
  }

  return {
    resolve(url, signal) {
      const key = createHash('sha256').update(url).digest('hex').slice(0, 40);
      let pending = inFlight.get(key);
      if (pending === undefined) {
        pending = load(url, key, signal).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}

function extensionOf(contentType: string | null, url: string): string {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  const known = EXTENSIONS[type];
  if (known !== undefined) return known;
  const match = /\.([a-z0-9]{2,5})$/i.exec(new URL(url).pathname);
  return match?.[1]?.toLowerCase() ?? 'wav';
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}

/** Options of {@link createUndiciMediaFetcher}. */
export interface UndiciMediaFetcherOptions {
  /** The undici dispatcher every request (and redirect hop) goes through, e.g. a URL guard's agent. */
  readonly dispatcher?: Dispatcher;
  /** Headers and body timeout in ms (default 30 s). */
  readonly timeoutMs?: number;
}

const MAX_REDIRECTS = 5;
const MAX_BYTES = 50 * 1024 * 1024;

/** The default fetcher: undici, up to 5 redirects, 30 s, at most 50 MB. */
export function createUndiciMediaFetcher(options: UndiciMediaFetcherOptions = {}): MediaFetcher {
  const timeout = options.timeoutMs ?? 30_000;
  return async (url, signal) => {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      const res = await request(current, {
        method: 'GET',
        signal,
        ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const location = res.headers.location;
      if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
        await res.body.dump();
        current = new URL(location, current).toString();
        continue;
      }
      if (Number(res.headers['content-length'] ?? 0) > MAX_BYTES) {
        await res.body.dump();
        return { status: 413, contentType: null, bytes: new Uint8Array() };
      }
      const type = res.headers['content-type'];
      return {
        status: res.statusCode,
        contentType: typeof type === 'string' ? type : null,
        bytes: new Uint8Array(await res.body.arrayBuffer()),
      };
    }
    return { status: 310, contentType: null, bytes: new Uint8Array() };
  };
}
