/**
 * The driver's timers on a real clock: a timer that fires before its instant by the clock's
 * own reading (as Node's can, counting from its cached loop time) waits out the rest.
 */
import type { Clock, TimerId } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { createTimerGroup } from '../src/scheduler.js';

/** A clock without `schedule` whose first timer fires one millisecond early, run by hand. */
function earlyClock() {
  let now = 1000;
  const due: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  let early = true;
  const clock: Clock = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = next++;
      due.push({ at: now + ms, fn, id });
      return id as unknown as TimerId;
    },
    clearTimeout(id) {
      const i = due.findIndex((d) => d.id === (id as unknown as number));
      if (i >= 0) due.splice(i, 1);
    },
  };
  return {
    clock,
    /** Fire the earliest timer; the first one with the clock reading 1 ms before its instant. */
    fireEarly() {
      due.sort((a, b) => a.at - b.at);
      const d = due.shift();
      if (d === undefined) return false;
      now = Math.max(now, early ? d.at - 1 : d.at);
      early = false;
      d.fn();
      return true;
    },
    get now() {
      return now;
    },
  };
}

describe('driver timers on a real clock', () => {
  it('run `at` timers no earlier than their instant, however early the clock fires', () => {
    const c = earlyClock();
    const timers = createTimerGroup(c.clock);
    const fired: number[] = [];
    timers.at(2000, () => fired.push(c.now), 1);
    expect(c.fireEarly()).toBe(true); // at 1999: too early, re-armed
    expect(fired).toEqual([]);
    expect(timers.size).toBe(1);
    while (c.fireEarly()) {
      /* until it has run */
    }
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(2000);
    expect(timers.size).toBe(0);
  });

  it('cancels a re-armed timer', () => {
    const c = earlyClock();
    const timers = createTimerGroup(c.clock);
    let fired = false;
    const cancel = timers.at(
      2000,
      () => {
        fired = true;
      },
      1,
    );
    c.fireEarly();
    cancel();
    while (c.fireEarly()) {
      /* nothing left */
    }
    expect(fired).toBe(false);
    expect(timers.size).toBe(0);
  });
});
