/**
 * Ordered delivery of one call's notifications (status callbacks, recordingStatusCallback):
 * one request in flight at a time so `SequenceNumber` order holds at the receiver, retries on
 * connection failures and 5xx on the injected clock, never blocking the call. An idle queue
 * sends at once (synchronously), so a callback is issued before the work its transition
 * causes, as the replay format requires.
 *
 * Written as a small state machine driven by the transport's settlement and the clock's
 * timers rather than as an async loop: every callback of every call passes through here, and
 * each `await` of a loop costs a promise and a microtask hop (measured in B4).
 */

import { ABORTED, type ControllerPool, isAborted } from '../call/abort.js';
import type { HttpMethod } from '../document/ast.js';
import { type ErrorCode, isRcmlError } from '../errors.js';
import type { Clock, HttpPort, HttpResponse, TimerId } from '../ports.js';

/** What callback delivery needs from the engine. */
export interface CallbackContext {
  readonly http: HttpPort;
  readonly clock: Clock;
  /** Delays before each retry (ms). */
  readonly retryDelaysMs: readonly number[];
  /** Per attempt; a timed-out attempt counts as a connection failure. */
  readonly timeoutMs: number;
  /** Where each attempt's controller comes from (and returns to, when it did not fire). */
  readonly controllers: ControllerPool;
  /** Report a notice (14101 dropped, 14102 failed after its retries) for the call. */
  notice(callSid: string, code: ErrorCode, message: string): void;
}

/** The engine's default delays before each retry (spec section 5): 1 s, then 2 s. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = Object.freeze([1000, 2000]);

type Outcome = 'done' | 'retry' | 'dropped';

interface Item {
  readonly url: string;
  readonly method: HttpMethod;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Per-call ordered callback delivery. States: idle (`running` false); an attempt in flight
 * (`inflight` set, its timeout armed); waiting to retry (`retryTimer` set).
 */
export class CallbackQueue {
  private readonly items: Item[] = [];
  private running = false;
  private stopped = false;
  private idleWaiters: (() => void)[] | null = null;
  /** Retries already made for the head item. */
  private retries = 0;
  /** The controller of the attempt in flight; a settlement of any other attempt is stale. */
  private inflight: AbortController | null = null;
  private timeoutTimer: TimerId | null = null;
  private retryTimer: TimerId | null = null;
  /** The attempt timeout and the retry wake-up (one function each per queue, not per attempt). */
  private readonly onTimeout = (): void => {
    this.timeoutTimer = null;
    this.cut();
  };
  private readonly onRetry = (): void => {
    this.retryTimer = null;
    this.sendHead();
  };

  constructor(
    private readonly ctx: CallbackContext,
    private readonly callSid: string,
    private readonly accountSid: string,
  ) {}

  /** Queue a notification; sent at once when nothing is in flight. */
  enqueue(url: string, method: HttpMethod, params: Readonly<Record<string, string>>): void {
    if (this.stopped) {
      this.ctx.notice(this.callSid, 14101, `callback to ${url} dropped: delivery was stopped`);
      return;
    }
    this.items.push({ url, method, params });
    if (this.running) return;
    this.running = true;
    this.sendHead();
  }

  /** Whether nothing is queued or in flight. */
  get idle(): boolean {
    return !this.running;
  }

  /** Resolves when everything queued so far has been delivered or given up. */
  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    this.idleWaiters ??= [];
    const waiters = this.idleWaiters;
    return new Promise((resolve) => waiters.push(resolve));
  }

  /** Give up on everything still queued (shutdown deadline): each is reported as 14101. */
  abandon(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const item of this.items.splice(0)) {
      this.ctx.notice(this.callSid, 14101, `callback to ${item.url} dropped: shutdown deadline passed`);
    }
    if (this.retryTimer !== null) {
      this.ctx.clock.clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.sendHead();
    }
    this.cut();
  }

  /** Sends the head item, or goes idle when there is none (or delivery was stopped). */
  private sendHead(): void {
    const item = this.items[0];
    if (item === undefined || this.stopped) {
      this.goIdle();
      return;
    }
    const { ctx } = this;
    const controller = ctx.controllers.take();
    this.inflight = controller;
    this.timeoutTimer = ctx.clock.setTimeout(this.onTimeout, ctx.timeoutMs);
    let sent: Promise<HttpResponse>;
    try {
      sent = ctx.http.send({
        method: item.method,
        url: item.url,
        params: item.params,
        kind: 'callback',
        callSid: this.callSid,
        accountSid: this.accountSid,
        signal: controller.signal,
      });
    } catch (error) {
      // A port that throws instead of rejecting: the same failure.
      sent = Promise.reject(error);
    }
    sent.then(
      (response) => {
        if (this.inflight !== controller) return;
        this.endAttempt(controller);
        this.settled(item, response.status >= 500 ? 'retry' : 'done');
      },
      (error: unknown) => {
        if (this.inflight !== controller) return;
        this.endAttempt(controller);
        this.settled(item, this.failed(item, error));
      },
    );
  }

  /** After an attempt: wait and retry, or move on to the next item. */
  private settled(item: Item, outcome: Outcome): void {
    const { ctx } = this;
    if (outcome === 'retry' && !this.stopped) {
      const delay = ctx.retryDelaysMs[this.retries];
      if (delay !== undefined) {
        this.retries += 1;
        this.retryTimer = ctx.clock.setTimeout(this.onRetry, delay);
        return;
      }
      ctx.notice(this.callSid, 14102, `callback to ${item.url} failed after ${this.retries + 1} attempts`);
    }
    if (this.items[0] === item) this.items.shift();
    this.retries = 0;
    this.sendHead();
  }

  private goIdle(): void {
    this.running = false;
    this.retries = 0;
    const waiters = this.idleWaiters;
    this.idleWaiters = null;
    if (waiters !== null) for (const resolve of waiters) resolve();
  }

  private endAttempt(controller: AbortController): void {
    if (this.timeoutTimer !== null) this.ctx.clock.clearTimeout(this.timeoutTimer);
    this.timeoutTimer = null;
    this.inflight = null;
    this.ctx.controllers.give(controller);
  }

  /** What a failed attempt means: retry it, or give it up (with a notice). */
  private failed(item: Item, error: unknown): Outcome {
    const { ctx } = this;
    // Stryker disable next-line StringLiteral: unreachable: abandon() cuts the attempt in flight before anything can settle it (`failed` is never called once stopped)
    if (this.stopped) return 'dropped';
    if (isAborted(error)) return 'retry';
    if (isRcmlError(error)) {
      if (error.code === 14101) {
        ctx.notice(this.callSid, 14101, `callback to ${item.url} dropped: ${error.message}`);
        // Stryker disable next-line StringLiteral: `settled` only tests the outcome for 'retry'; any other outcome moves on alike
        return 'dropped';
      }
      if (!error.retryable) {
        ctx.notice(this.callSid, 14102, `callback to ${item.url} failed: ${error.message}`);
        // Stryker disable next-line StringLiteral: `settled` only tests the outcome for 'retry'; any other outcome moves on alike
        return 'dropped';
      }
    }
    return 'retry';
  }

  /**
   * Abandon the attempt in flight (timeout, shutdown): its signal fires, and the queue stops
   * waiting for it at once (a late settlement is ignored).
   */
  private cut(): void {
    const controller = this.inflight;
    if (controller === null) return;
    const item = this.items[0];
    controller.abort(ABORTED);
    this.endAttempt(controller);
    if (item === undefined) this.sendHead();
    else this.settled(item, this.failed(item, ABORTED));
  }
}
