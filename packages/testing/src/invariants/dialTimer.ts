/**
 * Invariant: a `<Dial>` that nobody answers ends exactly `timeout` seconds after its targets
 * were dialled (spec 4.6), neither earlier nor never. Judged when every target stays silent
 * (a target without a `dialed` entry rings until the timeout), no key was pressed, no live
 * change came and the call was still up: then the next operation or request of the call
 * (the `action` with `DialCallStatus=no-answer`, or the next verb) comes at that instant.
 */
import type { Scenario } from '@rcml/replay';
import type { Invariant, ObservedRun, RunObservation, Violation } from '../types.js';
import { EPSILON, endedBefore, judgeCreatedRun, MAIN_CALL_SID, modifiedWithin, round } from './view.js';

const NAME = 'dial-timer';
const ENDING = new Set(['answer', 'busy', 'fail', 'hangup']);

/** Whether anything but the timer may end a dial of `targets` in `[from, to]`. */
function disturbed(
  scenario: Scenario,
  run: ObservedRun,
  targets: readonly string[],
  from: number,
  to: number,
): boolean {
  const span = to - from;
  for (const target of targets) {
    // Own keys only: a target may be named like an Object.prototype member ("constructor").
    const script =
      scenario.dialed !== undefined && Object.hasOwn(scenario.dialed, target) ? scenario.dialed[target] : [];
    if ((script ?? []).some((a) => ENDING.has(a.do) && a.after < span + EPSILON)) return true;
  }
  const party = scenario.party ?? [];
  if (
    party.some((a) => a.at > from - EPSILON && a.at < to + EPSILON && (a.do === 'dtmf' || a.do === 'hangup'))
  )
    return true;
  return modifiedWithin(scenario, from, to) || endedBefore(run, to);
}

function check(observation: RunObservation): Violation[] {
  return judgeCreatedRun(observation, NAME, (run, scenario, v) => {
    const timeline = run.outcome.timeline;
    timeline.forEach((entry, index) => {
      if (entry.kind !== 'media' || entry.op !== 'dial' || typeof entry.timeout !== 'number') return;
      const targets = Array.isArray(entry.targets) ? (entry.targets as { type?: string; to?: string }[]) : [];
      if (targets.length === 0 || targets.some((t) => t.type === 'conference')) return;
      const deadline = entry.at + entry.timeout;
      if (
        disturbed(
          scenario,
          run,
          targets.map((t) => String(t.to)),
          entry.at,
          deadline,
        )
      )
        return;
      const next = timeline
        .slice(index + 1)
        .find((e) => e.kind === 'media' || (e.kind === 'fetch' && e.params.CallSid === MAIN_CALL_SID));
      const when = next === undefined ? 'nothing followed' : `the next step came at t=${round(next.at)}`;
      if (next === undefined || Math.abs(next.at - deadline) > EPSILON) {
        v(
          `dial at t=${round(entry.at)} was not answered; its timeout should have ended it at t=${round(deadline)} but ${when}`,
        );
      }
    });
  });
}

/** A Dial nobody answers ends exactly at its timeout. */
export const dialTimer: Invariant = {
  name: NAME,
  description:
    'a <Dial> that nobody answers ends exactly `timeout` seconds after its targets were dialled, neither earlier nor never',
  check,
};
