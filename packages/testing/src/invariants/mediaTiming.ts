/**
 * Invariant: media operations last what the replay format says (`sayCharSeconds`,
 * `playSeconds`/`defaultPlaySeconds`, `Pause` length, `digitSeconds` with `w`/`W`), so a
 * verb's timer neither fires early nor never. For a `say`, `play`, `pause` or `digits`
 * operation that nothing interrupts (no key, hang-up or live change while it runs) on a call
 * still up when it ends, the call's next operation or request comes no earlier than its end,
 * and exactly at its end unless it was a `<Gather>` prompt (then the Gather's own timer may
 * follow). Operations after the first `<Dial>` are not judged (whisper documents run on the
 * legs at the same time).
 */
import type { MediaEntry, Scenario, TimelineEntry } from '@rcml/replay';
import type { Invariant, ObservedRun, RunObservation, Violation } from '../types.js';
import { promptSeconds } from './gatherTimer.js';
import {
  describeEntry,
  EPSILON,
  endedBefore,
  judgeCreatedRun,
  keyPressTimes,
  MAIN_CALL_SID,
  modifiedWithin,
  round,
} from './view.js';

const NAME = 'media-timing';
const TIMED = new Set(['say', 'play', 'pause', 'digits']);

function seconds(scenario: Scenario, entry: MediaEntry): number | null {
  if (entry.op !== 'digits') return promptSeconds(scenario, entry);
  const per = scenario.media?.digitSeconds ?? 0.1;
  return [...String(entry.digits ?? '')].reduce(
    (sum, key) => sum + (key === 'w' ? 0.5 : key === 'W' ? 1 : per),
    0,
  );
}

/** Whether the entry at `index` is a prompt of a `<Gather>` (contiguous prompts after a gather op). */
function isGatherPrompt(timeline: readonly TimelineEntry[], index: number): boolean {
  for (let i = index - 1; i >= 0; i--) {
    const e = timeline[i] as TimelineEntry;
    if (e.kind === 'callback') continue;
    if (e.kind === 'media' && e.op === 'gather') return true;
    if (e.kind !== 'media' || !['say', 'play', 'pause'].includes(e.op)) return false;
  }
  return false;
}

function disturbed(scenario: Scenario, run: ObservedRun, from: number, to: number): boolean {
  const inside = (t: number) => t > from - EPSILON && t < to + EPSILON;
  if (keyPressTimes(scenario).some(inside)) return true;
  if ((scenario.party ?? []).some((a) => a.do === 'hangup' && inside(a.at))) return true;
  return modifiedWithin(scenario, from, to) || endedBefore(run, to);
}

function check(observation: RunObservation): Violation[] {
  return judgeCreatedRun(observation, NAME, (run, scenario, v) => {
    const timeline = run.outcome.timeline;
    const firstDial = timeline.findIndex((e) => e.kind === 'media' && e.op === 'dial');
    const judged = firstDial === -1 ? timeline : timeline.slice(0, firstDial);
    judged.forEach((entry, index) => {
      if (entry.kind !== 'media' || !TIMED.has(entry.op)) return;
      const length = seconds(scenario, entry);
      if (length === null) return;
      const end = entry.at + length;
      if (disturbed(scenario, run, entry.at, end)) return;
      const next = timeline
        .slice(index + 1)
        .find((e) => e.kind === 'media' || (e.kind === 'fetch' && e.params.CallSid === MAIN_CALL_SID));
      const what = `${describeEntry(entry)} lasts ${round(length)} s (until t=${round(end)})`;
      const prompt = isGatherPrompt(timeline, index);
      if (next === undefined) {
        // After a Gather's last prompt its own timer runs; gather-timer judges that.
        if (prompt) return;
        v(`${what} but nothing followed while the call was still up`);
      } else if (next.at < end - EPSILON) {
        v(`${what} but the next step came early, at t=${round(next.at)}`);
      } else if (next.at > end + EPSILON && !prompt) {
        v(`${what} but the next step came late, at t=${round(next.at)}`);
      }
    });
  });
}

/** Say, Play, Pause and digits last what the media timings say, ending neither early nor never. */
export const mediaTiming: Invariant = {
  name: NAME,
  description:
    'say, play, pause and digits operations last what the replay media timings say: the next step comes at their end, not earlier and (outside a Gather) not later',
  check,
};
