/**
 * The status callbacks the callback benchmark sends: realistic bodies (the parameters of spec
 * section 5) plus `IssuedAt`, the sender's wall time, from which the receiver measures lag.
 */
import { monotonicNow } from './callbackReceiver.js';

export const ACCOUNT = 'AC00000000000000000000000000000000';
const STATUSES = ['initiated', 'ringing', 'in-progress', 'completed'] as const;
export const PER_CALL = STATUSES.length;

/** The parameters of callback `seq` of a call. */
export function callbackParams(callSid: string, seq: number): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: ACCOUNT,
    CallSid: callSid,
    From: '+15550001111',
    To: '+15550002222',
    CallStatus: STATUSES[seq]!,
    ApiVersion: '2012-04-24',
    Direction: 'outbound-api',
    Timestamp: 'Thu, 01 Jan 2026 00:00:05 +0000',
    CallbackSource: 'call-progress-events',
    SequenceNumber: String(seq),
  };
  if (seq === PER_CALL - 1) params.CallDuration = '4';
  params.IssuedAt = monotonicNow().toFixed(3);
  return params;
}

/** A unique CallSid for call `index` of `round`. */
export const sidOf = (round: number, index: number): string =>
  `CA${round.toString(16).padStart(8, '0')}${index.toString(16).padStart(24, '0')}`;
