/**
 * Invariant: a `<Gather>` that hears no key ends exactly when its timeout runs out after its
 * prompts (spec 4.4), neither earlier nor never. For each `gather` operation, the prompts'
 * end is computed from the media timings of the replay format (`sayCharSeconds`,
 * `playSeconds`, `defaultPlaySeconds`, `Pause` length); when no key was pressed, no live
 * change came, the party did not talk during a speech Gather and the call was still up, the
 * next operation or request of the call must come exactly `timeout` seconds after the
 * prompts ended. A `<Gather>` of a dial leg's whisper
 * document (spec 4.6) is not judged: it hears the dialled party's keys and ends with the leg.
 */
import type { MediaEntry, Scenario, TimelineEntry } from '@rcml/replay';
import type { Invariant, ObservedRun, RunObservation, Violation } from '../types.js';
import {
  EPSILON,
  endedBefore,
  judgeCreatedRun,
  keyPressTimes,
  MAIN_CALL_SID,
  modifiedWithin,
  round,
  verbOwner,
} from './view.js';

const NAME = 'gather-timer';
const PROMPTS = new Set(['say', 'play', 'pause']);

/** Seconds a prompt lasts on the simulated driver, or null when unknown. */
export function promptSeconds(scenario: Scenario, entry: MediaEntry): number | null {
  const media = scenario.media ?? {};
  const loop = typeof entry.loop === 'number' ? entry.loop : 1;
  if (entry.op === 'pause') return typeof entry.length === 'number' ? entry.length : null;
  if (entry.op === 'say') return [...String(entry.text ?? '')].length * (media.sayCharSeconds ?? 0.05) * loop;
  if (entry.op === 'play') {
    const url = String(entry.url ?? '');
    if ((media.failUrls ?? []).includes(url)) return 0;
    return (media.playSeconds?.[url] ?? media.defaultPlaySeconds ?? 2) * loop;
  }
  return null;
}

/** When the prompts of the gather at `index` end, or null when it cannot be told. */
function promptsEnd(scenario: Scenario, timeline: readonly TimelineEntry[], index: number): number | null {
  let end = (timeline[index] as TimelineEntry).at;
  for (const entry of timeline.slice(index + 1)) {
    if (entry.kind === 'callback') continue;
    if (entry.kind !== 'media' || !PROMPTS.has(entry.op)) break;
    // A prompt starts when the one before it ended; a gap means something else happened.
    if (Math.abs(entry.at - end) > EPSILON) break;
    const seconds = promptSeconds(scenario, entry);
    if (seconds === null) return null;
    end = entry.at + seconds;
  }
  return end;
}

/** Whether the party talks at some time within `[from, to]` (a `speak` action overlapping it). */
function talksWithin(scenario: Scenario, from: number, to: number): boolean {
  return (scenario.party ?? []).some(
    (a) => a.do === 'speak' && a.at < to + EPSILON && a.at + a.for > from - EPSILON,
  );
}

/**
 * Whether anything but the timer may have ended the gather within `[from, to]`: a key, a live
 * change, the end of the call, or (speech input, spec 4.4) the party's voice, which holds the
 * Gather until its utterance ends.
 */
function disturbed(scenario: Scenario, run: ObservedRun, from: number, to: number, speech: boolean): boolean {
  if (keyPressTimes(scenario).some((t) => t > from - 1 - EPSILON && t < to + EPSILON)) return true;
  if (speech && talksWithin(scenario, from, to)) return true;
  return modifiedWithin(scenario, from, to) || endedBefore(run, to);
}

function check(observation: RunObservation): Violation[] {
  return judgeCreatedRun(observation, NAME, (run, scenario, v) => {
    const timeline = run.outcome.timeline;
    timeline.forEach((entry, index) => {
      if (entry.kind !== 'media' || entry.op !== 'gather' || typeof entry.timeout !== 'number') return;
      if (verbOwner(run, 'Gather', entry.at) !== 'main') return;
      const prompts = promptsEnd(scenario, timeline, index);
      if (prompts === null) return;
      const deadline = prompts + entry.timeout;
      if (disturbed(scenario, run, entry.at, deadline, entry.input !== 'dtmf')) return;
      const next = timeline.slice(index + 1).find((e) => {
        if (e.kind === 'callback' || e.kind === 'stream') return false;
        if (e.kind === 'fetch') return e.params.CallSid === MAIN_CALL_SID;
        return !(PROMPTS.has(e.op) && e.at < prompts + EPSILON);
      });
      if (next === undefined || next.at > deadline + EPSILON) {
        v(
          `gather at t=${round(entry.at)} heard no key; its timeout should have ended it at t=${round(deadline)} but ${next === undefined ? 'nothing followed' : `the next step came at t=${round(next.at)}`}`,
        );
      } else if (next.at < deadline - EPSILON) {
        v(
          `gather at t=${round(entry.at)} heard no key but ended at t=${round(next.at)}, before its timeout at t=${round(deadline)}`,
        );
      }
    });
  });
}

/** A Gather without input ends exactly at its timeout after the prompts. */
export const gatherTimer: Invariant = {
  name: NAME,
  description:
    'a <Gather> that hears no key ends exactly `timeout` seconds after its prompts end, neither earlier nor never',
  check,
};
