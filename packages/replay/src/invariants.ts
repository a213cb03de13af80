/**
 * The checks every replayed call must pass whatever its scenario expects (issue 3, "Done
 * when"): one final state; nothing left behind; progress events in order, each at most once,
 * `completed` last, `SequenceNumber` contiguous from 0.
 */
import type { EngineEvent } from '@rcml/core';
import type { TimelineEntry } from './timeline.js';

/** What was still alive when the call was over. */
export interface Leftovers {
  readonly pendingTimers: number;
  readonly inFlightRequests: number;
  readonly activeCalls: number;
  /** Media channels (the call and its dial legs) neither hung up by the engine nor by the far end. */
  readonly liveChannels: number;
}

const FINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
const PROGRESS_ORDER = ['initiated', 'ringing', 'answered', 'completed'];

/** Whether a call status is final. */
export function isFinalStatus(status: string | undefined): boolean {
  return status !== undefined && FINAL.has(status);
}

/** Every broken invariant, as a sentence. `callSid` is the scenario's call (null: none created). */
export function checkInvariants(
  callSid: string | null,
  events: readonly EngineEvent[],
  timeline: readonly TimelineEntry[],
  leftovers: Leftovers,
): string[] {
  const problems: string[] = [];
  if (callSid !== null) problems.push(...checkFinalStates(callSid, events));
  if (leftovers.pendingTimers > 0)
    problems.push(`${leftovers.pendingTimers} timer(s) still pending after the call ended`);
  if (leftovers.inFlightRequests > 0) {
    problems.push(`${leftovers.inFlightRequests} HTTP request(s) still in flight after the call ended`);
  }
  if (leftovers.activeCalls > 0)
    problems.push(`${leftovers.activeCalls} call(s) still alive after the call ended`);
  problems.push(...checkProgressEvents(events), ...checkSequenceNumbers(timeline));
  return problems;
}

function checkFinalStates(callSid: string, events: readonly EngineEvent[]): string[] {
  const problems: string[] = [];
  const bySid = new Map<string, string[]>();
  for (const e of events)
    if (e.type === 'status') bySid.set(e.callSid, [...(bySid.get(e.callSid) ?? []), e.status]);
  if (!bySid.has(callSid)) return problems;
  for (const [sid, statuses] of bySid) {
    const finals = statuses.filter((s) => FINAL.has(s));
    if (sid === callSid && finals.length === 0) problems.push(`call ${sid} never reached a final state`);
    if (finals.length > 1)
      problems.push(`call ${sid} reached more than one final state: ${finals.join(', ')}`);
    const firstFinal = statuses.findIndex((s) => FINAL.has(s));
    if (firstFinal !== -1 && firstFinal < statuses.length - 1) {
      problems.push(
        `call ${sid} changed state after its final state: ${statuses.slice(firstFinal).join(' -> ')}`,
      );
    }
  }
  return problems;
}

function checkProgressEvents(events: readonly EngineEvent[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string[]>();
  for (const e of events) {
    if (e.type !== 'progress') continue;
    const list = seen.get(e.callSid) ?? [];
    const last = list.at(-1);
    if (list.includes(e.event))
      problems.push(`call ${e.callSid}: progress event "${e.event}" sent more than once`);
    else if (last === 'completed')
      problems.push(`call ${e.callSid}: progress event "${e.event}" after "completed"`);
    else if (last !== undefined && PROGRESS_ORDER.indexOf(e.event) < PROGRESS_ORDER.indexOf(last)) {
      problems.push(`call ${e.callSid}: progress event "${e.event}" after "${last}" (out of order)`);
    }
    list.push(e.event);
    seen.set(e.callSid, list);
  }
  return problems;
}

/**
 * Per call, the `SequenceNumber` of its progress callbacks counts 0, 1, 2... (a retried
 * delivery repeats its number), and no request of that call follows its final callback.
 */
function checkSequenceNumbers(timeline: readonly TimelineEntry[]): string[] {
  const problems: string[] = [];
  const last = new Map<string, { seq: number; url: string; final: boolean }>();
  for (const [i, entry] of timeline.entries()) {
    if (entry.kind === 'media' || entry.kind === 'stream') continue;
    const sid = entry.params.CallSid;
    if (sid === undefined) continue;
    const before = last.get(sid);
    const isProgress = entry.kind === 'callback' && entry.params.CallbackSource === 'call-progress-events';
    if (!isProgress) {
      if (before?.final)
        problems.push(`entry ${i}: request of call ${sid} after its final progress callback`);
      continue;
    }
    const seq = Number(entry.params.SequenceNumber);
    const retry = before !== undefined && before.seq === seq && before.url === entry.url;
    const expected = before === undefined ? 0 : before.seq + 1;
    if (!retry && seq !== expected) {
      problems.push(
        `entry ${i}: call ${sid} SequenceNumber ${entry.params.SequenceNumber ?? '(missing)'}, expected ${expected}`,
      );
    }
    if (!retry && before?.final)
      problems.push(`entry ${i}: progress callback of call ${sid} after its final one`);
    last.set(sid, { seq, url: entry.url, final: isFinalStatus(entry.params.CallStatus) });
  }
  return problems;
}
