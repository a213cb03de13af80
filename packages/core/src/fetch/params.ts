/**
 * The parameters every request about a call carries (spec section 2), in the documented
 * order: CallSid, AccountSid, From, To, CallStatus, ApiVersion, Direction, then the optional
 * CallerName, ForwardedFrom, ParentCallSid, then AnsweredBy and VoicemailDetector once
 * voicemail detection ran.
 */
import type { CallStatus, Direction } from '../engine/types.js';
import type { AnsweredBy } from '../ports.js';

/** What the parameters are built from; the call session keeps this up to date. */
export interface CallIdentity {
  readonly sid: string;
  readonly accountSid: string;
  readonly from: string;
  readonly to: string;
  readonly apiVersion: string;
  readonly direction: Direction;
  readonly parentCallSid: string | null;
  readonly callerName: string | null;
  readonly forwardedFrom: string | null;
  readonly status: CallStatus;
  readonly answeredBy: AnsweredBy | null;
  readonly voicemailDetector: 'person_found' | 'voicemail' | null;
}

/** The parameters of section 2 for the call as it is now. */
export function callParams(call: CallIdentity): Record<string, string> {
  const params: Record<string, string> = {
    CallSid: call.sid,
    AccountSid: call.accountSid,
    From: call.from,
    To: call.to,
    CallStatus: call.status,
    ApiVersion: call.apiVersion,
    Direction: call.direction,
  };
  if (call.callerName !== null) params.CallerName = call.callerName;
  if (call.forwardedFrom !== null) params.ForwardedFrom = call.forwardedFrom;
  if (call.parentCallSid !== null) params.ParentCallSid = call.parentCallSid;
  if (call.answeredBy !== null) {
    params.AnsweredBy = call.answeredBy;
    // Only `DetectVoicemail` has a VoicemailDetector; `MachineDetection` sends AnsweredBy alone (spec 9.3).
    if (call.voicemailDetector !== null) params.VoicemailDetector = call.voicemailDetector;
  }
  return params;
}
