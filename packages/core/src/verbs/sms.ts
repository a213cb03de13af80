/** `<Sms>` (spec 4.10): a text message through the embedding server's messaging port. */

import { untilAborted } from '../call/abort.js';
import type { SmsVerb } from '../document/ast.js';
import { fetchOutcome, NEXT, type VerbOutcome, type VerbScope } from './types.js';

export async function executeSms(verb: SmsVerb, scope: VerbScope): Promise<VerbOutcome> {
  await scope.answer();
  const { call } = scope;
  // "The other party" and "this side": inbound, the caller is From; outbound, the callee is To.
  const inbound = call.direction === 'inbound';
  const smsSid = scope.nextSid('SM');
  const status = await untilAborted(
    scope.sendSms({
      to: verb.to ?? (inbound ? call.from : call.to),
      from: verb.from ?? (inbound ? call.to : call.from),
      body: verb.body,
      statusCallback: verb.statusCallback === null ? null : scope.resolveUrl(verb.statusCallback),
      callSid: call.sid,
      smsSid,
    }),
    scope.signal,
  );
  if (verb.action === null) return NEXT;
  return fetchOutcome(scope, verb.action, verb.method, { SmsSid: smsSid, SmsStatus: status });
}
