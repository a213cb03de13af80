/**
 * Invariant (a): the call reaches exactly one final state, and afterwards nothing more
 * happens: no media operation, no document fetch that is run, no pending timer, no request in
 * flight, no live call.
 */
import type { Invariant, RunObservation, Violation } from '../types.js';
import {
  callSids,
  describeEntry,
  EPSILON,
  finalStatusEvent,
  isFinalStatus,
  MAIN_CALL_SID,
  round,
  runInSeconds,
  statusEvents,
} from './view.js';

const NAME = 'single-final-state';

function check(observation: RunObservation): Violation[] {
  const run = runInSeconds(observation);
  if (run === null) return [];
  const out: Violation[] = [];
  const v = (message: string) => out.push({ invariant: NAME, message });

  if (run.createError !== undefined) {
    if (run.outcome.final !== null) v('creation was refused but the outcome has a final state');
    if (run.outcome.timeline.length > 0) v('creation was refused but the timeline is not empty');
    return out;
  }
  if (run.outcome.final === null) v('the call never reached a final state');

  for (const sid of callSids(run)) {
    const statuses = statusEvents(run, sid);
    const finals = statuses.filter((s) => isFinalStatus(s.event.status));
    if (finals.length > 1) {
      v(`call ${sid} reached ${finals.length} final states: ${finals.map((f) => f.event.status).join(', ')}`);
    }
    const first = finals[0];
    if (first === undefined) {
      if (sid === MAIN_CALL_SID) v(`call ${sid} has no final status event`);
      continue;
    }
    const later = statuses.filter((s) => s.index > first.index && !isFinalStatus(s.event.status));
    for (const s of later) {
      v(
        `call ${sid} changed to ${s.event.status} at t=${round(s.event.at)} after its final state ${first.event.status}`,
      );
    }
  }

  const end = finalStatusEvent(run, MAIN_CALL_SID);
  if (end !== null) {
    const final = run.outcome.final;
    if (final !== null && final.status !== end.event.status) {
      v(`outcome says ${final.status} but the call's final status event is ${end.event.status}`);
    }
    checkNothingAfter({ run, index: end.index, at: end.event.at }, v);
  }

  const { pendingTimers, inFlightRequests, activeCalls } = run.leftovers;
  if (pendingTimers > 0) v(`${pendingTimers} timer(s) still pending after the run`);
  if (inFlightRequests > 0) v(`${inFlightRequests} request(s) still in flight after the run`);
  if (activeCalls > 0) v(`${activeCalls} call(s) still live after the run`);
  return out;
}

interface After {
  readonly run: NonNullable<RunObservation['run']>;
  readonly index: number;
  readonly at: number;
}

/**
 * After the final status event: no verb starts, no media operation later in time, and every
 * document request of the call carries `CallStatus=completed` (the only ones allowed are the
 * `<Dial>`/`<Record>` action that the end itself causes, whose answer is not run).
 */
function checkNothingAfter({ run, index, at }: After, v: (m: string) => void): void {
  for (const event of run.events.slice(index + 1)) {
    if (event.type === 'verb' && event.phase === 'start' && event.callSid === MAIN_CALL_SID) {
      v(`verb ${event.verb} started at t=${round(event.at)} after the call ended at t=${round(at)}`);
    }
    if (
      event.type === 'request' &&
      event.kind === 'fetch' &&
      event.callSid === MAIN_CALL_SID &&
      event.params.CallStatus !== undefined &&
      !isFinalStatus(event.params.CallStatus)
    ) {
      v(
        `document fetch ${event.url} at t=${round(event.at)} after the call ended, with CallStatus=${event.params.CallStatus}`,
      );
    }
  }
  for (const entry of run.outcome.timeline) {
    if (entry.kind === 'media' && entry.at > at + EPSILON) {
      v(`${describeEntry(entry)} after the call ended at t=${round(at)}`);
    }
  }
}

/** Exactly one final state, and afterwards nothing more happens. */
export const singleFinalState: Invariant = {
  name: NAME,
  description:
    'the call reaches exactly one final state; afterwards no media operation, no fetch that runs, no pending timer, no request in flight, no live call',
  check,
};
