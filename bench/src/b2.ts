/**
 * B2, memory. In a child process run with `--expose-gc` (so that every heap figure is taken
 * after forced garbage collection): park N calls in a `<Gather>` that waits up to an hour (the
 * far end never presses a key), measure the heap per parked call, churn 100 short calls per
 * second on top while measuring the event-loop delay, hang every call up, and compare the heap
 * with the heap before (leak check). The registry keeps no finished calls here
 * (`retainFinishedCalls: 0`), so that its bounded history does not count as a leak.
 */
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startAppServer } from './appServer.js';
import { callParams, createHarness, type Harness } from './harness.js';
import type { B2Result } from './results.js';
import { round3 } from './stats.js';

const CHILD_FLAG = '--rcml-bench-b2';
const HOLD_NUMBER = '+15550009999';
/** Longer than the transport's default keep-alive timeout (4 s). */
const KEEP_ALIVE_IDLE_MS = 4_500;
const TARGETS = { heapPerCallKiB: 16, teardownHeapDeltaPct: 2, eventLoopP99Ms: 20 } as const;

export interface B2Config {
  readonly calls: number;
  /** How long the churn runs, ms. */
  readonly churnMs: number;
}

/** Run B2 in a child process and return its result. */
export function runB2(config: B2Config, log: (line: string) => void): Promise<B2Result> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, JSON.stringify(config)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: B2Result | null = null;
    child.on('message', (message: { line?: string; result?: B2Result; error?: string }) => {
      if (message.line !== undefined) log(`  ${message.line}`);
      if (message.result !== undefined) result = message.result;
      if (message.error !== undefined) reject(new Error(message.error));
    });
    child.on('exit', (code) => {
      if (result !== null) resolve(result);
      else reject(new Error(`B2 child exited (${code}) without a result`));
    });
  });
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A sound run has no failed request and no engine warning: stop at the first one. */
let healthy: () => string | null = () => null;

