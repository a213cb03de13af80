/**
 * Invariant (f): the same scenario run twice gives the same timeline and the same final
 * state. Everything nondeterministic is injected, so any difference is a leak (wall clock,
 * `Math.random`, state shared between engines).
 */
import type { Invariant, RunObservation, Violation } from '../types.js';

const NAME = 'determinism';

function check({ run, rerun }: RunObservation): Violation[] {
  if (run === null || rerun === undefined || rerun === null) return [];
  const out: Violation[] = [];
  const a = run.outcome.timeline;
  const b = rerun.outcome.timeline;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const first = JSON.stringify(a[i]);
    const second = JSON.stringify(b[i]);
    if (first !== second) {
      out.push({
        invariant: NAME,
        message: `timeline entry ${i + 1} differs between two runs: ${first ?? '(none)'} vs ${second ?? '(none)'}`,
      });
      break;
    }
  }
  if (JSON.stringify(run.outcome.final) !== JSON.stringify(rerun.outcome.final)) {
    out.push({
      invariant: NAME,
      message: `final state differs between two runs: ${JSON.stringify(run.outcome.final)} vs ${JSON.stringify(rerun.outcome.final)}`,
    });
  }
  return out;
}

/** The same scenario run twice gives the same timeline. */
export const determinism: Invariant = {
  name: NAME,
  description: 'the same scenario run twice gives the same timeline and final state',
  check,
};
