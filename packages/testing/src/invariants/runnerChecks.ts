/**
 * The replay runner's own checks (`RunResult.violations` of `@rcml/replay`): a call that
 * does not settle within the runner's bounds, and the built-in invariants `rcml replay`
 * applies to every scenario. Reported here so that a counterexample that `rcml replay`
 * rejects is also one that `checkScenario` rejects.
 */
import type { Invariant, RunObservation, Violation } from '../types.js';

const NAME = 'runner-checks';

function check({ run }: RunObservation): Violation[] {
  return (run?.violations ?? []).map((message) => ({ invariant: NAME, message }));
}

/** What `rcml replay` itself checks on every run. */
export const runnerChecks: Invariant = {
  name: NAME,
  description:
    'the checks the replay runner applies to every scenario (the call settles within bounds, one final state, ordered progress events)',
  check,
};
