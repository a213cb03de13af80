/**
 * Small readers shared by the invariants: which call is the scenario's own, what its
 * parameters subscribe to, where its final state lies in the event stream.
 */
import type { EngineEvent, ProgressEvent } from '@rcml/core';
import { DEFAULT_EPOCH, type Scenario, type TimelineEntry } from '@rcml/replay';
import type { ObservedRun, RunObservation, Violation } from '../types.js';

/** The SID of the call a replay scenario creates (replay format: deterministic SIDs). */
export const MAIN_CALL_SID = 'CA00000000000000000000000000000001';

/** Simulated-time tolerance, seconds: two instants closer than this are the same instant. */
export const EPSILON = 0.0005;

const FINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/**
 * Whether a call status is final. The harness's own list, not core's `isFinalStatus`: the
 * invariants judge the engine, so they do not share its code.
 */
export function isFinalStatus(status: string): boolean {
  return FINAL.has(status);
}

const converted = new WeakMap<ObservedRun, ObservedRun>();

/**
 * The run with its engine events' `at` in simulated seconds like the timeline's. Engine
 * events carry the engine clock's epoch milliseconds; t = 0 is the scenario's `epoch`.
 */
export function runInSeconds(observation: RunObservation): ObservedRun | null {
  const { run, scenario } = observation;
  if (run === null) return null;
  const known = converted.get(run);
  if (known !== undefined) return known;
  const origin = Date.parse(scenario.options?.epoch ?? DEFAULT_EPOCH);
  const events = run.events.map((event) => ({ ...event, at: (event.at - origin) / 1000 }));
  const result = { ...run, events };
  converted.set(run, result);
  return result;
}

/**
 * The run in seconds when the scenario's call was created; null when nothing ran or the
 * creation was refused (most invariants judge only calls that exist).
 */
export function createdRun(observation: RunObservation): ObservedRun | null {
  const run = runInSeconds(observation);
  return run === null || run.createError !== undefined ? null : run;
}

/**
 * Nothing to judge when no call was created (see `createdRun`); otherwise `judge` reports
 * each violation it finds, returned in report order under `invariant`.
 */
export function judgeCreatedRun(
  observation: RunObservation,
  invariant: string,
  judge: (run: ObservedRun, scenario: Scenario, report: (message: string) => void) => void,
): Violation[] {
  const run = createdRun(observation);
  if (run === null) return [];
  const out: Violation[] = [];
  judge(run, observation.scenario, (message) => {
    out.push({ invariant, message });
  });
  return out;
}

/** The instants the party presses keys: each digit of a `dtmf` action, `gap` seconds apart. */
export function keyPressTimes(scenario: Scenario): number[] {
  return (scenario.party ?? []).flatMap((a) =>
    a.do === 'dtmf' ? [...a.digits].map((_, i) => a.at + i * (a.gap ?? 0)) : [],
  );
}

/**
 * Who issued a media operation at `at` for a verb of kind `verb` (e.g. `Gather`): the
 * scenario's call, a `<Dial>` leg's whisper document (spec 4.6: it runs on the leg while the
 * call waits in its Dial), or `unknown` when both started such a verb at that instant. Told by
 * the engine's `verb` trace events (`run` in seconds); without one at that instant, `main`.
 */
export function verbOwner(run: ObservedRun, verb: string, at: number): 'main' | 'leg' | 'unknown' {
  let main = false;
  let leg = false;
  for (const event of run.events) {
    if (event.type !== 'verb' || event.phase !== 'start' || event.verb !== verb) continue;
    if (Math.abs(event.at - at) > EPSILON) continue;
    if (event.callSid === MAIN_CALL_SID) main = true;
    else leg = true;
  }
  if (main && leg) return 'unknown';
  return leg ? 'leg' : 'main';
}

/** Every key the dialled targets press (`dtmf` actions of `dialed`). */
export function dialedKeys(scenario: Scenario): Set<string> {
  const keys = new Set<string>();
  for (const script of Object.values(scenario.dialed ?? {})) {
    for (const action of script) if (action.do === 'dtmf') for (const key of action.digits) keys.add(key);
  }
  return keys;
}

/** Whether a live change (`modify`) comes within `[from, to]`. */
export function modifiedWithin(scenario: Scenario, from: number, to: number): boolean {
  return (scenario.modify ?? []).some((m) => m.at > from - EPSILON && m.at < to + EPSILON);
}

