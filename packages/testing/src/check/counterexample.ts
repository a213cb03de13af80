/**
 * Counterexamples as replay scenario files. A shrunk failing scenario is written with the
 * violated invariant in its `name` and `source`, so that `rcml replay` reruns the call and
 * `checkScenario` (or `rcml fuzz --check FILE`) reproduces the violation.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Scenario } from '@rcml/replay';
import type { Violation } from '../types.js';

/** Where a counterexample comes from. */
export interface CounterexampleOrigin {
  readonly seed: number;
  /** fast-check's path of the shrunk case (replays it with `{ seed, path }`). */
  readonly path?: string;
  /** The run (0-based) of the fuzz pass that first failed. */
  readonly run?: number;
  /** How to rerun it (default `rcml fuzz --check <this file>`): a live application's command. */
  readonly rerun?: string;
}

/** The scenario with its name and source saying which invariant it breaks and how to rerun it. */
export function toCounterexample(
  scenario: Scenario,
  violations: readonly Violation[],
  origin: CounterexampleOrigin,
): Scenario {
  const first = violations[0];
  const invariant = first?.invariant ?? 'unknown';
  const broken = [...new Set(violations.map((v) => v.invariant))].join(', ');
  const where = [`seed ${origin.seed}`];
  if (origin.run !== undefined) where.push(`run ${origin.run}`);
  if (origin.path !== undefined) where.push(`path ${origin.path}`);
  const { expect: _dropped, ...rest } = scenario;
  return {
    ...rest,
    name: `fuzz counterexample: ${invariant}: ${first?.message ?? ''}`.slice(0, 240),
    source: `rcml fuzz (${where.join(', ')}); violated: ${broken}. Rerun: ${origin.rerun ?? 'rcml fuzz --check <this file>'}`,
  };
}

/** A file name for a counterexample: invariant, seed and run. */
export function counterexampleFileName(invariant: string, origin: CounterexampleOrigin): string {
  const run = origin.run === undefined ? '' : `-run${origin.run}`;
  return `${invariant}-seed${origin.seed}${run}.json`;
}

/** Write a counterexample scenario into `dir` (created when missing); resolves with its path. */
export async function writeCounterexample(
  dir: string,
  scenario: Scenario,
  violations: readonly Violation[],
  origin: CounterexampleOrigin,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, counterexampleFileName(violations[0]?.invariant ?? 'unknown', origin));
  await writeFile(file, `${JSON.stringify(toCounterexample(scenario, violations, origin), null, 2)}\n`);
  return file;
}