async function until(what: string, done: () => boolean, timeoutMs = 120_000): Promise<void> {
  const start = performance.now();
  while (!done()) {
    const problem = healthy();
    if (problem !== null) throw new Error(`B2: ${problem} (waiting for ${what})`);
    if (performance.now() - start > timeoutMs) throw new Error(`B2: timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface Memory {
  readonly heap: number;
  readonly rss: number;
}

/**
 * Let in-flight work finish (and, with `idleMs` over the transport's 4 s keep-alive, idle
 * connections close: the pools are bounded, and how many sockets happen to be open is not
 * call state), then collect garbage until the heap stops shrinking.
 */
async function settle(gc: () => void, idleMs = 300): Promise<Memory> {
  await sleep(idleMs);
  let heap = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 6; i++) {
    gc();
    await immediate();
    const now = process.memoryUsage().heapUsed;
    if (now >= heap) break;
    heap = now;
  }
  return { heap, rss: process.memoryUsage().rss };
}

async function child(config: B2Config): Promise<B2Result> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('B2 needs node --expose-gc');
  const say = (line: string) => process.send?.({ line });
  const server = await startAppServer();
  let parked = 0;
  let completed = 0;
  const harness: Harness = createHarness({
    origin: server.origin,
    connections: 64,
    holdNumber: HOLD_NUMBER,
    onHold: () => parked++,
    retainFinishedCalls: 0,
    // Default limits, but room for the parked calls plus the churn (dial legs count too).
    limits: { maxConcurrentCalls: 2 * config.calls + 1_000 },
  });
  harness.onCompleted = () => completed++;
  healthy = () => {
    if (harness.failures() > 0) return `${harness.failures()} requests failed`;
    if (harness.warnings() > 0) return `the engine logged ${harness.warnings()} warnings`;
    return null;
  };
  const { engine, transport } = harness;
  const holdParams = callParams(server.origin, 'hold', false, HOLD_NUMBER);
  const churnParams = callParams(server.origin, 'realistic', false);

  /** Create `n` held calls, at most 9 every 10 ms (under the default limit of 1,000/s). */
  const park = async (n: number): Promise<string[]> => {
    const target = parked + n;
    const sids: string[] = [];
    while (sids.length < n) {
      for (let i = 0; i < 9 && sids.length < n; i++) sids.push(engine.create(holdParams).sid);
      await sleep(10);
    }
    await until(`${n} calls to park`, () => parked >= target);
    return sids;
  };
  /** Start 100 calls per second for `ms`; resolves when every one has completed. */
  const churn = async (ms: number): Promise<number> => {
    const before = completed;
    let started = 0;
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = performance.now() - start;
        const due = Math.min(Math.floor(elapsed / 10), Math.floor(ms / 10));
        while (started < due) {
          engine.create(churnParams);
          started++;
        }
        if (elapsed >= ms) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await until('the churned calls to end', () => completed - before >= started);
    return started;
  };
  const hangUp = async (sids: readonly string[]): Promise<void> => {
    for (const sid of sids) engine.modify(sid, { Status: 'completed' });
    await until('every call to end', () => engine.activeCalls === 0 && transport.pendingCallbacks === 0);
  };

  // Warm-up: two cycles of the same work at the same scale (park N, churn, hang up), so that
  // compiled code, connection pools, the engine's bounded structures and Node's and V8's
  // internal tables sized by peak use (the number-to-string cache, the table of trusted
  // `abort` events) have reached their steady size before the first measurement. Each cycle's
  // settled heap is reported: a leak would grow it every cycle.
  const cycles: number[] = [];
  for (let cycle = 0; cycle < 2; cycle++) {
    const warm = await park(config.calls);
    await churn(500);
    await hangUp(warm);
    cycles.push((await settle(gc)).heap);
  }
  const before = await settle(gc, KEEP_ALIVE_IDLE_MS);
  say(`heap before ${(before.heap / 2 ** 20).toFixed(1)} MiB; parking ${config.calls} calls`);

  const sids = await park(config.calls);
  const parkedMemory = await settle(gc);
  say(
    `parked: heap ${(parkedMemory.heap / 2 ** 20).toFixed(1)} MiB, rss ${(parkedMemory.rss / 2 ** 20).toFixed(1)} MiB`,
  );

  const monitor = monitorEventLoopDelay({ resolution: 5 });
  monitor.enable();
  const churnStart = performance.now();
  const churned = await churn(config.churnMs);
  const churnSeconds = (performance.now() - churnStart) / 1000;
  monitor.disable();

  await hangUp(sids);
  const after = await settle(gc, KEEP_ALIVE_IDLE_MS);
  await harness.close();
  await server.close();

  const heapPerCallKiB = round3((parkedMemory.heap - before.heap) / config.calls / 1024);
  const teardownHeapDeltaPct = round3(((after.heap - before.heap) / before.heap) * 100);
  const eventLoopP99Ms = round3(monitor.percentile(99) / 1e6);
  const mib = (bytes: number) => round3(bytes / 2 ** 20);
  return {
    calls: config.calls,
    heapPerCallKiB,
    rssPerCallKiB: round3((parkedMemory.rss - before.rss) / config.calls / 1024),
    heapBeforeMiB: mib(before.heap),
    heapParkedMiB: mib(parkedMemory.heap),
    heapAfterMiB: mib(after.heap),
    warmupCyclesHeapMiB: cycles.map(mib),
    rssParkedMiB: mib(parkedMemory.rss),
    teardownHeapDeltaPct,
    eventLoopP99Ms,
    eventLoopMaxMs: round3(monitor.max / 1e6),
    churnCallsPerSec: round3(churned / churnSeconds),
    churnCompleted: churned,
    targets: TARGETS,
    met: {
      heapPerCall: heapPerCallKiB <= TARGETS.heapPerCallKiB,
      teardown: Math.abs(teardownHeapDeltaPct) <= TARGETS.teardownHeapDeltaPct,
      eventLoop: eventLoopP99Ms <= TARGETS.eventLoopP99Ms,
    },
  };
}

if (process.send !== undefined && process.argv.includes(CHILD_FLAG)) {
  const config = JSON.parse(process.argv[process.argv.indexOf(CHILD_FLAG) + 1]!) as B2Config;
  child(config).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.send?.({ error: message }, () => process.exit(1));
    },
  );
}
