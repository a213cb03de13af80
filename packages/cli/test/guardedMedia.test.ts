/**
 * `<Play>` downloads under the guard, over real loopback HTTP: a media URL naming an internal
 * address, a name resolving to one, and a redirect hop into one are refused without any
 * connection to the internal server; an allowed host is downloaded, redirects included.
 */
import { createUrlGuard } from '@rcml/webhook';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LoopbackSite, loopbackLookup, startLoopbackSite } from '../../../test/net/loopbackSite.js';
import { createGuardedMediaFetcher } from '../src/serve/guardedMedia.js';

/** A site answering each path with `handler`'s status and headers (a body when 200). */
function site(handler: (path: string) => { status: number; headers: Record<string, string> }) {
  return startLoopbackSite((path, res) => {
    const { status, headers } = handler(path);
    res.writeHead(status, headers).end(status === 200 ? 'RIFF-audio' : '');
  });
}

/** `media.test` (the allowed media host) and `inside.test` both resolve to 127.0.0.1. */
const lookup = loopbackLookup('media.test', 'inside.test');

let media: LoopbackSite;
let internal: LoopbackSite;
beforeEach(async () => {
  internal = await site(() => ({ status: 200, headers: { 'content-type': 'audio/wav' } }));
  media = await site((path) =>
    path === '/hop'
      ? { status: 302, headers: { location: `http://0x7f000001:${internal.port}/secret.wav` } }
      : path === '/ok-hop'
        ? { status: 301, headers: { location: '/tone.wav' } }
        : { status: 200, headers: { 'content-type': 'audio/wav' } },
  );
});
afterEach(async () => {
  await media.close();
  await internal.close();
});

describe('guarded <Play> downloads', () => {
  it('downloads from an allowed host, following its redirects', async () => {
    const fetcher = createGuardedMediaFetcher(createUrlGuard({ lookup, allow: ['media.test'] }));
    try {
      const got = await fetcher.fetch(`http://media.test:${media.port}/ok-hop`, new AbortController().signal);
      expect(got).toMatchObject({ status: 200, contentType: 'audio/wav' });
      expect(Buffer.from(got.bytes).toString()).toBe('RIFF-audio');
    } finally {
      await fetcher.close();
    }
  });

  it.each([
    ['a redirect hop into an internal address', (m: number) => `http://media.test:${m}/hop`],
    ['an internal address', (_m: number, i: number) => `http://127.0.0.1:${i}/secret.wav`],
    ['a name resolving to one', (_m: number, i: number) => `http://inside.test:${i}/secret.wav`],
    ['an IPv4-mapped IPv6 spelling', (_m: number, i: number) => `http://[::ffff:7f00:1]:${i}/secret.wav`],
  ])('refuses %s without connecting to it', async (_name, url) => {
    const fetcher = createGuardedMediaFetcher(createUrlGuard({ lookup, allow: ['media.test'] }));
    try {
      await expect(
        fetcher.fetch(url(media.port, internal.port), new AbortController().signal),
      ).rejects.toMatchObject({ code: 'ERR_RCML_SSRF_REFUSED' });
      expect(internal.connections).toBe(0);
    } finally {
      await fetcher.close();
    }
  });
});
