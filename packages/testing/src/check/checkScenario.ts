/**
 * Run one scenario through the replay runner and check every invariant on what happened.
 * The run is observed from the outside too: anything thrown out of the runner and every
 * unhandled rejection while it ran are collected for the no-crash invariant, and the
 * scenario runs a second time for the determinism invariant.
 */
import { runScenario, type Scenario } from '@rcml/replay';
import { invariants as allInvariants } from '../invariants/index.js';
import type { Invariant, ObservedRun, RunObservation, ScenarioRunner, Violation } from '../types.js';

/** Options of {@link checkScenario}. */
export interface CheckOptions {
  /** The runner (default: `runScenario` of `@rcml/replay`). */
  readonly runner?: ScenarioRunner;
  /** The invariants to check (default: all of them). */
  readonly invariants?: readonly Invariant[];
  /** Run the scenario a second time for the determinism invariant (default true). */
  readonly rerun?: boolean;
}

/** The outcome of checking one scenario. */
export interface CheckResult {
  readonly scenario: Scenario;
  readonly observation: RunObservation;
  /** Empty when every invariant holds. */
  readonly violations: readonly Violation[];
}

/**
 * `runScenario` of `@rcml/replay` as a runner. `runScenario` reports problems it can see
 * itself (a call that does not settle within its bounds) in `violations`; the
 * `runner-checks` invariant turns those into violations here too.
 */
export const replayRunner: ScenarioRunner = (scenario) => runScenario(scenario);

async function attempt(
  runner: ScenarioRunner,
  scenario: Scenario,
  thrown: unknown[],
): Promise<ObservedRun | null> {
  try {
    return await runner(scenario);
  } catch (error) {
    thrown.push(error);
    return null;
  }
}

/** Run a scenario (twice unless `rerun: false`), collecting thrown errors and unhandled rejections. */
export async function observeScenario(
  scenario: Scenario,
  options: CheckOptions = {},
): Promise<RunObservation> {
  const runner = options.runner ?? replayRunner;
  const thrown: unknown[] = [];
  const unhandled: unknown[] = [];
  const collect = (reason: unknown) => unhandled.push(reason);
  // A listener leak shows up as a process warning (MaxListenersExceededWarning).
  const warn = (warning: Error) => {
    if (warning.name === 'MaxListenersExceededWarning') unhandled.push(warning);
  };
  process.on('unhandledRejection', collect);
  process.on('uncaughtException', collect);
  process.on('warning', warn);
  try {
    const run = await attempt(runner, scenario, thrown);
    const rerun =
      options.rerun === false || run === null ? undefined : await attempt(runner, scenario, thrown);
    // Node reports an unhandled rejection only after the microtask queue drained.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return rerun === undefined
      ? { scenario, run, thrown, unhandled }
      : { scenario, run, rerun, thrown, unhandled };
  } finally {
    process.off('unhandledRejection', collect);
    process.off('uncaughtException', collect);
    process.off('warning', warn);
  }
}

/** Apply invariants to an observation. An invariant that throws is reported as violated. */
export function applyInvariants(
  observation: RunObservation,
  invariants: readonly Invariant[] = allInvariants,
): Violation[] {
  const out: Violation[] = [];
  for (const invariant of invariants) {
    try {
      out.push(...invariant.check(observation));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      out.push({ invariant: invariant.name, message: `the invariant itself failed: ${reason}` });
    }
  }
  return out;
}

/**
 * Run a scenario and check the invariants on it.
 *
 * @example
 * const { violations } = await checkScenario(JSON.parse(await readFile('case.json', 'utf8')));
 * for (const v of violations) console.log(`${v.invariant}: ${v.message}`);
 */
export async function checkScenario(scenario: Scenario, options: CheckOptions = {}): Promise<CheckResult> {
  const observation = await observeScenario(scenario, options);
  return { scenario, observation, violations: applyInvariants(observation, options.invariants) };
}
