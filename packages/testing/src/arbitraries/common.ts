/**
 * Shared pieces of the arbitraries: the simulated application's base URL, the pools of
 * numbers and targets, and simulated time in tenths of a second (so values shrink to
 * round numbers and stay readable in counterexamples).
 */
import fc from 'fast-check';

/** Base URL of the generated application. */
export const APP_BASE = 'http://app.test';
/** Where the generated call's progress callbacks go. */
export const STATUS_URL = `${APP_BASE}/status`;
/** Where recording-ready notifications go. */
export const RECORDING_STATUS_URL = `${APP_BASE}/recording-status`;
/** The generated call's fallback document. */
export const FALLBACK_URL = `${APP_BASE}/fallback`;
/** Media that the simulated driver plays. */
export const MEDIA_URLS = [
  'http://media.test/hold.mp3',
  'http://media.test/beep.wav',
  'http://media.test/gone.mp3',
];

export const CALLER = '+15550002222';
export const CALLED = '+15550001111';

/**
 * Simulated seconds between `min` and `max`: half the time whole seconds, so that events
 * often fall on the same instant as the engine's own timers (a Gather timeout, a Pause end,
 * a response delay), which is where races hide; otherwise tenths.
 */
export function seconds(min: number, max: number): fc.Arbitrary<number> {
  const tenths = fc.integer({ min: Math.round(min * 10), max: Math.round(max * 10) }).map((n) => n / 10);
  const lo = Math.ceil(min);
  const hi = Math.floor(max);
  if (hi < lo) return tenths;
  return fc.oneof(fc.integer({ min: lo, max: hi }), tenths);
}

/** A sequence of 1 to `max` keys, weighted toward digits. */
export function digitString(max = 4): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...'0123456789'.split('')) },
    { weight: 2, arbitrary: fc.constantFrom('*', '#') },
  );
  return fc.array(key, { minLength: 1, maxLength: max }).map((keys) => keys.join(''));
}

/** Sort actions by time, keeping file order for equal times (replay format: time order). */
export function byTime<T>(items: readonly T[], time: (item: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => time(a.item) - time(b.item) || a.index - b.index)
    .map(({ item }) => item);
}

/** Drop undefined values so objects stay valid under `exactOptionalPropertyTypes`. */
export function compact<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** `arbitrary` with probability `p`, otherwise undefined (which is what shrinking goes to). */
export function sometimes<T>(arbitrary: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | undefined> {
  const present = Math.round(p * 20);
  return fc.oneof(
    { weight: 20 - present, arbitrary: fc.constant(undefined) },
    { weight: present, arbitrary },
  );
}
