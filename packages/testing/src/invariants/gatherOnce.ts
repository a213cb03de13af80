/**
 * Invariant: a `<Gather>` submits at most once, and only keys the caller pressed (spec 4.4).
 * Between one `gather` operation and the next, at most one request carries the `Digits` of
 * a Gather (a `Digits` parameter without `RecordingUrl`, which marks a Record action; HTTP
 * redirect hops of one request count once); a
 * Gather timer that fires twice shows up as a second such request. `Digits` holds only keys
 * the far end pressed, never more than `numDigits`, and never the key reported in
 * `FinishedOnKey`. A dial leg's whisper `<Gather>` (spec 4.6) submits with the leg's own
 * `CallSid`: its `Digits` hold only keys a dialled target pressed, never its finishing key.
 */
import type { FetchEntry } from '@rcml/replay';
import type { Invariant, RunObservation, Violation } from '../types.js';
import { fetchChains } from './fallback.js';
import { describeEntry, dialedKeys, MAIN_CALL_SID, runInSeconds, verbOwner } from './view.js';

const NAME = 'gather-once';

function check({ scenario, run }: RunObservation): Violation[] {
  if (run === null || run.createError !== undefined) return [];
  // HTTP redirect hops repeat the request (and its Digits): count each request once.
  const starts = new Set<unknown>(fetchChains(scenario, run).map((chain) => chain.first));
  const out: Violation[] = [];
  const v = (message: string) => out.push({ invariant: NAME, message });
  const pressed = new Set((scenario.party ?? []).flatMap((a) => (a.do === 'dtmf' ? a.digits.split('') : [])));
  const legPressed = dialedKeys(scenario);
  const inSeconds = runInSeconds({ scenario, run, thrown: [], unhandled: [] }) ?? run;
  let submissions = 0;
  let numDigits: number | null = null;
  for (const entry of run.outcome.timeline) {
    if (
      entry.kind === 'media' &&
      entry.op === 'gather' &&
      verbOwner(inSeconds, 'Gather', entry.at) !== 'leg'
    ) {
      submissions = 0;
      numDigits = typeof entry.numDigits === 'number' ? entry.numDigits : null;
    }
    if (entry.kind !== 'fetch' || !starts.has(entry)) continue;
    if (entry.params.CallSid !== MAIN_CALL_SID) {
      checkLeg(entry, legPressed, v);
      continue;
    }
    const digits = entry.params.Digits;
    if (digits === undefined || entry.params.RecordingUrl !== undefined) continue;
    submissions += 1;
    if (submissions > 1) v(`${describeEntry(entry)}: a second Gather submission without a new gather`);
    const foreign = [...digits].filter((key) => !pressed.has(key));
    if (foreign.length > 0)
      v(`${describeEntry(entry)}: Digits=${digits} holds keys nobody pressed (${foreign.join('')})`);
    if (numDigits !== null && digits.length > numDigits) {
      v(`${describeEntry(entry)}: Digits=${digits} holds more than numDigits=${numDigits} keys`);
    }
    const finished = entry.params.FinishedOnKey;
    if (finished !== undefined && finished !== '' && digits.includes(finished)) {
      v(`${describeEntry(entry)}: Digits=${digits} includes the finishing key ${finished}`);
    }
  }
  return out;
}

/** A whisper Gather's submission on a dial leg: only keys a dialled target pressed. */
function checkLeg(entry: FetchEntry, pressed: ReadonlySet<string>, v: (message: string) => void): void {
  const digits = entry.params.Digits;
  if (digits === undefined || entry.params.RecordingUrl !== undefined) return;
  const foreign = [...digits].filter((key) => !pressed.has(key));
  if (foreign.length > 0)
    v(`${describeEntry(entry)}: Digits=${digits} holds keys no dialled party pressed (${foreign.join('')})`);
  const finished = entry.params.FinishedOnKey;
  if (finished !== undefined && finished !== '' && digits.includes(finished)) {
    v(`${describeEntry(entry)}: Digits=${digits} includes the finishing key ${finished}`);
  }
}

/** A Gather submits at most once, with keys the caller pressed. */
export const gatherOnce: Invariant = {
  name: NAME,
  description:
    'a <Gather> submits its action at most once, with only keys the caller pressed and without the finishing key',
  check,
};
