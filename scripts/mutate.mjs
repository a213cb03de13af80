#!/usr/bin/env node
// `npm run mutate`: StrykerJS over packages/core/src and packages/webhook/src (stryker.config.mjs),
// at low CPU priority. Reports: reports/mutation/index.html and mutation.json (untracked).
//
//   npm run mutate                                          # everything (long: hours on 2 cores)
//   npm run mutate -- --files packages/core/src/verbs/gather.ts,packages/core/src/document/attributes.ts
//   npm run mutate -- --files packages/core/src/fetch/fetchDocument.ts:40-80   # a line range
//   npm run mutate -- --changed                             # the source files changed since HEAD
//   npm run mutate -- --concurrency 2 --files ...           # more test processes
//
// Other options are passed to `stryker run` as they are (e.g. --logLevel debug, --incremental).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MUTATED = /^packages\/(core|webhook)\/src\/.+\.ts$/;

function usage(message) {
  if (message) console.error(`mutate: ${message}`);
  console.error(
    'usage: npm run mutate -- [--files a.ts,b.ts[:from-to]] [--changed] [--concurrency N] [stryker options]',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const passed = [];
const files = [];
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
const command = [
  stryker,
  'run',
  'stryker.config.mjs',
  ...(files.length > 0 ? ['--mutate', files.join(',')] : []),
  ...passed,
];
console.error(`> nice -n 10 ${command.map((c) => c.replace(`${root}/`, '')).join(' ')}`);
const result = spawnSync('nice', ['-n', '10', ...command], { cwd: root, stdio: 'inherit' });
if (result.error) throw result.error;
process.exit(result.status ?? 1);
