/** `<Pause>` attributes (spec 4.3): length. Warning code 13901. */
import type { ElementScope } from '../attributes.js';

/** Longest pause accepted, in seconds (one day is more than any call needs). */
const MAX_PAUSE_SECONDS = 86_400;

/** `<Pause>` `length`: whole seconds, 1 to {@link MAX_PAUSE_SECONDS}, default 1. */
export function parsePauseLength(scope: ElementScope): number {
  return scope.integer('length', 1, 1, MAX_PAUSE_SECONDS);
}
