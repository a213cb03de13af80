/**
 * A clock that only moves when told to. Timers due at the same instant fire by priority
 * (lower first), then in the order they were set. The engine's own timers use priority 0;
 * a replay schedules the far end's actions at 1 and live changes at 2, which gives the
 * "same instant" rule of the replay format.
 */
import type { Clock, TimerId } from '../ports.js';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly priority: number;
  readonly seq: number;
  readonly fn: () => void;
}

export interface SimulatedClock extends Clock {
  /** Schedule at an absolute time (ms) with a priority; returns a handle for `clearTimeout`. */
  schedule(at: number, fn: () => void, priority?: number): TimerId;
  /** Number of timers not yet fired or cleared. */
  readonly pending: number;
  /** Time of the next due timer, or undefined. */
  nextDue(): number | undefined;
  /** Move to the next due timer and fire it (and only it). Returns false when none is left. */
  fireNext(): boolean;
}

/** Create a simulated clock starting at `start` (epoch ms, default 2026-01-01T00:00:00Z). */
export function createSimulatedClock(start = Date.UTC(2026, 0, 1)): SimulatedClock {
  let now = start;
  let seq = 0;
  let nextId = 1;
  // A binary heap keyed by (at, priority, seq); cleared timers are removed lazily.
  const heap: Timer[] = [];
  const live = new Set<number>();

  const before = (a: Timer, b: Timer) =>
    a.at !== b.at ? a.at < b.at : a.priority !== b.priority ? a.priority < b.priority : a.seq < b.seq;

  function push(timer: Timer): void {
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }
  function pop(): Timer | undefined {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
  function dropCleared(): void {
    while (heap.length > 0 && !live.has(heap[0]!.id)) pop();
  }
  function schedule(at: number, fn: () => void, priority = 0): TimerId {
    const id = nextId++;
    live.add(id);
    push({ id, at: Math.max(at, now), priority, seq: seq++, fn });
    return id;
  }

  return {
    now: () => now,
    setTimeout: (fn, ms) => schedule(now + Math.max(0, Number.isFinite(ms) ? ms : 0), fn as () => void),
    clearTimeout: (id) => {
      live.delete(id as number);
    },
    schedule,
    get pending() {
      return live.size;
    },
    nextDue() {
      dropCleared();
      return heap[0]?.at;
    },
    fireNext() {
      dropCleared();
      const timer = pop();
      if (timer === undefined) return false;
      live.delete(timer.id);
      now = timer.at;
      timer.fn();
      return true;
    },
  };
}
