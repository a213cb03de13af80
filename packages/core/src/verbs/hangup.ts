/** `<Hangup>` (spec 4.7): ends the call, answering an unanswered inbound call first. */
import type { HangupVerb } from '../document/ast.js';
import type { VerbOutcome, VerbScope } from './types.js';

const HANGUP: VerbOutcome = { kind: 'hangup' };

export async function executeHangup(_verb: HangupVerb, scope: VerbScope): Promise<VerbOutcome> {
  await scope.answer();
  return HANGUP;
}
