/**
 * The fuzz loop behind `rcml fuzz` and the fixed-seed test: run `runs` generated calls from
 * one seed, check every invariant on each, then shrink the first failing run of each
 * violated invariant to a small counterexample (fast-check's shrinking, then removal of the
 * parts the failure does not need) and write it as a replay scenario.
 * Finding every broken invariant first (instead of stopping at the first failure) gives the
 * summary "violations by invariant" over the whole run.
 */
import { type LiveAppOptions, runScenario, type Scenario } from '@rcml/replay';
import fc from 'fast-check';
import { type AppCallerOptions, appCaller } from '../arbitraries/appCaller.js';
import { scenario as scenarioArbitrary } from '../arbitraries/scenario.js';
import { appErrors } from '../invariants/appErrors.js';
import { invariants as allInvariants } from '../invariants/index.js';
import type { Invariant, ScenarioRunner, Violation } from '../types.js';
import { checkScenario, replayRunner } from './checkScenario.js';
import { writeCounterexample } from './counterexample.js';
import { minimizeScenario } from './minimize.js';

/** Options of {@link fuzz}. */
export interface FuzzOptions {
  readonly runs: number;
  readonly seed: number;
  /** Folder for counterexample files; none are written without it. */
  readonly out?: string;
  /** Default: `scenario()`. */
  readonly arbitrary?: fc.Arbitrary<Scenario>;
  readonly invariants?: readonly Invariant[];
  readonly runner?: ScenarioRunner;
  /** Called after each generated call of the main pass. */
  readonly onProgress?: (progress: FuzzProgress) => void;
  /**
   * Fuzz a running application instead of generated ones: the URL of its first document
   * (e.g. `http://127.0.0.1:3000/voice`), or live-replay options whose `url` is that URL.
   * The generated callers ({@link appCaller}) call it over real HTTP on the simulated clock;
   * the default invariants are {@link liveInvariants}; counterexamples replay live
   * (`rcml replay --app <origin> <file>`).
   */
  readonly app?: string | LiveAppOptions;
  /** With `app`: the shape of the generated callers (phrases, dialled numbers, callbacks...). */
  readonly caller?: Partial<AppCallerOptions>;
}

/** The origin generated scenarios use for a live application (mapped to its real origin). */
export const LIVE_APP_ORIGIN = 'http://app.test';

/**
 * The invariants checked on calls to a real application: the engine's, but not the one that
 * needs a canned `app` section to predict answers (`fallback`), plus `app-errors`.
 */
export const liveInvariants: readonly Invariant[] = [
  ...allInvariants.filter((i) => i.name !== 'fallback'),
  appErrors,
];

interface LiveSetup {
  readonly runner: ScenarioRunner;
  readonly arbitrary: fc.Arbitrary<Scenario>;
  readonly base: string;
}

/** Runner and callers for `options.app`. */
function liveSetup(app: string | LiveAppOptions, caller: Partial<AppCallerOptions> | undefined): LiveSetup {
  const live = typeof app === 'string' ? { url: app } : app;
  let real: URL;
  try {
    real = new URL(live.url);
  } catch {
    throw new TypeError(`app: "${live.url}" is not an absolute http(s) URL`);
  }
  const origin = live.origin ?? LIVE_APP_ORIGIN;
  const runner: ScenarioRunner = (scenario) =>
    runScenario(scenario, { app: { ...live, url: real.origin, origin } });
  const url = `${origin}${real.pathname}${real.search}`;
  return { runner, arbitrary: appCaller({ ...caller, url }), base: real.origin };
}

/** How far a {@link fuzz} run is, reported to `onProgress` as it goes. */
export interface FuzzProgress {
  readonly done: number;
  readonly total: number;
  readonly failing: number;
  readonly phase: 'run' | 'shrink';
}

/** One shrunk counterexample. */
export interface FuzzCounterexample {
  readonly invariant: string;
  /** The run (0-based) that first broke the invariant. */
  readonly run: number;
  /** fast-check path of the shrunk case. */
  readonly path: string;
  readonly scenario: Scenario;
  readonly violations: readonly Violation[];
  /** The file written, when `out` was given. */
  readonly file?: string;
}

/** What a {@link fuzz} run found: the numbers, the violations by invariant and the counterexample files written. */
export interface FuzzReport {
  readonly runs: number;
  readonly seed: number;
  /** Wall-clock milliseconds of the main pass (without shrinking). */
  readonly elapsedMs: number;
  /** Runs that broke at least one invariant. */
  readonly failingRuns: number;
  /** Invariant name → number of runs that broke it. */
  readonly violationsByInvariant: Readonly<Record<string, number>>;
  readonly counterexamples: readonly FuzzCounterexample[];
  /** With `app`: the application's base URL (what counterexamples replay live against). */
  readonly app?: string;
}

