/**
 * `<Reject>` (spec 4.9): refuse an unanswered inbound call without answering (`busy` → busy,
 * `rejected` → no-answer); on an answered call it is a hang-up.
 */

import { untilAborted } from '../call/abort.js';
import type { RejectVerb } from '../document/ast.js';
import type { VerbOutcome, VerbScope } from './types.js';

export async function executeReject(verb: RejectVerb, scope: VerbScope): Promise<VerbOutcome> {
  // Stryker disable next-line ObjectLiteral,StringLiteral: the call machine ends the call on any outcome but next, fetch and rejected (callMachine.ts guards); <Reject> cannot run where 'hangup' is read (sub-documents, whisper legs)
  if (scope.answered) return { kind: 'hangup' };
  await untilAborted(scope.channel.reject(verb.reason), scope.signal);
  // Stryker disable next-line StringLiteral: the call machine reads only status === 'busy' (callMachine.ts); any other status ends the call no-answer alike
  return { kind: 'rejected', status: verb.reason === 'busy' ? 'busy' : 'no-answer' };
}
