/**
 * Q.850 hang-up causes and ARI dial statuses, turned into what the engine understands.
 * A `ChannelHangupRequest` with `soft: true` carries a soft-hangup flag (32 explicit, 16 end
 * of dialplan), not a cause: only `ChannelDestroyed` and non-soft hang-up requests are read.
 */

/** The end of an outbound attempt that never answered. */
export type AttemptOutcome = { readonly kind: 'busy' } | { readonly kind: 'failed'; readonly reason: string };

/** Outcome of a `Dial` event's `dialstatus` (null: not final, or not an outcome). */
export function outcomeOfDialStatus(status: string): AttemptOutcome | null {
  switch (status) {
    case 'BUSY':
      return { kind: 'busy' };
    case 'NOANSWER':
      return { kind: 'failed', reason: 'no-answer' };
    case 'CONGESTION':
      return { kind: 'failed', reason: 'congestion' };
    case 'CHANUNAVAIL':
      return { kind: 'failed', reason: 'unavailable' };
    default:
      return null;
  }
}

/**
 * Outcome of an unanswered leg destroyed with `cause`. A leg destroyed before any `Dial`
 * status was never placed (no such extension, no route): failed, whatever the cause says.
 */
export function outcomeOfCause(cause: number | undefined, dialStatusSeen: boolean): AttemptOutcome {
  if (!dialStatusSeen) return { kind: 'failed', reason: 'unreachable' };
  switch (cause) {
    case 17:
      return { kind: 'busy' };
    case 18:
    case 19:
      return { kind: 'failed', reason: 'no-answer' };
    case 21:
      return { kind: 'failed', reason: 'rejected' };
    case 1:
    case 3:
    case 28:
      return { kind: 'failed', reason: 'invalid-number' };
    case 34:
    case 38:
    case 41:
    case 42:
      return { kind: 'failed', reason: 'congestion' };
    default:
      return { kind: 'failed', reason: `cause-${cause ?? 0}` };
  }
}

/**
 * The ARI `reason` for refusing an unanswered call. `busy` → cause 17 (SIP 486 Busy Here);
 * `rejected` → `normal` (cause 16), which chan_pjsip sends as 603 Decline on an unanswered call
 * (or `rejected`, cause 21, sent as 403, when so configured).
 */
export function rejectReason(
  reason: 'rejected' | 'busy',
  rejectedCause: 'normal' | 'rejected' = 'normal',
): string {
  return reason === 'busy' ? 'busy' : rejectedCause;
}
