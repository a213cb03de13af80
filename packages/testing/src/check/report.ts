/**
 * The fuzz summary as text (what `rcml fuzz` prints), and `assertInvariants`, which runs the
 * fuzz loop and throws that summary when anything broke: the shape a test wants.
 */
import { relative } from 'node:path';
import { type FuzzOptions, type FuzzReport, fuzz } from './fuzz.js';

/** The summary of a fuzz run; file names relative to `cwd` when given. */
export function formatFuzzReport(report: FuzzReport, cwd?: string): string {
  const seconds = report.elapsedMs / 1000;
  const perSecond = seconds > 0 ? Math.round(report.runs / seconds) : report.runs;
  const lines = [
    `rcml fuzz: ${report.runs} runs, seed ${report.seed}, ${seconds.toFixed(1)} s, ${perSecond} calls/s`,
  ];
  const broken = Object.entries(report.violationsByInvariant);
  if (broken.length === 0) return `${lines.join('\n')}\nviolations: none\n`;
  lines.push(`violations by invariant (${report.failingRuns} failing run(s)):`);
  for (const [name, count] of broken) lines.push(`  ${name.padEnd(20)} ${count} run(s)`);
  lines.push('counterexamples (shrunk):');
  for (const c of report.counterexamples) {
    const file = c.file === undefined ? undefined : cwd === undefined ? c.file : relative(cwd, c.file);
    lines.push(`  ${file ?? `run ${c.run} (not written: no output folder)`}`);
    for (const v of c.violations.slice(0, 3)) lines.push(`    ${v.invariant}: ${v.message}`);
  }
  lines.push(
    report.app === undefined
      ? 'rerun one with: rcml fuzz --check <file>   (rcml replay <file> runs the runner checks only)'
      : `rerun one live with: rcml fuzz --check --app ${report.app} <file>   (rcml replay --app ${report.app} <file> shows its timeline)`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Run the fuzz loop and throw an `Error` carrying the summary (invariants broken, shrunk
 * counterexample files) when any generated call broke an invariant.
 *
 * @example
 * it('my application survives 500 generated calls', () =>
 *   assertInvariants({ runs: 500, seed: 42, out: 'fuzz-out', arbitrary: scenario({ application: myApp }) }));
 */
export async function assertInvariants(options: FuzzOptions): Promise<FuzzReport> {
  const report = await fuzz(options);
  if (report.failingRuns > 0) throw new Error(formatFuzzReport(report, process.cwd()));
  return report;
}
