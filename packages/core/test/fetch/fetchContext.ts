/** Test set-up shared by the `fetchDocument` tests: a fetch context on a simulated clock. */
import { createSimulatedClock, type HttpPort, type SimulatedClock } from '@rcml/core';
import { DocumentCache } from '../../src/fetch/documentCache.js';
import type { FetchContext } from '../../src/fetch/fetchDocument.js';

/** The engine's default limits, `send` as the HTTP port, a fresh clock and cache. */
export function fetchContext(send: HttpPort['send']): {
  clock: SimulatedClock;
  ctx: FetchContext;
} {
  const clock = createSimulatedClock();
  return {
    clock,
    ctx: {
      http: { send },
      clock,
      timeoutMs: 15_000,
      maxRedirects: 10,
      maxDocumentBytes: 65_536,
      parseOptions: {},
      cache: new DocumentCache(4),
    },
  };
}
