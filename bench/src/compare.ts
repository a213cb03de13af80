/**
 * B1 of this workspace's engine against another build of `@rcml/core` (e.g. the previous
 * commit's), in the same run: engine rounds alternate (this one first in even rounds), each
 * pair gives one ratio (this ÷ other calls/s), and the median with min / max is printed.
 *
 *   node bench/dist/compare.js /tmp/previous/packages/core/dist/index.js [--quick]
 *
 * Used to check that a change of the engine keeps B1 within bounds (docs/benchmarks.md).
 */
import { pathToFileURL } from 'node:url';
import type { createEngine } from '@rcml/core';
import { startAppServer } from './appServer.js';
import { engineRound } from './b1.js';
import { callParams, createHarness } from './harness.js';
import { summarize } from './stats.js';

const [otherPath, ...flags] = process.argv.slice(2);
if (otherPath === undefined) {
  process.stderr.write('usage: node bench/dist/compare.js <other core dist/index.js> [--quick]\n');
  process.exit(2);
}
const quick = flags.includes('--quick');
const other = (await import(pathToFileURL(otherPath).href)) as { createEngine: typeof createEngine };
const server = await startAppServer();
const limits = { maxCallsPerSecond: 100_000, maxConcurrentCalls: 100_000 };
const concurrency = 50;
const rounds = quick ? 7 : 11;
const roundMs = quick ? 700 : 2_000;
try {
  for (const [name, document] of [
    ['small', 'small'],
    ['realistic', 'realistic'],
  ] as const) {
    for (const allEvents of [false, true]) {
      const params = callParams(server.origin, document, allEvents);
      const mine = createHarness({ origin: server.origin, connections: concurrency, limits });
      const theirs = createHarness({
        origin: server.origin,
        connections: concurrency,
        limits,
        createEngine: other.createEngine,
      });
      await engineRound(mine, params, concurrency, roundMs);
      await engineRound(theirs, params, concurrency, roundMs);
      const ratios: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const first = i % 2 === 0 ? mine : theirs;
        const second = i % 2 === 0 ? theirs : mine;
        const a = await engineRound(first, params, concurrency, roundMs);
        const b = await engineRound(second, params, concurrency, roundMs);
        const [m, t] = i % 2 === 0 ? [a, b] : [b, a];
        ratios.push(m.rate / t.rate);
        cpu.push(m.cpuUs / m.units / (t.cpuUs / t.units));
      }
      if (mine.failures() + theirs.failures() > 0) throw new Error('requests failed');
      await mine.close();
      await theirs.close();
      const s = summarize(ratios);
      const c = summarize(cpu);
      process.stdout.write(
        `B1${allEvents ? 'b' : 'a'} ${name}: calls/s this ÷ other median ${s.median.toFixed(3)} (min ${s.min.toFixed(3)}, max ${s.max.toFixed(3)}, ${s.rounds} rounds); CPU per call this ÷ other median ${c.median.toFixed(3)}\n`,
      );
    }
  }
} finally {
  await server.close();
}
