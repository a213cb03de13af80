/**
 * `rcml fuzz --runs N --seed S [--out DIR]`: generate calls, run each on the engine through
 * the replay runner, check the invariants of `@rcml/testing`, shrink what fails and write
 * the counterexamples as replay scenarios. `rcml fuzz --check FILE...` reruns such files
 * through the same invariants. Exit 1 on any violation, 2 on a usage error.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadScenarios } from '@rcml/replay';
import { checkScenario, createProgressDisplay, formatFuzzReport, fuzz } from '@rcml/testing';
import type { CliIo, Command } from '../io.js';

const USAGE = `usage: rcml fuzz [--runs N] [--seed S] [--out DIR]
       rcml fuzz --check <files or folders>...

  --runs N    generated calls to run (default 1000)
  --seed S    fast-check seed, an integer (default: random, printed in the summary)
  --out DIR   folder for counterexample scenarios (default fuzz-out)
  --check     rerun scenario files (e.g. counterexamples) through the invariants
`;

interface Options {
  readonly runs: number;
  readonly seed: number;
  readonly out: string;
}

function parseArgs(args: readonly string[]): Options | string {
  let runs = 1000;
  let seed = Math.floor(Math.random() * 2 ** 31);
  let out = 'fuzz-out';
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = args[i + 1];
    if (flag !== '--runs' && flag !== '--seed' && flag !== '--out') return `unknown option ${flag}`;
    if (value === undefined) return `${flag} needs a value`;
    i++;
    if (flag === '--out') out = value;
    else {
      const n = Number(value);
      if (flag === '--runs' && !(Number.isInteger(n) && n >= 1))
        return `--runs must be a positive integer, got "${value}"`;
      if (!Number.isInteger(n)) return `--seed must be an integer, got "${value}"`;
      if (flag === '--runs') runs = n;
      else seed = n;
    }
  }
  return { runs, seed, out };
}

/**
 * `--check`: a folder that does not exist holds no counterexamples (a fuzz run writes its
 * `--out` folder only when a property fails), which is said as such and is not a failure; a
 * missing `.json` file is.
 */
async function check(paths: readonly string[], io: CliIo): Promise<number> {
  const present: string[] = [];
  let missingFiles = 0;
  for (const path of paths) {
    const full = resolve(io.cwd, path);
    if (existsSync(full)) present.push(full);
    else if (path.endsWith('.json')) {
      missingFiles++;
      io.stdout.write(`FAIL ${path}\n  no such file\n`);
    } else {
      io.stdout.write(
        `${path}: no counterexamples (the folder does not exist: a clean fuzz run writes none)\n`,
      );
    }
  }
  const loaded = present.length === 0 ? [] : await loadScenarios(present);
  if (loaded.length === 0 && missingFiles === 0) {
    io.stdout.write('no counterexamples to check\n0 passed, 0 failed\n');
    return 0;
  }
  let failed = missingFiles;
  for (const item of loaded) {
    if (item.scenario === undefined) {
      failed++;
      io.stdout.write(`FAIL ${item.file}\n  ${item.error}\n`);
      continue;
    }
    const { violations } = await checkScenario(item.scenario);
    if (violations.length > 0) failed++;
    io.stdout.write(`${violations.length === 0 ? 'ok  ' : 'FAIL'} ${item.scenario.name}\n`);
    for (const v of violations) io.stdout.write(`  ${v.invariant}: ${v.message}\n`);
  }
  io.stdout.write(`${loaded.length + missingFiles - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

export const command: Command = {
  summary: 'generate calls and check the engine invariants (property-based)',
  async run(args, io) {
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (args[0] === '--check') {
      const paths = args.slice(1);
      if (paths.length === 0) {
        io.stderr.write(`rcml fuzz: --check needs files or folders\n${USAGE}`);
        return 2;
      }
      return check(paths, io);
    }
    const options = parseArgs(args);
    if (typeof options === 'string') {
      io.stderr.write(`rcml fuzz: ${options}\n${USAGE}`);
      return 2;
    }
    const display = createProgressDisplay(io.stderr);
    const report = await fuzz({
      runs: options.runs,
      seed: options.seed,
      out: resolve(io.cwd, options.out),
      onProgress: (p) => display.update(p),
    });
    display.done();
    io.stdout.write(formatFuzzReport(report, io.cwd));
    return report.failingRuns === 0 ? 0 : 1;
  },
};
