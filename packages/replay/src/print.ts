/**
 * How the replayer prints results: one line per scenario; for a failure, the first differing
 * entry expected beside actual, and the actual timeline in scenario format for pasting; for
 * every scenario, the notices its calls reported (code, level, message).
 */
import type { MatchResult } from './match.js';
import type { RunResult } from './runScenario.js';
import type { Scenario, ScenarioExpect } from './scenario.js';
import { DEFAULT_EPOCH } from './setup.js';

/** A notice a call of the run reported, timed like the timeline (seconds since t = 0). */
export interface ScenarioNotice {
  readonly at: number;
  /** The call it is about (the scenario's call or a dial leg); null for engine-wide notices. */
  readonly callSid: string | null;
  readonly code: number;
  readonly level: 'warning' | 'error';
  readonly message: string;
}

/** The notices of a run, in the order they were reported. */
export function scenarioNotices(scenario: Scenario, result: RunResult): ScenarioNotice[] {
  const origin = Date.parse(scenario.options?.epoch ?? DEFAULT_EPOCH);
  const notices: ScenarioNotice[] = [];
  for (const event of result.events) {
    if (event.type !== 'notice') continue;
    notices.push({
      at: Math.round(((event.at - origin) / 1000) * 1_000_000) / 1_000_000,
      callSid: event.callSid,
      code: event.code,
      level: event.level,
      message: event.message,
    });
  }
  return notices;
}

/**
 * The notices as indented lines (`  notices:` then one line each: time, level, code,
 * message, and the call when it is not the scenario's own), ending with a newline; empty
 * when there are none.
 */
export function formatNotices(notices: readonly ScenarioNotice[], result?: RunResult): string {
  if (notices.length === 0) return '';
  const main = result?.events.find((e) => e.type === 'status')?.callSid;
  const lines = notices.map((n) => {
    const time = `${n.at.toFixed(2)}s`.padStart(8);
    const call = n.callSid === null || n.callSid === main ? '' : `  (call ${n.callSid})`;
    return `  ${time}  ${n.level.padEnd(7)}  ${n.code} ${n.message}${call}`;
  });
  return `  notices:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

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
