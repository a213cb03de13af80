#!/usr/bin/env node
// `npm run mutate:report`: the mutation score per file from one or more Stryker JSON reports
// (`reports/mutation/mutation.json`, or the per-folder reports of `npm run mutate -- --by-folder`),
// merged (a file's latest report wins), as a Markdown table; `--survivors` lists each surviving
// mutant with the code it changed, for writing the test that kills it.
//
//   npm run mutate:report                                   # reports/mutation/mutation.json
//   npm run mutate:report -- reports/mutation/folders/*.json
//   npm run mutate:report -- --survivors [--under packages/core/src/call] [reports…]
//   npm run mutate:report -- --survivors --json   # one JSON line each, in the registry's shape
//   npm run mutate:report -- --interval     # a sampled run (--sample-lines): 95 % interval
//
// Score: (killed + timed out) / (killed + timed out + survived + no coverage). Ignored mutants
// (`// Stryker disable … : reason` comments on equivalent mutants, static mutants under
// `--ignoreStatic`), compile errors and runtime errors are left out, as Stryker does, and so
// are the equivalent mutants of test/mutation/equivalent-mutants.json (scripts/lib/equivalents.mjs).
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  EQUIVALENTS_FILE,
  loadEquivalents,
  matches,
  measuredLines,
  onMeasuredLine,
  originalCode,
} from './lib/equivalents.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function usage(message) {
  if (message) console.error(`mutate:report: ${message}`);
  console.error(
    'usage: npm run mutate:report -- [--survivors [--json]] [--interval] [--under <folder>] [report.json ...]',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const reports = [];
let survivors = false;
let under = '';
let interval = false;
let json = false;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--help' || arg === '-h') usage();
  else if (arg === '--survivors') survivors = true;
  else if (arg === '--interval') interval = true;
  else if (arg === '--json') json = true;
  else if (arg === '--under') under = args[++i] ?? usage('--under needs a folder');
  else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
  else reports.push(arg);
}
if (reports.length === 0) reports.push(join(root, 'reports/mutation/mutation.json'));

/**
 * The files of all the reports, oldest report first (by the report file's time), merged mutant
 * by mutant: a newer report's result replaces an older one for the same mutant (same place,
 * mutator and replacement), unless it is only Ignored (a static mutant the dynamic pass left
 * to the static pass). A file whose source changed between reports is taken whole from the
 * newer report.
 */
function mergedFiles(paths) {
  const loaded = paths.flatMap((path) => {
    let text;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      if (paths.length > 1 && path.endsWith('static/mutation.json')) return [];
      return usage(`cannot read ${path} (run npm run mutate first)`);
    }
    try {
      return [{ time: statSync(path).mtimeMs, report: JSON.parse(text) }];
    } catch (error) {
      return usage(`${path} is not a JSON report: ${error.message}`);
    }
  });
  loaded.sort((a, b) => a.time - b.time);
  const files = new Map();
  const key = (m) =>
    `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column} ${m.mutatorName} ${m.replacement}`;
  for (const { report } of loaded) {
    for (const [name, file] of Object.entries(report.files ?? {})) {
      const path = name.startsWith('/') ? relative(root, name) : name;
      const known = files.get(path);
      if (known === undefined || known.source !== file.source) {
        files.set(path, { source: file.source, mutants: new Map(file.mutants.map((m) => [key(m), m])) });
        continue;
      }
      for (const mutant of file.mutants) {
        if (mutant.status === 'Ignored' && known.mutants.has(key(mutant))) continue;
        known.mutants.set(key(mutant), mutant);
      }
    }
  }
  return new Map(
    [...files].map(([path, file]) => [path, { source: file.source, mutants: [...file.mutants.values()] }]),
  );
}

const COUNTED = ['Killed', 'Timeout', 'Survived', 'NoCoverage'];

function tally(mutants) {
  const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, Equivalent: 0, other: 0 };
  for (const mutant of mutants) {
    if (mutant.status in count) count[mutant.status]++;
    else count.other++;
  }
  const measured = COUNTED.reduce((sum, status) => sum + count[status], 0);
  const detected = count.Killed + count.Timeout;
  return { ...count, measured, detected, score: measured === 0 ? null : (100 * detected) / measured };
}

const percent = (score) => (score === null ? 'n/a' : `${score.toFixed(1)} %`);

const files = [...mergedFiles(reports)]
  .filter(([name]) => name.startsWith(under))
  .sort(([a], [b]) => (a < b ? -1 : 1));
