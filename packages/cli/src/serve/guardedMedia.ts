/**
 * `<Play>` media downloads under the SSRF guard. The Asterisk driver downloads media URLs
 * itself (the engine only hands it the URL), so with the guard on, `rcml serve` gives it this
 * fetcher: the same limits as the driver's own (5 redirects, 30 s, 50 MB), but every
 * connection, including each redirect hop, goes through the guard's agent. A refused URL
 * rejects, which the driver reports as media that cannot be fetched (notice 13227).
 */
import type { UrlGuard } from '@rcml/webhook';
import { request } from 'undici';

/** What the fetcher returns: the driver's `FetchedMedia`. */
export interface GuardedMedia {
  readonly status: number;
  readonly contentType: string | null;
  readonly bytes: Uint8Array;
}

/** A media fetcher and the agent it owns. */
export interface GuardedMediaFetcher {
  /** The driver's `MediaFetcher`: downloads one URL, following redirects. */
  readonly fetch: (url: string, signal: AbortSignal) => Promise<GuardedMedia>;
  /** Closes the guard's connections. */
  close(): Promise<void>;
}

const MAX_REDIRECTS = 5;
const MAX_BYTES = 50 * 1024 * 1024;

/** Creates the fetcher over `guard` (its agent checks every connection). */
export function createGuardedMediaFetcher(
  guard: UrlGuard,
  options: { readonly timeoutMs?: number } = {},
): GuardedMediaFetcher {
  const agent = guard.createAgent();
  const timeout = options.timeoutMs ?? 30_000;
  return {
    async fetch(url, signal) {
      let current = url;
      for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
        const res = await request(current, {
          method: 'GET',
          signal,
          dispatcher: agent,
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
    },
    close: () => agent.close(),
  };
}
