/**
 * The engine's own CPU per call, this workspace's build against another build of
 * `@rcml/core`, in one process: calls run through each engine in turn (alternating blocks,
 * this one first in even rounds) with the zero-latency driver and an in-memory application
 * (no sockets), and each round gives a ratio of CPU µs per call. The HTTP work B1 also counts
 * is left out, so this ratio is the engine's change undiluted (B1 moves by less).
 *
 *   node bench/dist/compareCpu.js /tmp/previous/packages/core/dist/index.js [--calls N] [--rounds N]
 */
import { pathToFileURL } from 'node:url';
import type { createEngine, HttpPort } from '@rcml/core';
import { B1_SMALL, realisticDocument } from './documents.js';
import { summarize } from './stats.js';
import { createZeroLatencyDriver } from './zeroLatencyDriver.js';

type Factory = typeof createEngine;

const args = process.argv.slice(2);
const otherPath = args[0];
if (otherPath === undefined) {
  process.stderr.write(
    'usage: node bench/dist/compareCpu.js <other core dist/index.js> [--calls N] [--rounds N]\n',
  );
  process.exit(2);
}
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : Number(args[i + 1]);
};
const calls = flag('--calls', 3000);
const rounds = flag('--rounds', 9);
const other = (await import(pathToFileURL(otherPath).href)) as { createEngine: Factory };
const mine = (await import('@rcml/core')) as { createEngine: Factory };
const messaging = { send: async () => ({ status: 'sent' as const }) };

/** An application in memory: every document URL answers `body`, every callback 200. */
function app(body: string): HttpPort {
  return {
    send(request) {
      const ok = request.kind === 'fetch';
      return Promise.resolve({
        status: 200,
        contentType: ok ? 'text/xml' : null,
        location: null,
        body: ok ? body : '',
      });
    },
  };
}

/** Run `calls` calls, 50 in flight, through a fresh engine; CPU µs per call. */
async function block(factory: Factory, body: string, allEvents: boolean): Promise<number> {
  let done = 0;
  let started = 0;
  const engine = factory({
    driver: createZeroLatencyDriver(),
    http: app(body),
    messaging,
    limits: { maxCallsPerSecond: 1_000_000, maxConcurrentCalls: 1_000_000 },
    retainFinishedCalls: 100,
  });
  const params = {
    To: '+15550002222',
    From: '+15550001111',
    Url: 'http://app.test/doc',
    StatusCallback: 'http://app.test/cb',
    ...(allEvents ? { StatusCallbackEvent: 'initiated ringing answered completed' } : {}),
  };
  const cpu0 = process.cpuUsage();
  await new Promise<void>((resolve) => {
    engine.subscribe((event) => {
      if (event.type !== 'status' || event.status !== 'completed') return;
      done++;
      if (started < calls) {
        started++;
        engine.create(params);
      } else if (done === calls) resolve();
    });
    for (; started < Math.min(50, calls); started++) engine.create(params);
  });
  const cpu = process.cpuUsage(cpu0);
  await engine.shutdown({ deadlineMs: 1000 });
  return (cpu.user + cpu.system) / calls;
}

for (const [name, body] of [
  ['small', B1_SMALL],
  ['realistic', realisticDocument(null)],
] as const) {
  for (const allEvents of [false, true]) {
    await block(mine.createEngine, body, allEvents);
    await block(other.createEngine, body, allEvents);
    const ratios: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const a = i % 2 === 0 ? mine : other;
      const b = i % 2 === 0 ? other : mine;
      const first = await block(a.createEngine, body, allEvents);
      const second = await block(b.createEngine, body, allEvents);
      ratios.push(i % 2 === 0 ? first / second : second / first);
    }
    const s = summarize(ratios);
    process.stdout.write(
      `engine CPU per call, ${name} ${allEvents ? 'B1b' : 'B1a'}: this ÷ other median ${s.median.toFixed(3)} (min ${s.min.toFixed(3)}, max ${s.max.toFixed(3)}, ${s.rounds} rounds)\n`,
    );
  }
}
