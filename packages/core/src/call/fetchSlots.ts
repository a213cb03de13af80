/** Spec 8: at most `max` document fetches in any minute, for a call and for each dial leg. */

/**
 * Take a fetch slot at `now` (ms) from `times` (the recent fetch times, oldest first, kept by
 * the caller). False when `max` fetches already happened within the last minute.
 */
export function takeFetchSlot(times: number[], now: number, max: number): boolean {
  if (times.length >= max) {
    if (now - times[0]! < 60_000) return false;
    times.shift();
  }
  times.push(now);
  return true;
}
