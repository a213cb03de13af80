/**
 * `<Leave>` (TwiML): in an `<Enqueue>` waitUrl document it takes the caller out of its queue
 * (the Enqueue's document runner acts on it, verbs/subDocuments.ts). Anywhere else the call is
 * in no queue, so it does nothing and the next verb runs.
 */
import type { LeaveVerb } from '../document/ast.js';
import { NEXT, type VerbOutcome, type VerbScope } from './types.js';

export async function executeLeave(_verb: LeaveVerb, _scope: VerbScope): Promise<VerbOutcome> {
  return NEXT;
}
