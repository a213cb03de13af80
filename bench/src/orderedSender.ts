/**
 * A faithful stand-in for the engine's per-call callback dispatcher (core's
 * `callbacks/callbackQueue.ts`, not exported): one request in flight per call, retries on
 * connection failures and 5xx after 1 s then 2 s, a per-attempt timeout, and a count of
 * what it had to give up. The benchmark drives the real transport through it.
 */
import { setMaxListeners } from 'node:events';
import type { HttpPort } from '@rcml/core';
import { isRcmlError } from '@rcml/core';

interface Item {
  readonly url: string;
  readonly params: Record<string, string>;
}

interface Lane {
  readonly items: Item[];
  waiters: Array<() => void>;
}

/** Counters of what could not be delivered. */
export interface SenderCounters {
  /** Failed after every retry (the engine's notice 14102). */
  gaveUp: number;
  /** Refused by the transport (queue full, deadline: the engine's notice 14101). */
  dropped: number;
  /** Attempts made (first tries and retries). */
  attempts: number;
}

export interface OrderedSenderOptions {
  readonly http: HttpPort;
  readonly accountSid: string;
  readonly retryDelaysMs?: readonly number[];
  readonly attemptTimeoutMs?: number;
  /** Aborting it abandons everything (end of a benchmark round). */
  readonly signal: AbortSignal;
}

/** Per-call ordered delivery with retries. */
export class OrderedSender {
  readonly counters: SenderCounters = { gaveUp: 0, dropped: 0, attempts: 0 };
  readonly #lanes = new Map<string, Lane>();
  readonly #options: OrderedSenderOptions;
  readonly #delays: readonly number[];

  constructor(options: OrderedSenderOptions) {
    this.#options = options;
    // One listener per call in flight on the round's stop signal is expected, not a leak.
    setMaxListeners(0, options.signal);
    this.#delays = options.retryDelaysMs ?? [1000, 2000];
  }

  /** Queue one callback of `callSid`; it is sent when the call's previous one is done. */
  enqueue(callSid: string, url: string, params: Record<string, string>): void {
    let lane = this.#lanes.get(callSid);
    if (lane === undefined) {
      lane = { items: [], waiters: [] };
      this.#lanes.set(callSid, lane);
      lane.items.push({ url, params });
      void this.#pump(callSid, lane);
      return;
    }
    lane.items.push({ url, params });
  }

  /** Resolves when the call has nothing queued or in flight. */
  whenIdle(callSid: string): Promise<void> {
    const lane = this.#lanes.get(callSid);
    if (lane === undefined) return Promise.resolve();
    return new Promise((resolve) => lane.waiters.push(resolve));
  }

  async #pump(callSid: string, lane: Lane): Promise<void> {
    for (let item = lane.items[0]; item !== undefined; item = lane.items[0]) {
      await this.#deliver(callSid, item);
      lane.items.shift();
    }
    this.#lanes.delete(callSid);
    for (const wake of lane.waiters) wake();
  }

  async #deliver(callSid: string, item: Item): Promise<void> {
    const { signal } = this.#options;
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) return;
      const outcome = await this.#attempt(callSid, item);
      if (outcome !== 'retry') return;
      const delay = this.#delays[attempt];
      if (delay === undefined) {
        this.counters.gaveUp += 1;
        return;
      }
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, delay);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  async #attempt(callSid: string, item: Item): Promise<'done' | 'retry' | 'dropped'> {
    this.counters.attempts += 1;
    // As the engine does: one controller per attempt, a timer for its timeout, and a listener
    // on the stop signal (AbortSignal.any and AbortSignal.timeout cost far more per request).
    const { signal: stop } = this.#options;
    const controller = new AbortController();
    const onStop = (): void => controller.abort();
    stop.addEventListener('abort', onStop, { once: true });
    const timer = setTimeout(() => controller.abort(), this.#options.attemptTimeoutMs ?? 15_000);
    try {
      const response = await this.#options.http.send({
        method: 'POST',
        url: item.url,
        params: item.params,
        kind: 'callback',
        callSid,
        accountSid: this.#options.accountSid,
        signal: controller.signal,
      });
      return response.status >= 500 ? 'retry' : 'done';
    } catch (error) {
      if (stop.aborted) return 'dropped';
      if (isRcmlError(error) && (error.code === 14101 || !error.retryable)) {
        this.counters.dropped += 1;
        return 'dropped';
      }
      return 'retry';
    } finally {
      clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
    }
  }
}
