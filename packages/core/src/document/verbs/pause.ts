/** `<Pause>` attributes (spec 4.3): length. Warning code 13901. */
import type { ElementScope } from '../attributes.js';

/** `<Pause>` `length`: whole seconds, at least 1 (no maximum in the spec), default 1. */
export function parsePauseLength(scope: ElementScope): number {
  return scope.integer('length', 1, 1);
}
