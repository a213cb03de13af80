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
  readonly callSid: string;
  readonly items: Item[];
  readonly waiters: Array<() => void>;
  /** With `controllerPerCall`: the call's controller, replaced once it has aborted. */
  controller: AbortController | null;
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
  /**
   * One `AbortController` per call (reused by its attempts until one aborts) instead of one
   * per attempt as the engine does today: the same behaviour with fewer allocations, measured
   * beside the faithful variant to show what the per-attempt controller costs.
   */
  readonly controllerPerCall?: boolean;
}

/** Per-call ordered delivery with retries. */
export class OrderedSender {
  readonly counters: SenderCounters = { gaveUp: 0, dropped: 0, attempts: 0 };
  readonly #lanes = new Map<string, Lane>();
  readonly #options: OrderedSenderOptions;
  readonly #delays: readonly number[];
  readonly #perCall: boolean;

  constructor(options: OrderedSenderOptions) {
    this.#options = options;
    this.#perCall = options.controllerPerCall ?? false;
    // One listener per call in flight on the round's stop signal is expected, not a leak.
    setMaxListeners(0, options.signal);
    this.#delays = options.retryDelaysMs ?? [1000, 2000];
  }

  /** Queue one callback of `callSid`; it is sent when the call's previous one is done. */
  enqueue(callSid: string, url: string, params: Record<string, string>): void {
    const lane = this.#lanes.get(callSid);
    if (lane !== undefined) {
      lane.items.push({ url, params });
      return;
    }
    const fresh: Lane = { callSid, items: [{ url, params }], waiters: [], controller: null };
    this.#lanes.set(callSid, fresh);
    void this.#pump(fresh);
  }

  /** Resolves when the call has nothing queued or in flight. */
  whenIdle(callSid: string): Promise<void> {
    const lane = this.#lanes.get(callSid);
    if (lane === undefined) return Promise.resolve();
    return new Promise((resolve) => lane.waiters.push(resolve));
  }

  async #pump(lane: Lane): Promise<void> {
    const { signal: stop } = this.#options;
    const onStop = (): void => lane.controller?.abort();
    if (this.#perCall) stop.addEventListener('abort', onStop, { once: true });
    for (let item = lane.items[0]; item !== undefined; item = lane.items[0]) {
      await this.#deliver(lane, item);
      lane.items.shift();
    }
    if (this.#perCall) stop.removeEventListener('abort', onStop);
    this.#lanes.delete(lane.callSid);
    for (const wake of lane.waiters) wake();
  }

  async #deliver(lane: Lane, item: Item): Promise<void> {
    const { signal } = this.#options;
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) return;
      const outcome = await this.#attempt(lane, item);
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

  /** The controller of one attempt: the engine's way (a new one, hearing the stop signal) or the call's. */
  #controllerFor(lane: Lane): { controller: AbortController; release: () => void } {
    const { signal: stop } = this.#options;
    if (this.#perCall) {
      if (lane.controller === null || lane.controller.signal.aborted) lane.controller = new AbortController();
      if (stop.aborted) lane.controller.abort();
      return { controller: lane.controller, release: () => {} };
    }
    const controller = new AbortController();
    const onStop = (): void => controller.abort();
    stop.addEventListener('abort', onStop, { once: true });
    return { controller, release: () => stop.removeEventListener('abort', onStop) };
  }

  async #attempt(lane: Lane, item: Item): Promise<'done' | 'retry' | 'dropped'> {
    this.counters.attempts += 1;
    const { signal: stop } = this.#options;
    const { controller, release } = this.#controllerFor(lane);
    const timer = setTimeout(() => controller.abort(), this.#options.attemptTimeoutMs ?? 15_000);
    try {
      const response = await this.#options.http.send({
        method: 'POST',
        url: item.url,
        params: item.params,
        kind: 'callback',
        callSid: lane.callSid,
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
      release();
    }
  }
}
