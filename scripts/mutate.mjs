#!/usr/bin/env node
// `npm run mutate`: StrykerJS over packages/core/src and packages/webhook/src (stryker.config.mjs),
// at low CPU priority, in two passes:
//   1. the dynamic mutants (code that runs after its module loaded: nearly all), with one module
//      graph per test run (fast); reports/mutation/index.html and mutation.json;
//   2. the static mutants (tables and the call machine's definition, built while a module loads),
//      each with every test in freshly loaded modules (slow); reports/mutation/static/.
// Then the per-file table of both (scripts/mutate-report.mjs). Reports are untracked.
//
//   npm run mutate                                          # everything (long: hours on 2 cores)
//   npm run mutate -- --files packages/core/src/verbs/gather.ts,packages/core/src/document/attributes.ts
//   npm run mutate -- --files packages/core/src/fetch/fetchDocument.ts:40-80   # a line range
//   npm run mutate -- --changed                             # the source files changed since HEAD
//   npm run mutate -- --concurrency 2 --files ...           # more test processes
//   npm run mutate -- --no-static                           # pass 1 only
//   npm run mutate -- --static-only [--from a.json,b.json]  # pass 2 only, on pass 1's report(s)
//   npm run mutate -- --static-sample 40 [--seed 7]         # pass 2 on 40 random lines only
//
// Other options are passed to `stryker run` as they are (e.g. --logLevel debug, --incremental).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MUTATED = /^packages\/(core|webhook)\/src\/.+\.ts$/;

function usage(message) {
  if (message) console.error(`mutate: ${message}`);
  console.error(
    'usage: npm run mutate -- [--files a.ts,b.ts[:from-to]] [--changed] [--no-static | --static-only [--from r.json,…]] [--static-sample N [--seed S]] [--concurrency N] [stryker options]',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const passed = [];
const files = [];
let noStatic = false;
let staticOnly = false;
const from = [];
let sample = null;
let seed = 1;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--help' || arg === '-h') usage();
  if (arg === '--files' || arg.startsWith('--files=')) {
    const value = arg === '--files' ? args[++i] : arg.slice('--files='.length);
    if (!value) usage('--files needs a comma-separated list of source files');
    files.push(
      ...value
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
    );
  } else if (arg === '--no-static') {
    noStatic = true;
  } else if (arg === '--static-only') {
    staticOnly = true;
  } else if (arg === '--static-sample' || arg === '--seed') {
    const value = Number(args[++i]);
    if (!Number.isInteger(value) || value < 1) usage(`${arg} needs a positive whole number`);
    if (arg === '--seed') seed = value;
    else sample = value;
  } else if (arg === '--from') {
    from.push(...(args[++i] ?? usage('--from needs report files')).split(',').map((f) => join(root, f)));
  } else if (arg === '--changed') {
    const diff = spawnSync('git', ['diff', '--name-only', 'HEAD'], { cwd: root, encoding: 'utf8' });
    if (diff.status !== 0) usage('--changed needs git');
    files.push(...diff.stdout.split('\n').filter((f) => MUTATED.test(f) && !f.endsWith('index.ts')));
    if (files.length === 0) {
      console.error('mutate: no changed source file under packages/core/src or packages/webhook/src');
      process.exit(0);
    }
  } else {
    passed.push(arg);
  }
}
for (const file of files) {
  const path = file.replace(/:\d+(-\d+)?$/, '');
  if (!existsSync(join(root, path))) usage(`no such file: ${path}`);
  if (!MUTATED.test(path)) usage(`${path} is not under packages/core/src or packages/webhook/src`);
}

const stryker = join(root, 'node_modules', '.bin', 'stryker');
const dynamicReport = join(root, 'reports/mutation/mutation.json');

/** One `stryker run` at low priority; its exit status. */
function runStryker(mutate, extra, env) {
  const command = [stryker, 'run', 'stryker.config.mjs', ...(mutate ? ['--mutate', mutate] : []), ...extra];
  const shown = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  console.error(`> ${shown}nice -n 10 ${command.map((c) => c.replace(`${root}/`, '')).join(' ')}`);
  const result = spawnSync('nice', ['-n', '10', ...command], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/**
 * The lines of the static mutants the dynamic pass left aside (Stryker's `--mutate` ranges:
 * `file:from-to`), adjacent lines joined. Whole lines: a dynamic mutant sharing a line with a
 * static one is tested again, with the same result.
 */
function staticRanges(reportPaths) {
  const ranges = [];
  for (const reportPath of reportPaths) ranges.push(...staticRangesOf(reportPath, sample !== null));
  if (sample === null || sample >= ranges.length) return ranges;
  // A seeded shuffle (mulberry32), so that a sample can be measured again.
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = ranges.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ranges[i], ranges[j]] = [ranges[j], ranges[i]];
  }
  console.error(
    `mutate: static pass on a sample of ${sample} of ${ranges.length} lines with static mutants (seed ${seed})`,
  );
  return ranges.slice(0, sample);
}

/** The static mutants' lines of one report: single lines (for sampling), or adjacent ones joined. */
function staticRangesOf(reportPath, singleLines) {
  let report;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8'));
  } catch {
    usage(
      `the static pass needs the dynamic pass's report ${relative(root, reportPath)} (run npm run mutate first)`,
    );
  }
  const ranges = [];
  for (const [name, file] of Object.entries(report.files)) {
    const lines = new Set();
    for (const mutant of file.mutants) {
      if (!mutant.static || mutant.status !== 'Ignored') continue;
      for (let line = mutant.location.start.line; line <= mutant.location.end.line; line++) lines.add(line);
    }
    const sorted = [...lines].sort((a, b) => a - b);
    const path = name.startsWith('/') ? relative(root, name) : name;
    for (let i = 0; i < sorted.length; ) {
      let j = i;
      while (!singleLines && j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      ranges.push(`${path}:${sorted[i]}-${sorted[j]}`);
      i = j + 1;
    }
  }
  return ranges;
}

// Pass 1: every mutant that runs after its module has loaded, with one shared module graph
// per test run (fast). Static mutants are left aside (Ignored) for pass 2.
if (!staticOnly) {
  const status = runStryker(files.join(','), ['--ignoreStatic', ...passed], {});
  if (status !== 0 || noStatic) process.exit(status);
}

// Pass 2: the static mutants (tables and constants built while a module loads), each with
// every test in freshly loaded modules (slow, so only these).
const ranges = staticRanges(from.length > 0 ? from : [dynamicReport]);
if (ranges.length === 0) {
  console.error('mutate: no static mutant to test');
} else {
  console.error(`mutate: static pass over ${ranges.length} line range(s)`);
  const status = runStryker(ranges.join(','), passed, {
    RCML_MUTATE_ISOLATE: '1',
    RCML_MUTATE_REPORTS: 'reports/mutation/static',
  });
  if (status !== 0) process.exit(status);
}
const summary = spawnSync(
  process.execPath,
  [
    join(root, 'scripts/mutate-report.mjs'),
    dynamicReport,
    join(root, 'reports/mutation/static/mutation.json'),
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(summary.status ?? 1);
