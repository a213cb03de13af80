/**
 * The real clock (the engine's default): wall time and the host's timers, driven here by
 * vitest's fake timers so nothing waits.
 */
import { systemClock } from '@rcml/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

describe('systemClock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tells the wall time', () => {
    expect(systemClock.now()).toBe(Date.UTC(2026, 0, 1));
    vi.advanceTimersByTime(1500);
    expect(systemClock.now()).toBe(Date.UTC(2026, 0, 1, 0, 0, 1, 500));
  });

  it('a timer fires after its delay; a cleared one never fires', () => {
    const fired: string[] = [];
    systemClock.setTimeout(() => fired.push('kept'), 1000);
    const cleared = systemClock.setTimeout(() => fired.push('cleared'), 1000);
    systemClock.clearTimeout(cleared);
    vi.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['kept']);
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual(['kept']);
  });
});
