#!/usr/bin/env node
// `npm run mutate`: StrykerJS over packages/core/src and packages/webhook/src (stryker.config.mjs),
// at low CPU priority, in two passes:
//   1. the dynamic mutants (code that runs after its module loaded: nearly all), with one module
//      graph per test run (fast); reports/mutation/index.html and mutation.json;
//   2. the static mutants (tables and the call machine's definition, built while a module loads),
//      each written into a private copy and tested in a fresh process (scripts/mutate-static.mjs,
//      slow: --static-sample N tests a seeded sample); reports/mutation/static/.
// Then the per-file table of both (scripts/mutate-report.mjs). Reports are untracked.
//
//   npm run mutate                                          # everything (long: hours on 2 cores)
//   npm run mutate -- --files packages/core/src/verbs/gather.ts,packages/core/src/document/attributes.ts
//   npm run mutate -- --files packages/core/src/fetch/fetchDocument.ts:40-80   # a line range
//   npm run mutate -- --files packages/core/src/call                 # a folder's source files
//   npm run mutate -- --changed                             # the source files changed since HEAD
//   npm run mutate -- --concurrency 2 --files ...           # more test processes
//   npm run mutate -- --no-static                           # pass 1 only
//   npm run mutate -- --static-only [--from a.json,b.json]  # pass 2 only, on pass 1's report(s)
//   npm run mutate -- --static-sample 40 [--seed 7]         # pass 2 on 40 random static mutants
//   npm run mutate -- --sample-lines 300 [--seed 7]         # 300 random code lines: an estimate
//
// Other options are passed to `stryker run` as they are (e.g. --logLevel debug, --incremental).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededShuffle } from './lib/seededShuffle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MUTATED = /^packages\/(core|webhook)\/src\/.+\.ts$/;

function usage(message) {
  if (message) console.error(`mutate: ${message}`);
  console.error(
    'usage: npm run mutate -- [--files a.ts,b.ts[:from-to]] [--changed] [--no-static | --static-only [--from r.json,…]] [--static-sample N] [--sample-lines N] [--seed S] [--concurrency N] [stryker options]',
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
let sampleLines = null;
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
  } else if (arg === '--static-sample' || arg === '--seed' || arg === '--sample-lines') {
    const value = Number(args[++i]);
    if (!Number.isInteger(value) || value < 1) usage(`${arg} needs a positive whole number`);
    if (arg === '--seed') seed = value;
    else if (arg === '--sample-lines') sampleLines = value;
    else sample = value;
  } else if (arg === '--from') {
    from.push(...(args[++i] ?? usage('--from needs report files')).split(','));
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
// A folder stands for its source files (barrels and type-only modules aside).
files.splice(
  0,
  files.length,
  ...files.flatMap((file) => {
    const folder = join(root, file.replace(/\/$/, ''));
    return existsSync(folder) && statSync(folder).isDirectory()
      ? mutatedFiles(file.replace(/\/$/, ''))
      : [file];
  }),
);
for (const file of files) {
  const path = file.replace(/:\d+(-\d+)?$/, '');
  if (!existsSync(join(root, path))) usage(`no such file: ${path}`);
  if (!MUTATED.test(path)) usage(`${path} is not under packages/core/src or packages/webhook/src`);
}

// --sample-lines N: a seeded random sample of N code lines of the files (all of them by
// default), each mutated as Stryker would; the score of the sample estimates the whole's.
if (sampleLines !== null) {
  const candidates = files.length > 0 ? files.map((f) => f.replace(/:\d+(-\d+)?$/, '')) : mutatedFiles();
  const lines = candidates.flatMap((file) =>
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .map((text, index) => ({ file, line: index + 1, text: text.trim() }))
      .filter(({ text }) => text !== '' && !/^(\/\/|\/\*|\*|import |export type |export \{)/.test(text)),
  );
  const chosen = seededShuffle(lines, seed).slice(0, sampleLines);
  console.error(`mutate: a sample of ${chosen.length} of ${lines.length} code lines (seed ${seed})`);
  files.splice(0, files.length, ...chosen.map(({ file, line }) => `${file}:${line}-${line}`));
  sample ??= 40;
}

/** The files Stryker mutates by default (stryker.config.mjs's `mutate`). */
function mutatedFiles(...folders) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (MUTATED.test(path) && !/(\/index|\/ports|engine\/types|verbs\/types)\.ts$/.test(path))
        found.push(path);
    }
  };
  for (const folder of folders.length > 0 ? folders : ['packages/core/src', 'packages/webhook/src'])
    walk(folder);
  return found.sort();
}

const stryker = join(root, 'node_modules', '.bin', 'stryker');
// RCML_MUTATE_REPORTS (stryker.config.mjs) moves both passes' reports, for runs side by side.
const reportsFolder = join(root, process.env.RCML_MUTATE_REPORTS ?? 'reports/mutation');
const dynamicReport = join(reportsFolder, 'mutation.json');
const staticReport = join(reportsFolder, 'static', 'mutation.json');

/** One `stryker run` at low priority; its exit status. */
function runStryker(mutate, extra, env) {
  const command = [stryker, 'run', 'stryker.config.mjs', ...(mutate ? ['--mutate', mutate] : []), ...extra];
  const shown = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  // A sample's --mutate lists hundreds of line ranges: show how many instead.
  const printed = command.map((c) =>
    c === mutate && mutate.length > 200
      ? `<${mutate.split(',').length} files or line ranges>`
      : c.replace(`${root}/`, ''),
  );
  console.error(`> ${shown}nice -n 10 ${printed.join(' ')}`);
  const result = spawnSync('nice', ['-n', '10', ...command], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

// Pass 1: every mutant that runs after its module has loaded, with one shared module graph
// per test run (fast). Static mutants are left aside (Ignored) for pass 2.
if (!staticOnly) {
  const status = runStryker(files.join(','), ['--ignoreStatic', ...passed], {});
  if (status !== 0 || noStatic) process.exit(status);
}

// Pass 2: the static mutants (tables and constants built while a module loads), each written
// into a private copy and tested in a fresh process (scripts/mutate-static.mjs).
const reportsOfPass1 = from.length > 0 ? from : [relative(root, dynamicReport)];
const staticPass = spawnSync(
  'nice',
  [
    '-n',
    '10',
    process.execPath,
    join(root, 'scripts/mutate-static.mjs'),
    '--from',
    reportsOfPass1.join(','),
    '--out',
    staticReport,
    ...(sample === null ? [] : ['--sample', String(sample), '--seed', String(seed)]),
  ],
  { cwd: root, stdio: 'inherit' },
);
if (staticPass.status !== 0) process.exit(staticPass.status ?? 1);
const summary = spawnSync(
  process.execPath,
  [
    join(root, 'scripts/mutate-report.mjs'),
    ...reportsOfPass1.map((r) => join(root, r)),
    staticReport,
    ...(sampleLines === null ? [] : ['--interval']),
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(summary.status ?? 1);
