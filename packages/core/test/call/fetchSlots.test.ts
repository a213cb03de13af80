/** The per-minute document fetch limit (spec 8) as a sliding window over the recent fetch times. */
import { describe, expect, it } from 'vitest';
import { takeFetchSlot } from '../../src/call/fetchSlots.js';

describe('the fetch-rate window', () => {
  it('allows max fetches in a minute, refuses the next one within that minute', () => {
    const times: number[] = [];
    expect(takeFetchSlot(times, 0, 2)).toBe(true);
    expect(takeFetchSlot(times, 1_000, 2)).toBe(true);
    expect(takeFetchSlot(times, 59_999, 2)).toBe(false);
    expect(times).toEqual([0, 1_000]);
  });

  it('a full minute after the oldest fetch, its slot is free again (and the window slides)', () => {
    const times = [0, 1_000];
    expect(takeFetchSlot(times, 60_000, 2)).toBe(true);
    expect(times).toEqual([1_000, 60_000]);
    expect(takeFetchSlot(times, 60_999, 2)).toBe(false);
    expect(takeFetchSlot(times, 61_000, 2)).toBe(true);
    expect(times).toEqual([60_000, 61_000]);
  });
});
