/**
 * Media streams under load (not part of the test suite): `N` simultaneous inbound calls
 * (default 50) each run `<Connect><Stream>` to a local echo agent (a worker thread) for
 * `seconds` (default 10), on the simulated driver in real time (system clock) with the real
 * WebSocket client of @rcml/webhook. Every frame the engine sends is timed at the agent; the
 * result is the share of frames more than 40 ms late (and the percentiles of lateness), with
 * the agent echoing every frame back so that the engine also plays 50 frames a second per call.
 *
 *   npm run bench:streams -- [--calls 50] [--seconds 10]
 */

import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createEngine, type HttpPort, systemClock } from '@rcml/core';
import { createSimulatedDriver } from '@rcml/driver';
import { createStreamPort } from '@rcml/webhook';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? undefined : Number(process.argv[i + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

const calls = arg('calls', 50);
const seconds = arg('seconds', 10);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function main(): Promise<void> {
  const worker = new Worker(new URL('./streamsAgent.js', import.meta.url), { workerData: { seconds } });
  const port = await new Promise<number>((resolve) =>
    worker.once('message', (m: { port: number }) => resolve(m.port)),
  );
  const document = `<Response><Connect><Stream url="ws://127.0.0.1:${port}/media"/></Connect></Response>`;
  const http: HttpPort = {
    send: () => Promise.resolve({ status: 200, contentType: 'text/xml', location: null, body: document }),
  };
  const driver = createSimulatedDriver({ clock: systemClock });
  const engine = createEngine({ driver, http, clock: systemClock, streams: createStreamPort() });
  let ended = 0;
  const allEnded = new Promise<void>((resolve) => {
    engine.subscribe((event) => {
      if (event.type === 'status' && event.status === 'completed' && ++ended === calls) resolve();
    });
  });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const load = loadavg()[0];
  const started = performance.now();
  const channels = [];
  for (let i = 0; i < calls; i++) {
    const call = driver.inbound({ from: `+1555000${String(i).padStart(4, '0')}`, to: '+15552223333' });
    channels.push(call.channel);
    engine.inbound({ From: call.to, To: '+15552223333', Url: 'http://app.test/voice' }, call.channel);
  }
  await allEnded;
  const elapsed = (performance.now() - started) / 1000;
  loop.disable();
  worker.postMessage({ done: true });
  const { lateness, streams } = await new Promise<{ lateness: number[]; streams: number }>((resolve) =>
    worker.once('message', resolve),
  );
  await worker.terminate();
  const sorted = [...lateness].sort((a, b) => a - b);
  const late = lateness.filter((l) => l > 40).length;
  const played = channels.reduce((n, c) => n + (c.mediaStreams[0]?.played.length ?? 0), 0);
  const result = {
    calls,
    seconds,
    streams,
    elapsedSeconds: Number(elapsed.toFixed(2)),
    framesReceived: lateness.length,
    framesExpected: calls * seconds * 50,
    framesPlayedToCallers: played,
    lateOver40ms: late,
    lateShare: Number((late / Math.max(1, lateness.length)).toFixed(5)),
    latenessMs: {
      p50: Number(percentile(sorted, 50).toFixed(2)),
      p99: Number(percentile(sorted, 99).toFixed(2)),
      p999: Number(percentile(sorted, 99.9).toFixed(2)),
      max: Number((sorted[sorted.length - 1] ?? Number.NaN).toFixed(2)),
    },
    engineEventLoopDelayMs: {
      p99: Number((loop.percentile(99) / 1e6).toFixed(2)),
      max: Number((loop.max / 1e6).toFixed(2)),
    },
    loadAverageAtStart: Number((load ?? 0).toFixed(2)),
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

await main();
