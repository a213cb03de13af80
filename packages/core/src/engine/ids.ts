/**
 * SID generators. Core never touches randomness: the default generator is a counter seeded
 * from the clock, unique within one engine; deployments that run several engines against one
 * store inject their own `IdGenerator`.
 */
import type { Clock, IdGenerator } from '../ports.js';

type Prefix = 'CA' | 'RE' | 'SM' | 'MZ' | 'QU' | 'CF';

/**
 * `CA00000000000000000000000000000001`, `…0002`, …: a decimal counter per prefix, zero-padded
 * to 32 digits. The replay format's deterministic SIDs.
 */
export function createSequentialIds(): IdGenerator {
  const counters: Record<Prefix, number> = { CA: 0, RE: 0, SM: 0, MZ: 0, QU: 0, CF: 0 };
  return {
    next(prefix) {
      counters[prefix] += 1;
      return prefix + String(counters[prefix]).padStart(32, '0');
    },
  };
}

/**
 * The default: 12 hex digits of the clock's time at engine creation, then a 20-hex-digit
 * counter shared by all prefixes. Unique for one engine; sortable by creation order.
 */
export function createClockSeededIds(clock: Clock): IdGenerator {
  const seed = Math.max(0, Math.floor(clock.now())).toString(16).padStart(12, '0').slice(-12);
  let counter = 0;
  return {
    next(prefix) {
      counter += 1;
      return prefix + seed + counter.toString(16).padStart(20, '0');
    },
  };
}
