/**
 * A faithful stand-in for the engine's per-call callback dispatcher (core's
 * `callbacks/callbackQueue.ts`, not exported): one request in flight per call, retries on
 * connection failures and 5xx after 1 s then 2 s, a per-attempt timeout, and a count of
 * what it had to give up. Like the engine, each attempt takes a controller from spares shared
 * between calls (the engine's `ControllerPool`, same limits), a timeout or the stop signal cuts
 * the attempt short without a listener per attempt, and stopping is one listener for all calls
 * (the engine abandons every call's queue at shutdown). The benchmark drives the real
 * transport through it.
 */
import { setMaxListeners } from 'node:events';
import type { HttpPort, HttpResponse } from '@rcml/core';
import { isRcmlError } from '@rcml/core';

interface Item {
  readonly url: string;
  readonly params: Record<string, string>;
}

interface Lane {
  readonly callSid: string;
  readonly items: Item[];
  readonly waiters: Array<() => void>;
  /** The controller of the attempt in flight (from the shared spares, as in the engine). */
  controller: AbortController | null;
  /** Rejects the attempt in flight (timeout, stop). */
  cutShort: ((reason: unknown) => void) | null;
  /** Fires the controller and ends the attempt in flight (one function per call). */
  readonly cut: () => void;
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
    this.#delays = options.retryDelaysMs ?? [1000, 2000];
    // One listener per call waiting for a retry on the round's stop signal is expected, not a leak.
    setMaxListeners(0, options.signal);
    // Like the engine abandoning every call's queue at shutdown: one listener for all calls.
    options.signal.addEventListener(
      'abort',
      () => {
        for (const lane of this.#lanes.values()) lane.cut();
      },
      { once: true },
    );
  }

  /** Queue one callback of `callSid`; it is sent when the call's previous one is done. */
  enqueue(callSid: string, url: string, params: Record<string, string>): void {
    const lane = this.#lanes.get(callSid);
    if (lane !== undefined) {
      lane.items.push({ url, params });
      return;
    }
    const fresh: Lane = {
      callSid,
      items: [{ url, params }],
      waiters: [],
      controller: null,
      cutShort: null,
      cut: () => {
        fresh.controller?.abort();
        fresh.cutShort?.(new Error('aborted'));
      },
    };
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
    for (let item = lane.items[0]; item !== undefined; item = lane.items[0]) {
      await this.#deliver(lane, item);
      lane.items.shift();
    }
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

  /** One attempt, a promise chain as in the engine. */
  #attempt(lane: Lane, item: Item): Promise<'done' | 'retry' | 'dropped'> {
    this.counters.attempts += 1;
    const { http } = this.#options;
    const controller = this.#take();
    lane.controller = controller;
    const signal = controller.signal;
    const timer = setTimeout(lane.cut, this.#options.attemptTimeoutMs ?? 15_000);
    return new Promise<HttpResponse>((resolve, reject) => {
      lane.cutShort = reject;
      http
        .send({
          method: 'POST',
          url: item.url,
          params: item.params,
          kind: 'callback',
          callSid: lane.callSid,
          accountSid: this.#options.accountSid,
          signal,
        })
        .then(resolve, reject);
    }).then(
      (response) => {
        clearTimeout(timer);
        this.#endAttempt(lane, controller);
        return response.status >= 500 ? 'retry' : 'done';
      },
      (error: unknown) => {
        clearTimeout(timer);
        this.#endAttempt(lane, controller);
        return this.#failed(error);
      },
    );
  }

  #endAttempt(lane: Lane, controller: AbortController): void {
    lane.controller = null;
    lane.cutShort = null;
    this.#give(controller);
  }

  // The engine's `ControllerPool` (core `call/abort.ts`, not exported), same limits.
  readonly #spare: AbortController[] = [];
  readonly #uses = new WeakMap<AbortController, number>();

  #take(): AbortController {
    return this.#spare.pop() ?? new AbortController();
  }

  #give(controller: AbortController): void {
    if (controller.signal.aborted || this.#spare.length >= 256) return;
    const uses = (this.#uses.get(controller) ?? 0) + 1;
    if (uses >= 8) return;
    this.#uses.set(controller, uses);
    this.#spare.push(controller);
  }

  #failed(error: unknown): 'retry' | 'dropped' {
    if (this.#options.signal.aborted) return 'dropped';
    if (isRcmlError(error) && (error.code === 14101 || !error.retryable)) {
      this.counters.dropped += 1;
      return 'dropped';
    }
    return 'retry';
  }
}
