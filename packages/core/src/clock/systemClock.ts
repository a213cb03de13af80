/**
 * The real clock: the one module of the core that touches wall time and host timers. The
 * engine uses it when no clock is injected.
 */
import type { Clock } from '../ports.js';

/** The real clock: `Date.now()` and the host's timers. The only module of the core that touches them. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};
