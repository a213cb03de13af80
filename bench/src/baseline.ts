/**
 * The B1 baseline: raw undici requests against the same application server at the same
 * concurrency, with exactly the requests one call makes (the document fetch, then its status
 * callbacks, same paths, same form bodies, same headers), in a closed loop. No engine: this is
 * what the HTTP work of a call costs by itself.
 */
import { Pool } from 'undici';
import type { CallTrace } from './harness.js';

export interface BaselineRequest {
  readonly path: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** The requests of a traced call, as the baseline sends them. */
export function baselineRequests(trace: CallTrace): BaselineRequest[] {
  return trace.requests.map((r) => ({
    path: r.path,
    body: new URLSearchParams(r.params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'user-agent': 'rcml-engine/0.1 (+@rcml/webhook)',
      'x-rcml-call-sid': r.params.CallSid ?? '',
    },
  }));
}

/** A pool to the server with `connections` connections, kept across rounds like the engine's. */
export function createBaselinePool(origin: string, connections: number): Pool {
  return new Pool(origin, { connections, keepAliveTimeout: 30_000 });
}

/**
 * `concurrency` workers, each sending the call's requests one after the other in a loop, for
 * `durationMs`. Returns requests answered per second.
 */
export async function baselineRound(
  pool: Pool,
  requests: readonly BaselineRequest[],
  concurrency: number,
  durationMs: number,
): Promise<number> {
  let done = 0;
  let counting = true;
  const start = performance.now();
  let elapsed = 0;
  const stopAt = start + durationMs;
  const worker = async (): Promise<void> => {
    while (counting) {
      for (const r of requests) {
        const response = await pool.request({
          path: r.path,
          method: 'POST',
          headers: r.headers,
          body: r.body,
        });
        await response.body.text();
        if (!counting) return;
        done++;
        if (performance.now() >= stopAt) {
          if (counting) elapsed = performance.now() - start;
          counting = false;
          return;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (done / elapsed) * 1000;
}
