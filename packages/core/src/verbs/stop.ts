/** `<Stop><Stream name>`: stop the call's forked streams of that name (all of them without a name). */
import type { StopVerb } from '../document/ast.js';
import { NEXT, type VerbOutcome, type VerbScope } from './types.js';

export async function executeStop(verb: StopVerb, scope: VerbScope): Promise<VerbOutcome> {
  // Stryker disable next-line OptionalChaining: only a whisper leg's scope has no streams, and a leg's document cannot hold <Stop> (WHISPER_VERBS)
  scope.streams?.stop(verb.name);
  return NEXT;
}
