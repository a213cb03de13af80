import { fork } from 'node:child_process';
import { percentile, median } from './stats.js';
const dir = new URL('.', import.meta.url).pathname;
const recv = fork(`${dir}callbackReceiver.ts`, ['--rcml-callback-receiver']);
const ask = (c: any) => new Promise<any>((r) => { recv.once('message', r); recv.send(c); });
const { ports } = await ask({ type: 'start', destinations: 10 });
const origins = ports.map((p: number) => `http://127.0.0.1:${p}/cb`);
const workers = [0, 1].map(() => fork(`${dir}callbackLagWorker.ts`, ['--rcml-callback-lag-worker']));
const run = (w: any, load: any) => new Promise<void>((r) => { w.once('message', () => r()); w.send({ type: 'run', ...load }); });
const load = (side: number, round: number, durationMs: number) => ({ urls: origins.slice(side * 5, side * 5 + 5), callsPerSecondPerDestination: 40, durationMs, gapMs: 50, round });
await ask({ type: 'round', faults: { errorRate: 0, delayRate: 0, delayMs: 0, seed: 1 }, slow: [], slowDelayMs: 0 });
await Promise.all(workers.map((w, s) => run(w, load(s, 9000 + s, 1000))));
const mode = process.argv[2] ?? 'slow';
const inc: number[] = []; const poolSlow: number[] = []; const poolFast: number[] = [];
for (let i = 0; i < 12; i++) {
  const slowSide = i % 2;
  await ask({ type: 'round', faults: { errorRate: 0, delayRate: 0, delayMs: 0, seed: 1 }, slow: mode === 'none' ? [] : [slowSide * 5 + 4], slowDelayMs: 2000 });
  await Promise.all(workers.map((w, s) => run(w, load(s, 100 + i * 2 + s, 2000))));
  const { stats } = await ask({ type: 'stats' });
  const p = (side: number) => percentile(stats.lags.slice(side * 5, side * 5 + 4).flat(), 99);
  const a = p(slowSide), b = p(1 - slowSide);
  for (const v of stats.lags.slice(slowSide * 5, slowSide * 5 + 4).flat()) poolSlow.push(v);
  for (const v of stats.lags.slice((1 - slowSide) * 5, (1 - slowSide) * 5 + 4).flat()) poolFast.push(v);
  inc.push((a - b) / b * 100);
  console.log(i, 'slowSide', slowSide, a.toFixed(2), b.toFixed(2));
}
console.log(mode, 'median inc', median(inc).toFixed(1), 'pooled', percentile(poolSlow, 99).toFixed(3), percentile(poolFast, 99).toFixed(3), ((percentile(poolSlow, 99) / percentile(poolFast, 99) - 1) * 100).toFixed(1), 'p50', percentile(poolSlow, 50).toFixed(3), percentile(poolFast, 50).toFixed(3), 'n', poolSlow.length);
for (const w of workers) w.send({ type: 'stop' });
recv.send({ type: 'stop' });
