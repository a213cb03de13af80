/**
 * Isolation of callback traffic per destination. Each origin gets its own bounded queue and a
 * limit of requests in flight, so an application that answers slowly (or not at all) fills
 * only its own queue and never delays another application's callbacks. Document fetches do
 * not pass through here: a call waiting for its next document is never behind notifications.
 */
import type { Clock } from '@rcml/core';
import { RcmlError } from '@rcml/core';

/** Limits of one origin's queue. */
export interface CallbackQueueLimits {
  /** Callbacks in flight per origin. */
  readonly concurrency: number;
  /** Callbacks waiting per origin (beyond those in flight); one more is refused with 14101. */
  readonly maxQueued: number;
}

/** What {@link HttpTransport.drain} found. */
export interface DrainResult {
  /** True when everything finished before the deadline. */
  readonly drained: boolean;
  /** Callbacks given up at the deadline (each rejected with 14101). */
  readonly dropped: number;
}

type Task<T> = (signal: AbortSignal) => Promise<T>;

interface Job {
  readonly origin: string;
  readonly start: () => void;
  readonly drop: (reason: string) => void;
}

interface OriginState {
  active: Set<Job>;
  readonly waiting: Job[];
}

/** Per-origin bounded queues with a concurrency limit each. */
export class CallbackQueue {
  readonly #limits: CallbackQueueLimits;
  readonly #clock: Clock;
  readonly #origins = new Map<string, OriginState>();
  #pending = 0;
  #idleWaiters: Array<() => void> = [];

  constructor(limits: CallbackQueueLimits, clock: Clock) {
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Callbacks waiting or in flight, over all origins. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Runs `task` when the origin has a free slot. Rejects with 14101 when the origin's queue is
   * full or the callback is dropped at a drain deadline; a callback whose `signal` fires while
   * it waits leaves the queue at once (in flight, the task itself sees the signal).
   */
  schedule<T>(origin: string, signal: AbortSignal, task: Task<T>): Promise<T> {
    if (signal.aborted) return Promise.reject(aborted(origin, signal));
    let state = this.#origins.get(origin);
    if (state === undefined) {
      state = { active: new Set(), waiting: [] };
      this.#origins.set(origin, state);
    }
    const origins = state;
    const mustWait = origins.active.size >= this.#limits.concurrency;
    if (mustWait && origins.waiting.length >= this.#limits.maxQueued) {
      return Promise.reject(
        new RcmlError(
          14101,
          `callback to ${origin} dropped: its queue is full (${this.#limits.maxQueued} waiting)`,
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        if (mustWait) signal.removeEventListener('abort', onAbort);
        origins.active.delete(job);
        this.#pending -= 1;
        this.#pump(origin, origins);
        return true;
      };
      const job: Job = {
        origin,
        start: () => {
          origins.active.add(job);
          task(signal).then(
            (value) => settle() && resolve(value),
            (error: unknown) => settle() && reject(error),
          );
        },
        // A drop settles at once; a request still in flight is ended by `close()`, which
        // destroys the pools (aborting each one here would cost every callback a controller).
        drop: (reason) => {
          const index = origins.waiting.indexOf(job);
          if (index >= 0) origins.waiting.splice(index, 1);
          if (settle()) reject(new RcmlError(14101, reason));
        },
      };
      const onAbort = (): void => {
        const index = origins.waiting.indexOf(job);
        if (index < 0) return;
        origins.waiting.splice(index, 1);
        if (settle()) reject(aborted(origin, signal));
      };
      this.#pending += 1;
      if (mustWait) {
        // Only a waiting callback needs to hear its signal here.
        signal.addEventListener('abort', onAbort, { once: true });
        origins.waiting.push(job);
      } else {
        job.start();
      }
    });
  }

  #pump(origin: string, state: OriginState): void {
    while (state.active.size < this.#limits.concurrency) {
      const next = state.waiting.shift();
      if (next === undefined) break;
      next.start();
    }
    if (state.active.size === 0 && state.waiting.length === 0) this.#origins.delete(origin);
    if (this.#pending === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /**
   * Waits until every callback has finished, at most `deadlineMs` on the clock. At the
   * deadline the callbacks still waiting or in flight are dropped (rejected with 14101, so the
   * engine reports each one as a notice).
   */
  drain(deadlineMs: number): Promise<DrainResult> {
    if (this.#pending === 0) return Promise.resolve({ drained: true, dropped: 0 });
    return new Promise((resolve) => {
      let done = false;
      const timer = this.#clock.setTimeout(() => {
        if (done) return;
        done = true;
        resolve({ drained: false, dropped: this.dropAll('shutdown deadline passed') });
      }, deadlineMs);
      this.#idleWaiters.push(() => {
        if (done) return;
        done = true;
        this.#clock.clearTimeout(timer);
        resolve({ drained: true, dropped: 0 });
      });
    });
  }

  /**
   * Drops every callback waiting or in flight at once (each rejected with 14101 naming
   * `reason`); returns how many. Requests still on the wire are ended by closing the pools.
   */
  dropAll(reason: string): number {
    const jobs: Job[] = [];
    for (const state of this.#origins.values()) jobs.push(...state.waiting, ...state.active);
    for (const job of jobs) job.drop(`callback to ${job.origin} dropped: ${reason}`);
    return jobs.length;
  }
}

/** A callback given up by its caller before it was sent: 11205, as when aborted in flight. */
function aborted(origin: string, signal: AbortSignal): RcmlError {
  return new RcmlError(
    11205,
    `callback to ${origin} aborted while queued: ${String(signal.reason ?? 'aborted')}`,
    {
      retryable: true,
      cause: signal.reason,
    },
  );
}
