/** `<Redirect>` (spec 4.8): hand control to another document; keeps an inbound call ringing. */
import type { RedirectVerb } from '../document/ast.js';
import { fetchOutcome, type VerbOutcome, type VerbScope } from './types.js';

export async function executeRedirect(verb: RedirectVerb, scope: VerbScope): Promise<VerbOutcome> {
  return fetchOutcome(scope, verb.url, verb.method, {});
}
