/** `<Pause>` (spec 4.3). On a ringing inbound call it delays the answer (spec 1.3). */

import { untilAborted } from '../call/abort.js';
import type { PauseVerb } from '../document/ast.js';
import { NEXT, type VerbOutcome, type VerbScope } from './types.js';

/** Wait `length` seconds of media time; never answers. */
export async function executePause(
  verb: PauseVerb,
  scope: VerbScope,
  signal = scope.signal,
): Promise<VerbOutcome> {
  await untilAborted(scope.channel.pause({ length: Math.max(1, verb.length) }, signal), signal);
  return NEXT;
}
