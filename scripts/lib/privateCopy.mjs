// A private copy of the repository for running the tests against a mutated source
// (scripts/mutate-numbers.mjs, scripts/mutate-static.mjs): the sources and tests copied,
// node_modules linked (the aliases of vitest.stryker.config.ts point every workspace package
// at the copy). The working tree is never touched.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set(['node_modules', '.git', 'dist', 'out', 'fuzz-out', 'reports', 'coverage', '.scratch']);

/** Copies `root` into `<root>/.stryker-tmp/<name>-<pid>`; returns the copy's path. */
export function makePrivateCopy(root, name) {
  const work = join(root, '.stryker-tmp', `${name}-${process.pid}`);
  mkdirSync(work, { recursive: true });
  for (const entry of readdirSync(root)) {
    if (SKIP.has(entry) || entry.startsWith('.stryker-tmp')) continue;
    cpSync(join(root, entry), join(work, entry), {
      recursive: true,
      filter: (from) => {
        const base = from.split('/').at(-1);
        return from === join(root, entry) || !(SKIP.has(base) || base.startsWith('.stryker-tmp'));
      },
    });
  }
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const modules = join(root, 'packages', pkg, 'node_modules');
    if (existsSync(modules)) symlinkSync(modules, join(work, 'packages', pkg, 'node_modules'));
  }
  return work;
}

export function removePrivateCopy(work) {
  rmSync(work, { recursive: true, force: true });
}

/**
 * Runs the mutation test set (vitest.stryker.config.ts, or `tests`) in the copy, in a fresh
 * process at low priority, stopping at the first failure. `passed`: every test passed;
 * `timedOut`: it ran past `timeoutMs` (a mutant that made a test hang); `output`: what vitest
 * printed.
 */
export function runCopyTests(root, work, tests = [], timeoutMs = 300_000) {
  const vitest = join(root, 'node_modules', '.bin', 'vitest');
  const r = spawnSync(
    'nice',
    ['-n', '10', vitest, 'run', '--config', 'vitest.stryker.config.ts', '--bail', '1', ...tests],
    { cwd: work, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: timeoutMs },
  );
  const timedOut = r.error?.code === 'ETIMEDOUT';
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return { passed: r.status === 0 && !timedOut, timedOut, output };
}
