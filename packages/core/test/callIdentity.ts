/** A call's identity as request parameters are built from it: an inbound call, with changes. */
import type { CallIdentity } from '../src/fetch/params.js';

export function callIdentity(changes: Partial<CallIdentity> = {}): CallIdentity {
  return {
    sid: 'CA1',
    accountSid: 'AC1',
    from: '+15550001',
    to: '+15550002',
    apiVersion: '2010-04-01',
    direction: 'inbound',
    parentCallSid: null,
    callerName: null,
    forwardedFrom: null,
    status: 'in-progress',
    answeredBy: null,
    voicemailDetector: null,
    ...changes,
  };
}
