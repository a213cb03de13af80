#!/usr/bin/env node
// The one entry point behind the README's commands. On a machine with only Node.js and npm
// it installs the workspace (pnpm through npx, pinned), builds it with `tsc -b`, then runs
// the task. Each step is skipped when it is already up to date, so repeated runs are quick.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = ['-y', 'pnpm@12.4.2'];
const [task = 'test', ...rest] = process.argv.slice(2);
const quiet = task === 'rcml';

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}
function step(label, cmd, args) {
  if (!quiet) console.error(`> ${label}`);
  const status = run(cmd, args, quiet ? { stdio: ['inherit', 'ignore', 'inherit'] } : {});
  if (status !== 0) {
    console.error(`${label} failed (exit ${status})`);
    process.exit(status);
  }
}
function mtime(p) {
  return existsSync(p) ? statSync(p).mtimeMs : 0;
}
const bin = (name) => join(root, 'node_modules', '.bin', name);

// 1. Install, when node_modules is missing or older than the lockfile.
const marker = join(root, 'node_modules', '.modules.yaml');
if (mtime(marker) < mtime(join(root, 'pnpm-lock.yaml'))) {
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  step('install (pnpm)', 'npx', [...PNPM, 'install', ...frozen]);
}
// 2. Build every package (incremental).
step('build (tsc -b)', bin('tsc'), ['-b']);

const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
switch (task) {
  case 'build':
    break;
  case 'test':
    step('typecheck tests (tsc)', bin('tsc'), ['-p', 'tsconfig.test.json']);
    step('lint (biome)', bin('biome'), ['ci', '.']);
    // The API reference: every export documented, every {@link} resolved (typedoc.json).
    step('API reference check (typedoc)', bin('typedoc'), ['--emit', 'none']);
    step('test (vitest)', bin('vitest'), ['run', ...rest]);
    break;
  case 'docs':
    // The API reference as HTML in out/api/ (untracked).
    step('API reference (typedoc)', bin('typedoc'), []);
    console.error(`open ${join(root, 'out', 'api', 'index.html')}`);
    break;
  case 'start':
    process.exit(run(process.execPath, [cli, 'demo', ...rest]));
    break;
  case 'rcml':
    process.exit(run(process.execPath, [cli, ...rest]));
    break;
  case 'bench':
    process.exit(run(process.execPath, [join(root, 'bench', 'dist', 'run.js'), ...rest]));
    break;
  default:
    console.error(`unknown task "${task}" (expected test, start, rcml, bench, build, docs)`);
    process.exit(2);
}
