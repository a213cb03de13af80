/**
 * Hand-written runs for the invariant tests: a timeline plus the status changes of the call;
 * the request events are derived from the timeline so each case stays short.
 */
import type { CallStatus, EngineEvent } from '@rcml/core';
import type { Scenario, TimelineEntry } from '@rcml/replay';
import type { ObservedRun, RunLeftovers, RunObservation } from '../src/types.js';

export const SID = 'CA00000000000000000000000000000001';
const ACCOUNT = 'AC00000000000000000000000000000000';
/** Engine events carry epoch milliseconds; t = 0 is the replay default epoch. */
const EPOCH_MS = Date.parse('2026-01-01T00:00:00Z');
const ms = (seconds: number) => EPOCH_MS + seconds * 1000;

/** Parameters every request of the call carries. */
export function base(status: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CallSid: SID,
    AccountSid: ACCOUNT,
    From: '+15550002222',
    To: '+15550001111',
    CallStatus: status,
    ApiVersion: '2012-04-24',
    Direction: 'outbound-api',
    ...extra,
  };
}

export function fetch(
  at: number,
  url: string,
  status: string,
  extra: Record<string, string> = {},
): TimelineEntry {
  return { kind: 'fetch', at, method: 'POST', url, params: base(status, extra) };
}

export function progress(
  at: number,
  status: string,
  seq: number,
  extra: Record<string, string> = {},
): TimelineEntry {
  return {
    kind: 'callback',
    at,
    method: 'POST',
    url: 'http://app.test/status',
    params: base(status, { CallbackSource: 'call-progress-events', SequenceNumber: String(seq), ...extra }),
  };
}

export function media(at: number, op: string, fields: Record<string, unknown> = {}): TimelineEntry {
  return { kind: 'media', at, op, ...fields } as TimelineEntry;
}

export interface RunSpec {
  readonly timeline: readonly TimelineEntry[];
  /** Status changes of the call, in order: [status, at]. */
  readonly statuses: readonly (readonly [CallStatus, number])[];
  readonly final?: { status: string; duration: number } | null;
  readonly leftovers?: Partial<RunLeftovers>;
  /** Extra events appended after the derived ones. */
  readonly extraEvents?: readonly EngineEvent[];
}

/** Build a run: status events and request events merged in time order (status first at ties). */
export function runOf(spec: RunSpec): ObservedRun {
  const events: EngineEvent[] = [];
  const statuses = spec.statuses.map(([status, at]) => ({
    type: 'status' as const,
    callSid: SID,
    status,
    at: ms(at),
  }));
  const requests = spec.timeline.flatMap((e): EngineEvent[] =>
    e.kind === 'media' || e.kind === 'stream'
      ? []
      : [
          {
            type: 'request',
            callSid: e.params.CallSid ?? SID,
            kind: e.kind,
            method: e.method,
            url: e.url,
            params: e.params,
            at: ms(e.at),
          },
        ],
  );
  let r = 0;
  for (const s of statuses) {
    while (r < requests.length && (requests[r]?.at ?? 0) < s.at) events.push(requests[r++] as EngineEvent);
    events.push(s);
  }
  while (r < requests.length) events.push(requests[r++] as EngineEvent);
  events.push(...(spec.extraEvents ?? []));
  const last = spec.statuses[spec.statuses.length - 1];
  const final =
    spec.final !== undefined ? spec.final : last === undefined ? null : { status: last[0], duration: 0 };
  return {
    outcome: { timeline: spec.timeline, final },
    events,
    leftovers: { pendingTimers: 0, inFlightRequests: 0, activeCalls: 0, ...spec.leftovers },
  };
}

/** An observation of one run with nothing thrown. */
export function observe(scenario: Scenario, run: ObservedRun, rerun?: ObservedRun): RunObservation {
  return rerun === undefined
    ? { scenario, run, thrown: [], unhandled: [] }
    : { scenario, run, rerun, thrown: [], unhandled: [] };
}
