/**
 * Invariant: every request carries the parameters of spec 2 and 5. Each document request
 * (HTTP redirect hops answered 303 aside: they carry none) has `CallSid`, `AccountSid`,
 * `From`, `To`, `CallStatus`, `ApiVersion`, `Direction`; no value is the text `null` or
 * `undefined`; `CallStatus` is the call's status at that moment. Each progress callback has
 * `CallbackSource`, `SequenceNumber` and a `Timestamp` that is the instant its event happened
 * (not when it was delivered) in RFC 2822. With voicemail detection, every document request
 * of the answered call carries what it found (`AnsweredBy`, `VoicemailDetector`).
 */
import { DEFAULT_EPOCH, type Scenario } from '@rcml/replay';
import type { Invariant, ObservedRun, RunObservation, Violation } from '../types.js';
import { fetchChains } from './fallback.js';
import { callParams, describeEntry, EPSILON, isFinalStatus, judgeCreatedRun, MAIN_CALL_SID } from './view.js';

const NAME = 'request-parameters';
const REQUIRED = ['CallSid', 'AccountSid', 'From', 'To', 'CallStatus', 'ApiVersion', 'Direction'];

/**
 * RFC 2822 in UTC to the whole second, e.g. `Thu, 01 Jan 2026 00:00:05 +0000`. Written here
 * on purpose rather than imported from `@rcml/core`: this invariant is an oracle for the
 * engine's `Timestamp`, so it must not share the engine's formatter (a bug there would pass).
 */
function rfc2822(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString().replace('GMT', '+0000');
}

/**
 * The call's status when each of its document requests was issued: the engine's event
 * stream orders status changes and requests exactly (the timeline alone cannot, at one
 * instant). Fetch entries and fetch events of the call pair up in order; if they do not
 * pair up, nothing is returned and the status check is skipped.
 */
function statusesAtFetches(run: ObservedRun): Map<unknown, string> {
  const seen: (string | undefined)[] = [];
  let status: string | undefined;
  for (const event of run.events) {
    if (event.callSid !== MAIN_CALL_SID) continue;
    if (event.type === 'status') status = event.status;
    if (event.type === 'request' && event.kind === 'fetch') seen.push(status);
  }
  const entries = run.outcome.timeline.filter(
    (e) => e.kind === 'fetch' && e.params.CallSid === MAIN_CALL_SID,
  );
  const out = new Map<unknown, string>();
  if (entries.length !== seen.length) return out;
  entries.forEach((entry, i) => {
    const at = seen[i];
    if (at !== undefined) out.set(entry, at);
  });
  return out;
}

/** The query parameters written in a URL. */
function queryOf(url: string | undefined): [string, string][] {
  if (url === undefined) return [];
  try {
    return [...new URL(url).searchParams.entries()];
  } catch {
    return [];
  }
}

/**
 * What voicemail detection found on an answered outbound call with `DetectVoicemail` (spec
 * 6): every document request from the `Url` on carries it. null when detection did not run.
 */
function detectionOf(scenario: Scenario): { answeredBy: string; detector: string } | null {
  const detect = (scenario.call?.DetectVoicemail ?? '').toLowerCase();
  if (detect !== 'yes' && detect !== 'true') return null;
  const answer = (scenario.party ?? []).find((a) => a.do === 'answer');
  if (answer === undefined || answer.do !== 'answer') return null;
  // The replay format's TwiML values (machine_start, machine_end_*, fax) are machines to DetectVoicemail.
  const machine = answer.by !== undefined && answer.by !== 'human';
  return { answeredBy: machine ? 'machine' : 'human', detector: machine ? 'voicemail' : 'person_found' };
}

function check(observation: RunObservation): Violation[] {
  return judgeCreatedRun(observation, NAME, (run, scenario, v) => {
    const starts = new Set<unknown>(fetchChains(scenario, run).map((chain) => chain.first));
    const statusAtRequest = statusesAtFetches(run);
    const detection = detectionOf(scenario);
    const account = scenario.options?.accountSid ?? 'AC00000000000000000000000000000000';
    const firstFetch = fetchChains(scenario, run).find((c) => c.kind === 'url')?.first;
    const ownQuery = queryOf(callParams(scenario).Url);
    const eventTimes = new Map<string, number>();
    for (const event of run.events) {
      if (event.type === 'progress')
        eventTimes.set(`${event.callSid} ${event.params.SequenceNumber}`, event.at);
    }
    const origin = Date.parse(scenario.options?.epoch ?? DEFAULT_EPOCH);

    for (const entry of run.outcome.timeline) {
      if (entry.kind === 'media' || entry.kind === 'stream') continue;
      const { params } = entry;
      for (const [key, value] of Object.entries(params)) {
        if (value === 'null' || value === 'undefined')
          v(`${describeEntry(entry)}: ${key} is the text "${value}"`);
      }
      const isProgress = entry.kind === 'callback' && params.CallbackSource === 'call-progress-events';
      const isDocument = entry.kind === 'fetch' && starts.has(entry);
      if (!isProgress && !isDocument) continue;
      const missing = REQUIRED.filter((key) => params[key] === undefined);
      if (params.AccountSid !== undefined && params.AccountSid !== account) {
        v(`${describeEntry(entry)}: AccountSid=${params.AccountSid}, the call's account is ${account}`);
      }
      if (missing.length > 0) v(`${describeEntry(entry)}: missing ${missing.join(', ')}`);
      if (isProgress) {
        // The Timestamp is when the event happened; delivery may come later (one callback in
        // flight per call, retries), so compare with the engine's progress event.
        const happened = eventTimes.get(`${params.CallSid} ${params.SequenceNumber}`);
        if (happened === undefined) continue;
        const expected = rfc2822(origin + happened * 1000 + EPSILON);
        if (params.Timestamp !== expected)
          v(`${describeEntry(entry)}: Timestamp=${params.Timestamp}, expected ${expected}`);
        continue;
      }
      if (params.CallSid !== MAIN_CALL_SID) continue;
      if (entry === firstFetch && entry.method === 'GET') {
        // GET keeps the query the Url already has (spec 2).
        for (const [key, value] of ownQuery) {
          if (params[key] !== value)
            v(`${describeEntry(entry)}: the Url's own query ${key}=${value} was not kept`);
        }
      }
      if (
        detection !== null &&
        params.CallStatus !== 'ringing' &&
        params.AnsweredBy !== detection.answeredBy
      ) {
        v(
          `${describeEntry(entry)}: AnsweredBy=${params.AnsweredBy}, voicemail detection found ${detection.answeredBy}`,
        );
      } else if (
        detection !== null &&
        params.CallStatus !== 'ringing' &&
        params.VoicemailDetector !== detection.detector
      ) {
        v(
          `${describeEntry(entry)}: VoicemailDetector=${params.VoicemailDetector}, expected ${detection.detector}`,
        );
      }
      const now = statusAtRequest.get(entry);
      const sent = params.CallStatus;
      if (now === undefined || sent === undefined) continue;
      const fits = sent === now || (isFinalStatus(now) && isFinalStatus(sent));
      if (!fits) v(`${describeEntry(entry)}: CallStatus=${sent} while the call was ${now}`);
    }
  });
}

/** Every request carries the parameters the spec lists, with the call's current status. */
export const requestParameters: Invariant = {
  name: NAME,
  description:
    'document requests carry CallSid, AccountSid, From, To, CallStatus (the current one), ApiVersion, Direction; progress callbacks carry their own Timestamp; no value is the text null',
  check,
};
