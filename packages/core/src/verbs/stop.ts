/** `<Stop><Stream name>`: stop the call's forked streams of that name (all of them without a name). */
import type { StopVerb } from '../document/ast.js';
import { NEXT, type VerbOutcome, type VerbScope } from './types.js';

export async function executeStop(verb: StopVerb, scope: VerbScope): Promise<VerbOutcome> {
  scope.streams?.stop(verb.name);
  return NEXT;
}
