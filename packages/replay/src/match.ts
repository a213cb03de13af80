/**
 * `matchScenario`: compare what the engine did with what the scenario expects, by the replay
 * format's matching rules.
 */
import { isCommentKey } from './check.js';
import type { RunResult } from './runScenario.js';
import type { Scenario } from './scenario.js';
import type { TimelineEntry } from './timeline.js';

/** The first timeline entry that differs (`undefined` side: missing entry). */
export interface Difference {
  readonly index: number;
  readonly expected: Readonly<Record<string, unknown>> | undefined;
  readonly actual: TimelineEntry | undefined;
  /** Which field differs, e.g. `params.Digits` or `at`. */
  readonly field?: string;
}

/** Whether a run satisfies its scenario, and if not, why. */
export interface MatchResult {
  readonly ok: boolean;
  readonly firstDifference?: Difference;
  /** Every other reason for failing: creation, final state, broken invariants. */
  readonly problems: readonly string[];
}

const AT_TOLERANCE = 0.001;

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The field of `expected` that `actual` does not satisfy, or null when it matches. */
export function entryMismatch(
  expected: Readonly<Record<string, unknown>>,
  actual: TimelineEntry,
): string | null {
  const act = actual as unknown as Record<string, unknown>;
  for (const [key, want] of Object.entries(expected)) {
    if (isCommentKey(key)) continue;
    if (key === 'at') {
      if (typeof want === 'number' && Math.abs(actual.at - want) > AT_TOLERANCE) return 'at';
      continue;
    }
    if (key === 'params' && (actual.kind === 'fetch' || actual.kind === 'callback')) {
      for (const [name, value] of Object.entries(want as Record<string, string | null>)) {
        const got = actual.params[name];
        if (value === null ? got !== undefined : got !== value) return `params.${name}`;
      }
      continue;
    }
    if (!deepEqual(want, act[key])) return key;
  }
  return null;
}

/** The first differing entry of two timelines (same length and order required). */
export function firstDifference(
  expected: readonly Readonly<Record<string, unknown>>[],
  actual: readonly TimelineEntry[],
): Difference | undefined {
  const n = Math.max(expected.length, actual.length);
  for (let index = 0; index < n; index++) {
    const e = expected[index];
    const a = actual[index];
    if (e === undefined || a === undefined) return { index, expected: e, actual: a };
    const field = entryMismatch(e, a);
    if (field !== null) return { index, expected: e, actual: a, field };
  }
  return undefined;
}

/** Compare a run with its scenario's `expect`. */
export function matchScenario(scenario: Scenario, result: RunResult): MatchResult {
  const problems: string[] = [];
  const expect = scenario.expect ?? {};
  const createOk = expect.create?.ok ?? true;
  if (createOk && result.createError !== undefined) {
    problems.push(
      `creation was refused (${result.createError.code} ${result.createError.message}) but should succeed`,
    );
  }
  if (!createOk) {
    if (result.createError === undefined) problems.push('creation succeeded but should be refused');
    else if (expect.create?.field !== undefined && result.createError.field !== expect.create.field) {
      problems.push(
        `creation was refused naming field "${result.createError.field ?? '(none)'}", expected "${expect.create.field}"`,
      );
    }
  }
  const expectedTimeline = expect.timeline ?? (createOk ? undefined : []);
  const difference =
    expectedTimeline === undefined ? undefined : firstDifference(expectedTimeline, result.outcome.timeline);
  if (expect.final !== undefined) {
    const final = result.outcome.final;
    if (final === null) problems.push('no call exists, but a final state is expected');
    else {
      if (expect.final.status !== undefined && final.status !== expect.final.status) {
        problems.push(`final status "${final.status}", expected "${expect.final.status}"`);
      }
      if (expect.final.duration !== undefined && final.duration !== expect.final.duration) {
        problems.push(`final duration ${final.duration}, expected ${expect.final.duration}`);
      }
    }
  }
  problems.push(...result.violations.map((v) => `invariant: ${v}`));
  const ok = difference === undefined && problems.length === 0;
  return { ok, ...(difference === undefined ? {} : { firstDifference: difference }), problems };
}
