/**
 * How the replayer prints results: one line per scenario; for a failure, the first differing
 * entry expected beside actual, and the actual timeline in scenario format for pasting.
 */
import type { MatchResult } from './match.js';
import type { RunResult } from './runScenario.js';
import type { Scenario, ScenarioExpect } from './scenario.js';

/** `ok   name` or `FAIL name`. */
export function formatResultLine(name: string, ok: boolean): string {
  return `${ok ? 'ok  ' : 'FAIL'} ${name}`;
}

const indent = (text: string, pad: string) =>
  text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');

/** The details of a failed scenario (several lines, indented, ending with a newline). */
export function formatFailure(result: RunResult, match: MatchResult): string {
  const lines: string[] = [];
  for (const problem of match.problems) lines.push(`  ${problem}`);
  const d = match.firstDifference;
  if (d !== undefined) {
    const where = d.field === undefined ? '' : ` (field ${d.field})`;
    lines.push(`  first difference at timeline entry ${d.index}${where}:`);
    lines.push(`    expected: ${d.expected === undefined ? '(no entry)' : JSON.stringify(d.expected)}`);
    lines.push(`    actual:   ${d.actual === undefined ? '(no entry)' : JSON.stringify(d.actual)}`);
  }
  lines.push('  actual (paste into "expect"):');
  lines.push(indent(JSON.stringify(actualExpect(result), null, 2), '    '));
  return `${lines.join('\n')}\n`;
}

/** The scenario `expect` that the run actually satisfies (used by `--write` and for pasting). */
export function actualExpect(result: RunResult): ScenarioExpect {
  if (result.createError !== undefined) {
    return {
      create: {
        ok: false,
        ...(result.createError.field === undefined ? {} : { field: result.createError.field }),
      },
      timeline: [],
    };
  }
  return {
    timeline: result.outcome.timeline.map((entry) => ({ ...entry })),
    ...(result.outcome.final === null ? {} : { final: result.outcome.final }),
  };
}

/** The scenario with its `expect.timeline`/`final` (or `create`) filled in from the run. */
export function withActualExpect(scenario: Scenario, result: RunResult): Scenario {
  const actual = actualExpect(result);
  const { create: _create, ...rest } = scenario.expect ?? {};
  return { ...scenario, expect: { ...rest, ...actual } };
}

/** The summary line: `N passed, M failed`. */
export function formatSummary(passed: number, failed: number): string {
  return `${passed} passed, ${failed} failed`;
}
