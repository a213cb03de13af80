/**
 * What the invariants look at: one run of a replay scenario, as `runScenario` of
 * `@rcml/replay` reports it, plus what the harness itself observed around the run (thrown
 * errors, unhandled rejections, a second run for determinism).
 */
import type { EngineEvent } from '@rcml/core';
import type { CallOutcome, Scenario } from '@rcml/replay';

/** What was still alive in the simulated world when the run ended. */
export interface RunLeftovers {
  readonly pendingTimers: number;
  readonly inFlightRequests: number;
  readonly activeCalls: number;
}

/**
 * The result of running one scenario. Structurally the `RunResult` of `@rcml/replay`; kept
 * as its own type so that invariants can be applied to hand-written runs in tests.
 */
export interface ObservedRun {
  readonly outcome: CallOutcome;
  /** Set when the Calls API refused the `call` parameters. */
  readonly createError?: unknown;
  readonly events: readonly EngineEvent[];
  readonly leftovers: RunLeftovers;
  /** Problems the runner itself saw (`runScenario`: a call that does not settle in bounds). */
  readonly violations?: readonly string[];
}

/** Everything an invariant may inspect about one generated call. */
export interface RunObservation {
  readonly scenario: Scenario;
  /** null when running threw (then `thrown` holds the error). */
  readonly run: ObservedRun | null;
  /** A second run of the same scenario, for the determinism invariant. */
  readonly rerun?: ObservedRun | null;
  /** Errors thrown out of the runner (the engine must never throw). */
  readonly thrown: readonly unknown[];
  /** Unhandled promise rejections, uncaught exceptions and listener-leak warnings seen during the run. */
  readonly unhandled: readonly unknown[];
}

/** One broken rule, with a message a person can act on. */
export interface Violation {
  /** The invariant's name, e.g. `single-final-state`. */
  readonly invariant: string;
  readonly message: string;
}

/** A named rule over a run. `check` returns no violations when the run obeys it. */
export interface Invariant {
  readonly name: string;
  /** One sentence: what the rule says. */
  readonly description: string;
  /** Judge one observed run; an empty list when the rule holds. */
  check(observation: RunObservation): Violation[];
}

/** A runner: `runScenario` of `@rcml/replay`, or a stand-in in tests. */
export type ScenarioRunner = (scenario: Scenario) => Promise<ObservedRun>;
