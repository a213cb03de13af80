/**
 * The engine's own per-call callback dispatcher (`@rcml/core/callbacks`), one queue per
 * CallSid, as the engine keeps one per call: one request in flight per call, retries on
 * connection failures and 5xx after 1 s then 2 s, a per-attempt timeout, controllers from a
 * pool shared by all calls. The benchmark drives the real transport through it, so what it
 * measures is what the engine does.
 */
import { type ErrorCode, systemClock } from '@rcml/core';
import {
  type CallbackContext,
  CallbackQueue,
  ControllerPool,
  DEFAULT_RETRY_DELAYS_MS,
} from '@rcml/core/callbacks';

/** What could not be delivered, counted from the dispatcher's notices. */
export interface SenderCounters {
  /** Failed after every retry (notice 14102). */
  gaveUp: number;
  /** Refused by the transport or abandoned (notice 14101). */
  dropped: number;
}

export interface OrderedSenderOptions {
  readonly http: CallbackContext['http'];
  readonly accountSid: string;
  /** Aborting it abandons every call's queue, as the engine does at its shutdown deadline. */
  readonly signal: AbortSignal;
}

/** Per-call ordered delivery with retries: the engine's queues, keyed by CallSid. */
export class OrderedSender {
  readonly counters: SenderCounters = { gaveUp: 0, dropped: 0 };
  readonly #queues = new Map<string, CallbackQueue>();
  readonly #context: CallbackContext;
  readonly #accountSid: string;

  constructor(options: OrderedSenderOptions) {
    this.#accountSid = options.accountSid;
    this.#context = {
      http: options.http,
      clock: systemClock,
      retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
      // The engine's default per attempt (its fetchTimeoutMs).
      timeoutMs: 15_000,
      controllers: new ControllerPool(),
      notice: (_callSid: string, code: ErrorCode) => {
        if (code === 14102) this.counters.gaveUp += 1;
        else if (code === 14101) this.counters.dropped += 1;
      },
    };
    options.signal.addEventListener(
      'abort',
      () => {
        for (const queue of this.#queues.values()) queue.abandon();
      },
      { once: true },
    );
  }

  /** Queue one callback of `callSid`; it is sent when the call's previous one is done. */
  enqueue(callSid: string, url: string, params: Record<string, string>): void {
    let queue = this.#queues.get(callSid);
    if (queue === undefined) {
      queue = new CallbackQueue(this.#context, callSid, this.#accountSid);
      this.#queues.set(callSid, queue);
    }
    queue.enqueue(url, 'POST', params);
  }

  /** Resolves when the call has nothing queued or in flight (and forgets the call). */
  async whenIdle(callSid: string): Promise<void> {
    const queue = this.#queues.get(callSid);
    if (queue === undefined) return;
    await queue.whenIdle();
    if (queue.idle) this.#queues.delete(callSid);
  }
}
