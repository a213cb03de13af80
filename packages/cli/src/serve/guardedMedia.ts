/**
 * `<Play>` media downloads under the SSRF guard. The Asterisk driver downloads media URLs
 * itself (the engine only hands it the URL), so with the guard on, `rcml serve` gives it this
 * fetcher: the driver's own (5 redirects, 30 s, 50 MB), with every connection, including
 * each redirect hop, going through the guard's agent. A refused URL
 * rejects, which the driver reports as media that cannot be fetched (notice 13227).
 */
import { createUndiciMediaFetcher, type MediaFetcher } from '@rcml/driver-asterisk';
import type { UrlGuard } from '@rcml/webhook';

/** A media fetcher and the agent it owns. */
export interface GuardedMediaFetcher {
  /** The driver's `MediaFetcher`: downloads one URL, following redirects. */
  readonly fetch: MediaFetcher;
  /** Closes the guard's connections. */
  close(): Promise<void>;
}

/** Creates the fetcher over `guard` (its agent checks every connection). */
export function createGuardedMediaFetcher(
  guard: UrlGuard,
  options: { readonly timeoutMs?: number } = {},
): GuardedMediaFetcher {
  const agent = guard.createAgent();
  return {
    fetch: createUndiciMediaFetcher({
      dispatcher: agent,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    }),
    close: () => agent.close(),
  };
}
