#!/usr/bin/env node
// The long fuzz run, kept out of the test command: many generated calls over several seeds
// through the built `rcml fuzz`. Builds first (through scripts/run.mjs), then runs one seed
// after the other so each summary names the seed to rerun; exits 1 if any seed found a
// violation (counterexamples in --out, one subfolder per seed).
//
//   node scripts/fuzz-long.mjs [--runs 20000] [--seeds 1,2,3,4,5] [--out fuzz-out/long]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
function option(name, fallback) {
  const i = args.indexOf(name);
  return i === -1 || args[i + 1] === undefined ? fallback : args[i + 1];
}
const runs = option('--runs', '20000');
const seeds = option('--seeds', '1,2,3,4,5')
  .split(',')
  .filter((s) => s !== '');
const out = option('--out', 'fuzz-out/long');

const build = spawnSync(process.execPath, [join(root, 'scripts', 'run.mjs'), 'build'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
const failed = [];
for (const seed of seeds) {
  console.error(`> rcml fuzz --runs ${runs} --seed ${seed}`);
  const r = spawnSync(
    process.execPath,
    [cli, 'fuzz', '--runs', runs, '--seed', seed, '--out', join(out, `seed-${seed}`)],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) failed.push(seed);
}
if (failed.length > 0) {
  console.error(`violations found with seed(s) ${failed.join(', ')}; counterexamples under ${out}`);
  process.exit(1);
}
console.error(`${seeds.length} seed(s) x ${runs} runs: no violation`);
