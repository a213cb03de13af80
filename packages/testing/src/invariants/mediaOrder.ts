/**
 * Invariant (d): media operations respect the call's state. On an inbound call nothing but
 * `pause`, `reject` or `hangup` happens before `answer`, and `answer` happens at most once;
 * an outbound call is never `answer`ed by the engine and gets no media before the far end
 * picks up. Nothing happens after a hang-up: no media operation after the engine's own
 * `hangup`/`reject`, and after the far end hung up no media operation and no document
 * request other than the ones the end causes (`CallStatus=completed`, answer not run).
 */
import type { Invariant, RunObservation, Violation } from '../types.js';
import {
  answeredFrom,
  describeEntry,
  EPSILON,
  isFinalStatus,
  isInbound,
  judgeCreatedRun,
  MAIN_CALL_SID,
  round,
} from './view.js';

const NAME = 'media-order';
const BEFORE_ANSWER = new Set(['pause', 'reject', 'hangup']);

/**
 * A request the end of the call itself causes: a `<Dial>` or `<Record>` action (or an
 * `<Sms>` action) sent with `CallStatus=completed` after the caller hung up. A Gather never
 * submits after a hang-up (spec 4.4).
 */
function endCaused(params: Readonly<Record<string, string>>): boolean {
  if (!isFinalStatus(params.CallStatus ?? '')) return false;
  return (
    params.DialCallStatus !== undefined || params.RecordingUrl !== undefined || params.SmsSid !== undefined
  );
}

function check(observation: RunObservation): Violation[] {
  return judgeCreatedRun(observation, NAME, (run, scenario, v) => {
    const timeline = run.outcome.timeline;
    const inbound = isInbound(scenario);

    if (inbound) {
      let answered = false;
      for (const entry of timeline) {
        if (entry.kind !== 'media') continue;
        if (entry.op === 'answer') {
          if (answered) v(`${describeEntry(entry)}: the call was already answered`);
          answered = true;
        } else if (!answered && !BEFORE_ANSWER.has(entry.op)) {
          v(`${describeEntry(entry)} before the inbound call was answered`);
        }
      }
    } else {
      const answer = answeredFrom(run, scenario);
      for (const entry of timeline) {
        if (entry.kind !== 'media') continue;
        if (entry.op === 'answer') v(`${describeEntry(entry)}: the engine answered an outbound call`);
        else if (answer === null) v(`${describeEntry(entry)} on an outbound call that was never answered`);
        else if (entry.at < answer - EPSILON)
          v(`${describeEntry(entry)} before the far end answered at t=${round(answer)}`);
      }
    }

    const endIndex = timeline.findIndex(
      (e) => e.kind === 'media' && (e.op === 'hangup' || e.op === 'reject'),
    );
    const end = timeline[endIndex];
    if (end !== undefined) {
      for (const entry of timeline.slice(endIndex + 1)) {
        const runs =
          entry.kind === 'media' || (entry.kind === 'fetch' && entry.params.CallSid === MAIN_CALL_SID);
        const allowed = entry.kind === 'fetch' && isFinalStatus(entry.params.CallStatus ?? '');
        if (runs && !allowed) v(`${describeEntry(entry)} after the engine's ${describeEntry(end)}`);
      }
    }

    const farEndHangup = (scenario.party ?? []).find((a) => a.do === 'hangup')?.at;
    if (farEndHangup !== undefined) {
      for (const entry of timeline) {
        const late = entry.at > farEndHangup + EPSILON;
        const runs =
          entry.kind === 'fetch' && entry.params.CallSid === MAIN_CALL_SID && !endCaused(entry.params);
        if (late && (entry.kind === 'media' || runs)) {
          v(`${describeEntry(entry)} after the far end hung up at t=${round(farEndHangup)}`);
        }
      }
    }
  });
}

/** Inbound: only pause/reject/hangup before answer; outbound: no answer op; nothing after a hang-up. */
export const mediaOrder: Invariant = {
  name: NAME,
  description:
    'on an inbound call no media operation other than pause, reject or hangup before answer; nothing happens after a hang-up',
  check,
};