/** Whether the scenario's call reached its final state before `to`, or never reached one. */
export function endedBefore(run: ObservedRun, to: number): boolean {
  const end = finalStatusEvent(run, MAIN_CALL_SID)?.event.at;
  return end === undefined || end < to + EPSILON;
}

/** The `call` or `inbound` parameters of a scenario. */
export function callParams(scenario: Scenario): Readonly<Record<string, string>> {
  return scenario.call ?? scenario.inbound ?? {};
}

/** Whether the scenario is an inbound call. */
export function isInbound(scenario: Scenario): boolean {
  return scenario.inbound !== undefined;
}

const EVENT_NAMES: readonly ProgressEvent[] = ['initiated', 'ringing', 'answered', 'completed'];

/**
 * The progress events the call subscribes to (spec 1.2, 5): none without `StatusCallback`,
 * `completed` alone when the list is empty.
 */
export function subscribedEvents(scenario: Scenario): Set<ProgressEvent> {
  const params = callParams(scenario);
  if (params.StatusCallback === undefined || params.StatusCallback === '') return new Set();
  const listed = (params.StatusCallbackEvent ?? '').split(/[\s,]+/).filter((s) => s !== '');
  if (listed.length === 0) return new Set(['completed']);
  return new Set(EVENT_NAMES.filter((name) => listed.includes(name)));
}

/** The progress event a `CallStatus` value reports. */
export function eventOfStatus(status: string | undefined): ProgressEvent | null {
  if (status === 'initiated') return 'initiated';
  if (status === 'ringing') return 'ringing';
  if (status === 'in-progress') return 'answered';
  if (status !== undefined && isFinalStatus(status)) return 'completed';
  return null;
}

/** Lifecycle rank of an event (initiated < ringing < answered < completed). */
export function eventRank(event: ProgressEvent): number {
  return EVENT_NAMES.indexOf(event);
}

type StatusEvent = Extract<EngineEvent, { type: 'status' }>;

/** The status events of one call, with their index in the event stream. */
export function statusEvents(run: ObservedRun, callSid: string): { event: StatusEvent; index: number }[] {
  const out: { event: StatusEvent; index: number }[] = [];
  run.events.forEach((event, index) => {
    if (event.type === 'status' && event.callSid === callSid) out.push({ event, index });
  });
  return out;
}

/** The first final status event of a call, or null. */
export function finalStatusEvent(
  run: ObservedRun,
  callSid: string,
): { event: StatusEvent; index: number } | null {
  return statusEvents(run, callSid).find((s) => isFinalStatus(s.event.status)) ?? null;
}

/** When the call was answered (its `in-progress` status), or null. */
export function answeredAt(run: ObservedRun, callSid: string): number | null {
  return statusEvents(run, callSid).find((s) => s.event.status === 'in-progress')?.event.at ?? null;
}

/**
 * When the scenario's call counts as answered: its `in-progress` time, or with
 * `MachineDetection` (spec 9.3) the party's pick-up (its `answer` before `Timeout`, when the call
 * was not busy or failed first), since the call's duration counts from the answer, not from
 * the end of detection. Null when it never was.
 */
export function answeredFrom(run: ObservedRun, scenario: Scenario): number | null {
  const inProgress = answeredAt(run, MAIN_CALL_SID);
  if ((scenario.call?.MachineDetection ?? '').trim() === '') return inProgress;
  const timeout = Number(scenario.call?.Timeout ?? '60');
  const first = (scenario.party ?? []).find((a) => ['answer', 'busy', 'fail'].includes(a.do));
  return first?.do === 'answer' && first.at < timeout - EPSILON ? first.at : inProgress;
}

/** The SIDs of every call that appears in the run's events. */
export function callSids(run: ObservedRun): string[] {
  const sids = new Set<string>();
  for (const event of run.events) if (event.callSid !== null) sids.add(event.callSid);
  return [...sids].sort();
}

/** Short description of a timeline entry for messages. */
export function describeEntry(entry: TimelineEntry): string {
  const at = `t=${round(entry.at)}`;
  if (entry.kind === 'media') return `media ${entry.op} at ${at}`;
  if (entry.kind === 'stream') return `stream ${entry.from} ${entry.event} at ${at}`;
  const status = entry.params.CallStatus === undefined ? '' : ` CallStatus=${entry.params.CallStatus}`;
  return `${entry.kind} ${entry.method} ${entry.url}${status} at ${at}`;
}

/** Round simulated seconds for messages. */
export function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
