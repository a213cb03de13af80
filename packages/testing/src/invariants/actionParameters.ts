/**
 * Invariant: the parameters a `<Record>` or `<Dial>` hands to its `action` fit what the verb
 * was asked to do (spec 4.5, 4.6), and a document fetch never comes faster than the limit of
 * spec 8 allows (100 per call per minute).
 *
 * Record: `RecordingSid` is an `RE` SID, `RecordingUrl` is the recording base URL followed by
 * it, `RecordingDuration` is whole seconds not above `maxLength`, `Digits` is one of the
 * `finishOnKey` keys or `hangup`, and the recording's status notification (when there is one) comes before the
 * action. Dial: `DialCallStatus` is one of the five values, `DialCallSid` is a leg (not the
 * call itself), `DialCallDuration` is whole seconds, `0` unless `completed`, and not above
 * `timeLimit`.
 */
import type { MediaEntry, TimelineEntry } from '@rcml/replay';
import type { Invariant, RunObservation, Violation } from '../types.js';
import { fetchChains } from './fallback.js';
import { describeEntry, MAIN_CALL_SID } from './view.js';

const NAME = 'action-parameters';
const SID = /^(RE|CA)[0-9a-f]{32}$/;
const WHOLE = /^\d+$/;
const DIAL_STATUSES = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);
const MAX_FETCHES_PER_MINUTE = 100;

function lastOp(timeline: readonly TimelineEntry[], before: number, op: string): MediaEntry | undefined {
  for (let i = before - 1; i >= 0; i--) {
    const entry = timeline[i] as TimelineEntry;
    if (entry.kind === 'media' && entry.op === op) return entry;
  }
  return undefined;
}

function checkRecord(o: RunObservation, index: number, v: (m: string) => void): void {
  const timeline = o.run?.outcome.timeline ?? [];
  const entry = timeline[index] as TimelineEntry & { kind: 'fetch' };
  const p = entry.params;
  const what = describeEntry(entry);
  const sid = p.RecordingSid ?? '';
  if (!SID.test(sid) || !sid.startsWith('RE')) v(`${what}: RecordingSid=${sid} is not a recording SID`);
  const base = o.scenario.media?.recordingBaseUrl ?? 'http://recordings.test/';
  if (p.RecordingUrl !== `${base}${sid}`)
    v(`${what}: RecordingUrl=${p.RecordingUrl}, expected ${base}${sid}`);
  const duration = p.RecordingDuration ?? '';
  const max = lastOp(timeline, index, 'record')?.maxLength;
  if (!WHOLE.test(duration)) v(`${what}: RecordingDuration=${duration} is not whole seconds`);
  else if (typeof max === 'number' && Number(duration) > max)
    v(`${what}: RecordingDuration=${duration} over maxLength ${max}`);
  const finishKeys = lastOp(timeline, index, 'record')?.finishOnKey;
  if (p.Digits !== undefined && p.Digits !== 'hangup' && !/^[0-9*#]$/.test(p.Digits)) {
    v(`${what}: Digits=${p.Digits} is neither one key nor hangup`);
  } else if (
    p.Digits !== undefined &&
    p.Digits !== 'hangup' &&
    typeof finishKeys === 'string' &&
    !finishKeys.includes(p.Digits)
  ) {
    v(`${what}: Digits=${p.Digits} is not one of the finishOnKey keys "${finishKeys}"`);
  }
  const notice = timeline.findIndex(
    (e) => e.kind === 'callback' && e.params.RecordingSid === sid && e.params.RecordingStatus !== undefined,
  );
  if (notice > index) v(`${what}: the recording status notification for ${sid} came after the action`);
}

function checkDial(o: RunObservation, index: number, v: (m: string) => void): void {
  const timeline = o.run?.outcome.timeline ?? [];
  const entry = timeline[index] as TimelineEntry & { kind: 'fetch' };
  const p = entry.params;
  const what = describeEntry(entry);
  const status = p.DialCallStatus ?? '';
  if (!DIAL_STATUSES.has(status)) v(`${what}: DialCallStatus=${status} is not a dial status`);
  const leg = p.DialCallSid;
  if (leg !== undefined && (!SID.test(leg) || !leg.startsWith('CA') || leg === MAIN_CALL_SID)) {
    v(`${what}: DialCallSid=${leg} is not a leg of the call`);
  }
  const duration = p.DialCallDuration ?? '';
  const limit = lastOp(timeline, index, 'dial')?.timeLimit;
  if (!WHOLE.test(duration)) v(`${what}: DialCallDuration=${duration} is not whole seconds`);
  else if (status !== 'completed' && duration !== '0')
    v(`${what}: DialCallDuration=${duration} but DialCallStatus=${status}`);
  else if (typeof limit === 'number' && Number(duration) > limit)
    v(`${what}: DialCallDuration=${duration} over timeLimit ${limit}`);
}

function check(observation: RunObservation): Violation[] {
  const { run, scenario } = observation;
  if (run === null || run.createError !== undefined) return [];
  const out: Violation[] = [];
  const v = (message: string) => out.push({ invariant: NAME, message });
  const chains = fetchChains(scenario, run).filter((c) => c.first.params.CallSid === MAIN_CALL_SID);
  const starts = new Set<unknown>(chains.map((c) => c.first));
  run.outcome.timeline.forEach((entry, index) => {
    if (entry.kind !== 'fetch' || !starts.has(entry)) return;
    if (entry.params.RecordingUrl !== undefined) checkRecord(observation, index, v);
    if (entry.params.DialCallStatus !== undefined) checkDial(observation, index, v);
  });
  const times = chains.map((c) => c.first.at);
  for (let i = MAX_FETCHES_PER_MINUTE; i < times.length; i++) {
    if ((times[i] as number) - (times[i - MAX_FETCHES_PER_MINUTE] as number) < 60) {
      v(
        `more than ${MAX_FETCHES_PER_MINUTE} document fetches within one minute (fetch #${i + 1} at t=${times[i]})`,
      );
      break;
    }
  }
  return out;
}

/** Record and Dial actions carry consistent parameters; document fetches respect the rate limit. */
export const actionParameters: Invariant = {
  name: NAME,
  description:
    'Record and Dial actions carry parameters that fit the verb (SIDs, URL, whole durations within maxLength/timeLimit, status values); at most 100 document fetches per call per minute',
  check,
};
