/**
 * Ordered delivery of one call's notifications (status callbacks, recordingStatusCallback):
 * one request in flight at a time so `SequenceNumber` order holds at the receiver, retries on
 * connection failures and 5xx on the injected clock, never blocking the call. An idle queue
 * sends at once (synchronously), so a callback is issued before the work its transition
 * causes, as the replay format requires.
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
  notice(callSid: string, code: ErrorCode, message: string): void;
}

type Outcome = 'done' | 'retry' | 'dropped';

interface Item {
  readonly url: string;
  readonly method: HttpMethod;
  readonly params: Readonly<Record<string, string>>;
}

/** Per-call ordered callback delivery. */
export class CallbackQueue {
  private readonly items: Item[] = [];
  private running = false;
  private stopped = false;
  private idleWaiters: (() => void)[] | null = null;
  /** The attempt in flight, so that a timeout or `abandon` can cut it short. */
  private inflight: AbortController | null = null;
  /** Rejects the attempt in flight: stops waiting at once, without a listener on its signal. */
  private cutShort: ((reason: unknown) => void) | null = null;
  /** The attempt timeout (one function per queue, not a closure per attempt). */
  private readonly onTimeout = (): void => this.cut();
  private retryTimer: TimerId | null = null;
  private retryWake: (() => void) | null = null;

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
    if (!this.running) void this.pump();
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
    this.cut();
    if (this.retryTimer !== null) this.ctx.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryWake?.();
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      for (let item = this.items[0]; item !== undefined; item = this.items[0]) {
        await this.deliver(item);
        if (this.items[0] === item) this.items.shift();
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = null;
      if (waiters !== null) for (const resolve of waiters) resolve();
    }
  }

  private async deliver(item: Item): Promise<void> {
    const { ctx } = this;
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) return;
      const outcome = await this.attempt(item);
      if (outcome !== 'retry') return;
      const delay = ctx.retryDelaysMs[attempt];
      if (delay === undefined) {
        ctx.notice(this.callSid, 14102, `callback to ${item.url} failed after ${attempt + 1} attempts`);
        return;
      }
      await new Promise<void>((resolve) => {
        this.retryWake = resolve;
        this.retryTimer = ctx.clock.setTimeout(() => {
          this.retryTimer = null;
          resolve();
        }, delay);
      });
      this.retryWake = null;
    }
  }

  /** One attempt; a promise chain rather than an async function: every callback makes one. */
  private attempt(item: Item): Promise<Outcome> {
    const { ctx } = this;
    const controller = ctx.controllers.take();
    this.inflight = controller;
    const timer = ctx.clock.setTimeout(this.onTimeout, ctx.timeoutMs);
    return new Promise<HttpResponse>((resolve, reject) => {
      this.cutShort = reject;
      ctx.http
        .send({
          method: item.method,
          url: item.url,
          params: item.params,
          kind: 'callback',
          callSid: this.callSid,
          accountSid: this.accountSid,
          signal: controller.signal,
        })
        .then(resolve, reject);
    }).then(
      (response) => {
        this.endAttempt(controller, timer);
        return response.status >= 500 ? 'retry' : 'done';
      },
      (error: unknown) => {
        this.endAttempt(controller, timer);
        return this.failed(item, error);
      },
    );
  }

  private endAttempt(controller: AbortController, timer: TimerId): void {
    this.ctx.clock.clearTimeout(timer);
    this.inflight = null;
    this.cutShort = null;
    this.ctx.controllers.give(controller);
  }

  /** What a failed attempt means: retry it, or give it up (with a notice). */
  private failed(item: Item, error: unknown): Outcome {
    const { ctx } = this;
    if (this.stopped) return 'dropped';
    if (isAborted(error)) return 'retry';
    if (isRcmlError(error)) {
      if (error.code === 14101) {
        ctx.notice(this.callSid, 14101, `callback to ${item.url} dropped: ${error.message}`);
        return 'dropped';
      }
      if (!error.retryable) {
        ctx.notice(this.callSid, 14102, `callback to ${item.url} failed: ${error.message}`);
        return 'dropped';
      }
    }
    return 'retry';
  }

  /** Abandon the attempt in flight (timeout, shutdown): its signal fires, its wait ends. */
  private cut(): void {
    this.inflight?.abort(ABORTED);
    this.cutShort?.(ABORTED);
  }
}
