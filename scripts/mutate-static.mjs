#!/usr/bin/env node
// The static pass of `npm run mutate` (docs/testing.md, "Mutation testing"): the mutants that
// Stryker's dynamic pass set aside as static (code that runs while its module loads: code
// tables, the call machine's definition). Stryker would test each of them with every test in
// freshly loaded modules, about two minutes each here; this script instead writes each mutant
// (its place and replacement, from the dynamic pass's JSON report) into a private copy of the
// repository and runs the mutation test set once in a fresh process, stopping at the first
// failing test. A seeded sample (`--sample N`) keeps the run short on the whole core.
//
//   node scripts/mutate-static.mjs --from reports/mutation/mutation.json [--sample 60] [--seed 1]
//
// Writes reports/mutation/static/mutation.json (the report schema's fields that
// scripts/mutate-report.mjs reads), which `npm run mutate:report` merges over the dynamic
// pass's report. Exit status 0, or 2 on misuse.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePrivateCopy, removePrivateCopy, runCopyTests } from './lib/privateCopy.mjs';
import { seededShuffle } from './lib/seededShuffle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function usage(message) {
  if (message) console.error(`mutate-static: ${message}`);
  console.error('usage: node scripts/mutate-static.mjs --from a.json[,b.json] [--sample N] [--seed S]');
  process.exit(2);
}

const args = process.argv.slice(2);
const from = [];
let sample = null;
let seed = 1;
let out = join(root, 'reports/mutation/static/mutation.json');
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--from') from.push(...(args[++i] ?? usage('--from needs report files')).split(','));
  else if (arg === '--out') out = args[++i] ?? usage('--out needs a file');
  else if (arg === '--sample' || arg === '--seed') {
    const value = Number(args[++i]);
    if (!Number.isInteger(value) || value < 1) usage(`${arg} needs a positive whole number`);
    if (arg === '--seed') seed = value;
    else sample = value;
  } else usage(`unknown option ${arg}`);
}
if (from.length === 0) usage('--from names the dynamic pass report(s)');

/** Static mutants set aside (Ignored) in the reports, with their file's source. */
function staticMutants() {
  const found = [];
  for (const path of from) {
    let report;
    try {
      report = JSON.parse(readFileSync(join(root, path), 'utf8'));
    } catch (error) {
      usage(`cannot read the report ${path}: ${error.message}`);
    }
    for (const [name, file] of Object.entries(report.files)) {
      const fileName = name.startsWith('/') ? relative(root, name) : name;
      let current;
      try {
        current = readFileSync(join(root, fileName), 'utf8');
      } catch {
        current = null;
      }
      const statics = file.mutants.filter((m) => m.static && m.status === 'Ignored');
      if (statics.length === 0) continue;
      if (current !== file.source) {
        console.error(`mutate-static: ${fileName} changed since ${path}; run the dynamic pass on it again`);
        continue;
      }
      for (const mutant of statics) found.push({ fileName, source: file.source, mutant });
    }
  }
  return found;
}

/** The source with the mutant's range (1-based lines and columns, end exclusive) replaced. */
function applied(source, { location, replacement }) {
  const lines = source.split('\n');
  const offset = ({ line, column }) =>
    lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0) + column - 1;
  return source.slice(0, offset(location.start)) + replacement + source.slice(offset(location.end));
}

const all = staticMutants();
const chosen = sample === null ? all : seededShuffle(all, seed).slice(0, sample);
if (chosen.length === 0) {
  console.error('mutate-static: no static mutant in the reports');
  process.exit(0);
}
console.error(
  `mutate-static: ${chosen.length} of ${all.length} static mutants${sample === null ? '' : ` (a sample, seed ${seed})`}`,
);

const work = makePrivateCopy(root, 'static');
const files = {};
let code = 0;
try {
  process.stderr.write('mutate-static: checking the tests pass unchanged... ');
  const baseline = runCopyTests(root, work);
  if (!baseline.passed) {
    console.error(`they fail: fix them first\n${baseline.output.slice(-3000)}`);
    code = 2;
  } else {
    console.error('ok');
    const started = Date.now();
    for (const [n, { fileName, source, mutant }] of chosen.entries()) {
      writeFileSync(join(work, fileName), applied(source, mutant));
      const run = runCopyTests(root, work);
      writeFileSync(join(work, fileName), source);
      const status = run.timedOut ? 'Timeout' : run.passed ? 'Survived' : 'Killed';
      files[fileName] ??= { language: 'typescript', source, mutants: [] };
      files[fileName].mutants.push({ ...mutant, status });
      const { line, column } = mutant.location.start;
      const left = Math.round((((Date.now() - started) / (n + 1)) * (chosen.length - n - 1)) / 60_000);
      console.error(
        `[${n + 1}/${chosen.length}, ~${left} min left] ${status.padEnd(8)} ${fileName}:${line}:${column} ${mutant.mutatorName} → ${mutant.replacement.slice(0, 40)}`,
      );
    }
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(
      out,
      JSON.stringify({
        schemaVersion: '2',
        thresholds: { high: 90, low: 80 },
        files,
        sample: { of: all.length, seed },
      }),
    );
    const measured = Object.values(files).flatMap((f) => f.mutants);
    const detected = measured.filter((m) => m.status !== 'Survived').length;
    console.log(
      `mutate-static: ${detected}/${measured.length} killed (${((100 * detected) / measured.length).toFixed(1)} %); report ${relative(root, out)}`,
    );
  }
} finally {
  removePrivateCopy(work);
}
process.exit(code);
