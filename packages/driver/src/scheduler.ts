/**
 * Timers with a priority on any `Clock`. On a `SimulatedClock` the priority decides the order
 * of things due at the same instant (the replay format's "same instant" rule); on a real
 * clock it is ignored.
 */
import type { Clock, TimerId } from '@rcml/core';

/** Media timers of the driver itself: due media ends before the far end acts. */
export const DRIVER_PRIORITY = 0;
/** Scripted far-end actions (`party`, `dialed`). */
export const SCRIPT_PRIORITY = 1;
/** Live changes (`modify`), scheduled by whoever drives the scenario. */
export const LIVE_CHANGE_PRIORITY = 2;

interface PriorityClock extends Clock {
  schedule(at: number, fn: () => void, priority?: number): TimerId;
}

function hasSchedule(clock: Clock): clock is PriorityClock {
  return typeof (clock as Partial<PriorityClock>).schedule === 'function';
}

/** Timers that can be cancelled all at once (everything one channel scheduled). */
export interface TimerGroup {
  /** Run `fn` after `seconds` of clock time at `priority`. Returns a cancel function. */
  after(seconds: number, fn: () => void, priority: number): () => void;
  /** Run `fn` at the absolute epoch-ms instant `at` (now if already past). */
  at(at: number, fn: () => void, priority: number): () => void;
  /** Cancel every timer of the group that has not fired. */
  cancelAll(): void;
  /** The clock's time (epoch ms). */
  now(): number;
  /** Timers of the group not yet fired or cancelled. */
  readonly size: number;
}

/** Seconds to milliseconds without binary noise (0.05 * 3 must be 150 ms, not 150.00000000000003). */
export function toMs(seconds: number): number {
  return Math.round(seconds * 1_000_000) / 1000;
}

/** A fresh group of timers on `clock`. */
export function createTimerGroup(clock: Clock): TimerGroup {
  const live = new Set<TimerId>();
  function arm(at: number, fn: () => void, priority: number): () => void {
    let id: TimerId;
    const fire = () => {
      live.delete(id);
      // A real clock's timer can fire a millisecond before `at` by that clock's own reading
      // (Node counts from its cached loop time): wait out the rest, so that code comparing
      // `now()` with `at` (the end of the far end's talk) sees the instant it was promised.
      if (!hasSchedule(clock) && clock.now() < at) {
        id = clock.setTimeout(fire, at - clock.now());
        live.add(id);
        return;
      }
      fn();
    };
    id = hasSchedule(clock)
      ? clock.schedule(at, fire, priority)
      : clock.setTimeout(fire, Math.max(0, at - clock.now()));
    live.add(id);
    return () => {
      if (live.delete(id)) clock.clearTimeout(id);
    };
  }
  return {
    after: (seconds, fn, priority) => arm(clock.now() + toMs(Math.max(0, seconds)), fn, priority),
    at: (at, fn, priority) => arm(Math.max(at, clock.now()), fn, priority),
    now: () => clock.now(),
    cancelAll() {
      for (const id of live) clock.clearTimeout(id);
      live.clear();
    },
    get size() {
      return live.size;
    },
  };
}
