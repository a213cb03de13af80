/**
 * Invariant: the final state fits what happened (spec 1.2, 1.3, 1.5, 4). An answered call
 * ends `completed`; an outbound call that was never answered ends `busy`, `failed`,
 * `no-answer` or `canceled`, and the far end's busy / fail / silence decides which (unless a
 * live change ended it first); a `<Reject>`ed inbound call ends `busy` or `no-answer` as its
 * reason says; the duration is the whole seconds from answer to end (with `MachineDetection`,
 * from the pick-up).
 */
import type { Scenario } from '@rcml/replay';
import type { Invariant, ObservedRun, RunObservation, Violation } from '../types.js';
import {
  answeredFrom,
  EPSILON,
  finalStatusEvent,
  isInbound,
  judgeCreatedRun,
  MAIN_CALL_SID,
  round,
} from './view.js';

const NAME = 'final-status';

/** What the far end of an outbound call did first, if it did not answer. */
function unansweredCause(scenario: Scenario): { status: string; at: number } {
  const timeout = Number(scenario.call?.Timeout ?? '60');
  const first = (scenario.party ?? []).find((a) => ['answer', 'busy', 'fail'].includes(a.do));
  if (first !== undefined && first.at < timeout - EPSILON) {
    if (first.do === 'busy') return { status: 'busy', at: first.at };
    if (first.do === 'fail') return { status: 'failed', at: first.at };
  }
  return { status: 'no-answer', at: timeout };
}

function checkOutboundUnanswered(scenario: Scenario, run: ObservedRun, v: (m: string) => void): void {
  const final = finalStatusEvent(run, MAIN_CALL_SID)?.event;
  if (final === undefined) return;
  const cause = unansweredCause(scenario);
  const stoppedEarlier = (scenario.modify ?? []).some(
    (m) => m.Status !== undefined && m.at < cause.at + EPSILON,
  );
  if (stoppedEarlier) {
    if (!['canceled', cause.status].includes(final.status)) {
      v(`an outbound call ended by a live change before it was answered ended ${final.status}, not canceled`);
    }
    return;
  }
  if (final.status !== cause.status) {
    v(
      `an outbound call that was never answered ended ${final.status}; the far end's behaviour means ${cause.status}`,
    );
  } else if (Math.abs(final.at - cause.at) > EPSILON && final.status !== 'no-answer') {
    v(
      `the call ended ${final.status} at t=${round(final.at)}, not when the far end said so at t=${round(cause.at)}`,
    );
  } else if (final.status === 'no-answer' && Math.abs(final.at - cause.at) > EPSILON) {
    v(`the call ended no-answer at t=${round(final.at)}, not after Timeout=${cause.at} s`);
  }
}

/** `<Reject>` refuses an unanswered inbound call: `busy` for `reason="busy"`, else `no-answer`. */
function checkInboundReject(run: ObservedRun, status: string, v: (m: string) => void): void {
  const reject = run.outcome.timeline.find((e) => e.kind === 'media' && e.op === 'reject');
  if (reject === undefined || reject.kind !== 'media') return;
  const expected = reject.reason === 'busy' ? 'busy' : 'no-answer';
  if (status !== expected)
    v(
      `an unanswered inbound call rejected with reason ${String(reject.reason)} ended ${status}, not ${expected}`,
    );
}

function check(observation: RunObservation): Violation[] {
  return judgeCreatedRun(observation, NAME, (run, scenario, v) => {
    if (run.outcome.final === null) return;
    const answer = answeredFrom(run, scenario);
    const end = finalStatusEvent(run, MAIN_CALL_SID)?.event;
    const { status, duration } = run.outcome.final;
    if (answer !== null && status !== 'completed')
      v(`the call was answered at t=${round(answer)} but ended ${status}`);
    if (answer === null && !isInbound(scenario)) checkOutboundUnanswered(scenario, run, v);
    if (answer === null && isInbound(scenario)) checkInboundReject(run, status, v);
    if (answer === null && duration !== 0) v(`the call was never answered but has duration ${duration}`);
    if (answer !== null && end !== undefined) {
      const expected = Math.floor(end.at - answer + EPSILON);
      if (duration !== expected) {
        v(
          `duration ${duration}, but the call was answered from t=${round(answer)} to t=${round(end.at)} (${expected} whole seconds)`,
        );
      }
    }
  });
}

/** The final state and duration fit what happened on the call. */
export const finalStatus: Invariant = {
  name: NAME,
  description:
    'an answered call ends completed with its whole answered seconds as duration; an unanswered outbound call ends busy, failed, no-answer (after Timeout) or canceled, as the far end and live changes decide',
  check,
};