/** Run the fuzz loop. Never rejects because of a violation: read the report. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const live = options.app === undefined ? null : liveSetup(options.app, options.caller);
  const runner = options.runner ?? live?.runner ?? replayRunner;
  const arbitrary = options.arbitrary ?? live?.arbitrary ?? scenarioArbitrary();
  const invariants = options.invariants ?? (live === null ? allInvariants : liveInvariants);
  const byInvariant: Record<string, number> = {};
  const firstRun = new Map<string, number>();
  let done = 0;
  let failing = 0;
  const started = performance.now();
  const pass = await fc.check(
    fc.asyncProperty(arbitrary, async (scenario) => {
      const run = done;
      const { violations } = await checkScenario(scenario, { runner, invariants });
      done += 1;
      const names = new Set(violations.map((v) => v.invariant));
      if (names.size > 0) failing += 1;
      for (const name of names) {
        byInvariant[name] = (byInvariant[name] ?? 0) + 1;
        if (!firstRun.has(name)) firstRun.set(name, run);
      }
      options.onProgress?.({ done, total: options.runs, failing, phase: 'run' });
      return true;
    }),
    { seed: options.seed, numRuns: options.runs },
  );
  if (pass.failed && pass.errorInstance !== null) throw pass.errorInstance;
  const elapsedMs = performance.now() - started;

  const counterexamples: FuzzCounterexample[] = [];
  for (const [name, run] of firstRun) {
    const invariant = invariants.find((i) => i.name === name);
    if (invariant === undefined) continue;
    options.onProgress?.({ done, total: options.runs, failing, phase: 'shrink' });
    const shrunk = await shrink({ ...options, runner, arbitrary, invariant, run });
    if (shrunk === null) continue;
    const stillFails = async (candidate: Scenario) =>
      (await checkScenario(candidate, { runner, invariants: [invariant], rerun: name === 'determinism' }))
        .violations.length > 0;
    const keepHangup = live === null ? undefined : (a: { do: string }) => a.do === 'hangup';
    const found = {
      ...shrunk,
      scenario: await minimizeScenario(shrunk.scenario, stillFails, 200, keepHangup),
    };
    const { violations } = await checkScenario(found.scenario, { runner, invariants });
    const origin = {
      seed: options.seed,
      run,
      path: found.path,
      ...(live === null
        ? {}
        : {
            rerun: `rcml fuzz --check --app ${live.base} <this file> (or rcml replay --app ${live.base} <this file>)`,
          }),
    };
    const shown = violations.length > 0 ? violations : found.violations;
    const file =
      options.out === undefined
        ? undefined
        : await writeCounterexample(options.out, found.scenario, shown, origin);
    counterexamples.push({
      invariant: name,
      run,
      path: found.path,
      scenario: found.scenario,
      violations: shown,
      ...(file === undefined ? {} : { file }),
    });
  }
  return {
    runs: done,
    seed: options.seed,
    elapsedMs,
    failingRuns: failing,
    violationsByInvariant: byInvariant,
    counterexamples,
    ...(live === null ? {} : { app: live.base }),
  };
}

interface ShrinkInput {
  readonly seed: number;
  readonly runs: number;
  readonly runner: ScenarioRunner;
  readonly arbitrary: fc.Arbitrary<Scenario>;
  readonly invariant: Invariant;
  readonly run: number;
}

/** Replay run `run` of the seed with fast-check's `path` and shrink it against one invariant. */
async function shrink(
  input: ShrinkInput,
): Promise<{ scenario: Scenario; path: string; violations: Violation[] } | null> {
  let last: Violation[] = [];
  const result = await fc.check(
    fc.asyncProperty(input.arbitrary, async (scenario) => {
      const { violations } = await checkScenario(scenario, {
        runner: input.runner,
        invariants: [input.invariant],
        rerun: input.invariant.name === 'determinism',
      });
      if (violations.length > 0) last = [...violations];
      return violations.length === 0;
    }),
    { seed: input.seed, path: String(input.run), numRuns: input.runs },
  );
  const scenario = result.counterexample?.[0];
  if (!result.failed || scenario === undefined) return null;
  return { scenario, path: result.counterexamplePath ?? String(input.run), violations: last };
}