if (files.length === 0) usage(under ? `no file under ${under} in the reports` : 'the reports hold no file');

// Survivors the registry of equivalent mutants names are left out of the score, like
// Stryker's ignored ones; an entry that names no mutant of a measured line is reported stale.
let equivalents;
try {
  equivalents = loadEquivalents(root);
} catch (error) {
  usage(error.message);
}
const used = new Set();
for (const [name, file] of files) {
  for (const mutant of file.mutants) {
    if (mutant.status !== 'Survived' && mutant.status !== 'NoCoverage') continue;
    const entry = equivalents.find((e) => matches(e, name, file.source, mutant));
    if (entry === undefined) continue;
    mutant.status = 'Equivalent';
    used.add(entry);
  }
}
// Only lines the reports measured count: a sample or a line range leaves the others out.
const measured = new Map(files.map(([name, file]) => [name, measuredLines(file.source, file.mutants)]));
for (const entry of equivalents) {
  const lines = measured.get(entry.file);
  if (lines !== undefined && onMeasuredLine(entry, lines) && !used.has(entry)) {
    console.error(
      `mutate:report: stale entry of ${EQUIVALENTS_FILE} (no such survivor): ${entry.file}: ${entry.line}`,
    );
  }
}

if (survivors) {
  for (const [name, file] of files) {
    const left = file.mutants
      .filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
      .sort(
        (a, b) =>
          a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column,
      );
    for (const m of left) {
      if (json) {
        // An entry for test/mutation/equivalent-mutants.json, once its reason is written.
        const line = file.source.split('\n')[m.location.start.line - 1].trim();
        const original = originalCode(file.source, m.location);
        const entry = {
          file: name,
          line,
          mutator: m.mutatorName,
          original,
          replacement: m.replacement ?? '',
          reason: '',
        };
        console.log(
          JSON.stringify({ at: `${name}:${m.location.start.line}:${m.location.start.column}`, ...entry }),
        );
        continue;
      }
      const original = originalCode(file.source, m.location).replace(/\s+/g, ' ').slice(0, 80);
      const replacement = (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80);
      const status = m.status === 'NoCoverage' ? ' [no coverage]' : '';
      console.log(
        `${name}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}${status}: ${original} → ${replacement}`,
      );
    }
  }
  process.exit(0);
}

const rows = files.map(([name, file]) => ({ name, ...tally(file.mutants) }));
const total = tally(files.flatMap(([, file]) => file.mutants));
console.log(
  '| file | mutants | killed | timed out | survived | no coverage | ignored | equivalent | score |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const row of [...rows, { name: '**all**', ...total }]) {
  const name = row.name.startsWith('**') ? row.name : `\`${row.name.replace(/^packages\/core\/src\//, '')}\``;
  console.log(
    `| ${name} | ${row.measured} | ${row.Killed} | ${row.Timeout} | ${row.Survived} | ${row.NoCoverage} | ${row.Ignored} | ${row.Equivalent} | ${percent(row.score)} |`,
  );
}

// --interval: the reports measured a random sample of lines (npm run mutate -- --sample-lines);
// a 95 % interval for the whole's score, lines taken as clusters (ratio estimator).
if (interval) {
  const lines = new Map();
  for (const [name, file] of files) {
    for (const mutant of file.mutants) {
      if (!COUNTED.includes(mutant.status)) continue;
      const key = `${name}:${mutant.location.start.line}`;
      const line = lines.get(key) ?? { measured: 0, detected: 0 };
      line.measured++;
      if (mutant.status === 'Killed' || mutant.status === 'Timeout') line.detected++;
      lines.set(key, line);
    }
  }
  const n = lines.size;
  if (n < 2) {
    console.log('\nToo few measured lines for an interval.');
  } else {
    const all = [...lines.values()];
    const m = all.reduce((sum, l) => sum + l.measured, 0);
    const k = all.reduce((sum, l) => sum + l.detected, 0);
    const r = k / m;
    const s2 = all.reduce((sum, l) => sum + (l.detected - r * l.measured) ** 2, 0) / (n - 1);
    const se = Math.sqrt(s2 / n) / (m / n);
    const low = Math.max(0, r - 1.96 * se);
    const high = Math.min(1, r + 1.96 * se);
    console.log(
      `\nSample: ${m} mutants on ${n} lines; score ${(100 * r).toFixed(1)} %, 95 % interval ${(100 * low).toFixed(1)}–${(100 * high).toFixed(1)} %.`,
    );
  }
}
