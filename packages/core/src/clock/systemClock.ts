/**
 * The real clock: the one module of the core that touches wall time and host timers. The
 * engine uses it when no clock is injected.
 */
import type { Clock } from '../ports.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};
