/**
 * Invariant (b): call-progress callbacks (spec 5). Only subscribed events, each at most once,
 * in lifecycle order, `SequenceNumber` 0, 1, 2… without gaps, `completed` last and present
 * when subscribed, `CallDuration` only on `completed` and equal to the answered time.
 * A retried delivery appears once per attempt (same parameters), so attempts are grouped by
 * `SequenceNumber` first.
 */
import type { ProgressEvent } from '@rcml/core';
import type { CallbackEntry, Scenario } from '@rcml/replay';
import type { Invariant, ObservedRun, RunObservation, Violation } from '../types.js';
import {
  answeredFrom,
  callParams,
  EPSILON,
  eventOfStatus,
  eventRank,
  finalStatusEvent,
  isInbound,
  judgeCreatedRun,
  MAIN_CALL_SID,
  round,
  statusEvents,
  subscribedEvents,
} from './view.js';

const NAME = 'progress-callbacks';

/** One delivery: the first attempt and how many attempts it took. */
interface Delivery {
  readonly first: CallbackEntry;
  readonly position: number;
  readonly event: ProgressEvent | null;
  attempts: number;
}

function deliveriesOf(run: ObservedRun, sid: string, v: (m: string) => void): Delivery[] {
  const bySeq = new Map<string, Delivery>();
  const out: Delivery[] = [];
  run.outcome.timeline.forEach((entry, position) => {
    if (entry.kind !== 'callback' || entry.params.CallbackSource !== 'call-progress-events') return;
    if (entry.params.CallSid !== sid) return;
    const seq = entry.params.SequenceNumber ?? '';
    const known = bySeq.get(seq);
    if (known !== undefined) {
      if (known.first.params.CallStatus !== entry.params.CallStatus) {
        v(
          `call ${sid}: SequenceNumber ${seq} used for CallStatus=${known.first.params.CallStatus} and CallStatus=${entry.params.CallStatus}`,
        );
      }
      known.attempts += 1;
      return;
    }
    const delivery: Delivery = {
      first: entry,
      position,
      event: eventOfStatus(entry.params.CallStatus),
      attempts: 1,
    };
    bySeq.set(seq, delivery);
    out.push(delivery);
  });
  return out;
}

/** Rules that hold for every call, the scenario's own and each `<Dial>` leg. */
function checkSequence(run: ObservedRun, sid: string, v: (m: string) => void): Delivery[] {
  const deliveries = deliveriesOf(run, sid, v);
  const seen = new Set<ProgressEvent>();
  deliveries.forEach((d, i) => {
    const { params } = d.first;
    if (params.SequenceNumber !== String(i)) {
      v(
        `call ${sid}: callback #${i + 1} (${params.CallStatus}) has SequenceNumber ${params.SequenceNumber}, expected ${i}`,
      );
    }
    if (d.event === null) {
      v(`call ${sid}: progress callback with unexpected CallStatus=${params.CallStatus}`);
      return;
    }
    if (seen.has(d.event)) v(`call ${sid}: event ${d.event} sent more than once`);
    const previous = deliveries[i - 1]?.event;
    if (previous != null && eventRank(previous) > eventRank(d.event)) {
      v(`call ${sid}: event ${d.event} sent after ${previous} (lifecycle order)`);
    }
    seen.add(d.event);
    if (d.event !== 'completed' && params.CallDuration !== undefined) {
      v(`call ${sid}: CallDuration on the ${d.event} callback`);
    }
    if (d.event === 'completed' && params.CallDuration === undefined) {
      v(`call ${sid}: completed callback without CallDuration`);
    }
  });
  const completed = deliveries.find((d) => d.event === 'completed');
  if (completed !== undefined) checkCompletedLast(run, sid, completed, v);
  return deliveries;
}

/** `completed` is the last request of the call: only its own retries may follow. */
function checkCompletedLast(
  run: ObservedRun,
  sid: string,
  completed: Delivery,
  v: (m: string) => void,
): void {
  const seq = completed.first.params.SequenceNumber;
  run.outcome.timeline.slice(completed.position + 1).forEach((entry) => {
    if (entry.kind === 'media' || entry.kind === 'stream' || entry.params.CallSid !== sid) return;
    const retry = entry.kind === 'callback' && entry.params.SequenceNumber === seq;
    if (!retry)
      v(`call ${sid}: ${entry.kind} ${entry.url} at t=${round(entry.at)} after the completed callback`);
  });
}

/** Subscription, presence and duration rules for the scenario's own call. */
function checkMainCall(scenario: Scenario, run: ObservedRun, deliveries: Delivery[], v: (m: string) => void) {
  const subscribed = subscribedEvents(scenario);
  const url = callParams(scenario).StatusCallback;
  const urlChanged = (scenario.modify ?? []).some((m) => m.StatusCallback !== undefined);
  for (const d of deliveries) {
    if (d.event !== null && !subscribed.has(d.event)) v(`event ${d.event} sent but not subscribed`);
    if (!urlChanged && d.first.url !== url)
      v(`progress callback sent to ${d.first.url}, not to StatusCallback ${url}`);
  }
  const sent = new Set(deliveries.map((d) => d.event));
  for (const { event } of statusEvents(run, MAIN_CALL_SID)) {
    const name = eventOfStatus(event.status);
    if (name === null || !subscribed.has(name) || sent.has(name)) continue;
    if (name === 'initiated' && isInbound(scenario)) continue;
    v(
      `subscribed event ${name} happened (status ${event.status} at t=${round(event.at)}) but no callback was sent`,
    );
  }
  const completed = deliveries.find((d) => d.event === 'completed');
  const final = run.outcome.final;
  if (completed === undefined || final === null) return;
  const reported = completed.first.params.CallDuration;
  if (reported !== String(final.duration)) {
    v(`completed callback has CallDuration=${reported} but the call's duration is ${final.duration}`);
  }
  const answer = answeredFrom(run, scenario);
  const end = finalStatusEvent(run, MAIN_CALL_SID)?.event.at;
  const expected = answer === null || end === undefined ? 0 : Math.floor(end - answer + EPSILON);
  if (end !== undefined && reported !== String(expected)) {
    v(`CallDuration=${reported} but the call was answered for ${expected} whole second(s)`);
  }
}

function check(observation: RunObservation): Violation[] {
  return judgeCreatedRun(observation, NAME, (run, scenario, v) => {
    const sids = new Set<string>([MAIN_CALL_SID]);
    for (const entry of run.outcome.timeline) {
      if (entry.kind === 'callback' && entry.params.CallSid !== undefined) sids.add(entry.params.CallSid);
    }
    for (const sid of [...sids].sort()) {
      const deliveries = checkSequence(run, sid, v);
      if (sid === MAIN_CALL_SID) checkMainCall(scenario, run, deliveries, v);
    }
  });
}

/** Progress callbacks are subscribed, unique, ordered, gap-free and end with `completed`. */
export const progressCallbacks: Invariant = {
  name: NAME,
  description:
    'progress callbacks: only subscribed events, each at most once, in lifecycle order, SequenceNumber 0,1,2… without gaps, completed last and present when subscribed, CallDuration only on completed and equal to the answered time',
  check,
};
