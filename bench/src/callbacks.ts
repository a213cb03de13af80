/**
 * Status-callback delivery benchmark (issue 4). Three measurements in one run, the receiving
 * application in a separate process on 127.0.0.1:
 *
 * 1. Throughput ratio: the same callback bodies at the same concurrency, delivered through
 *    `@rcml/webhook`'s transport behind the engine's own per-call dispatcher
 *    (`@rcml/core/callbacks`), against raw undici `Pool.request`s; after unmeasured warm-up
 *    pairs, rounds alternate, one ratio per pair.
 * 2. Faults: 1% of requests answered 500 and 1% answered after two seconds; the receiver
 *    counts SequenceNumber ordering violations and the benchmark counts lost callbacks.
 * 3. Isolation: two sending engines (processes) run side by side with the same traffic, one
 *    of them with a destination that answers after two seconds (alternating); per round, the
 *    p99 lag (issue → arrival) of their other destinations is compared, and the median of the
 *    per-round changes is the figure. Running both at once makes whatever else the machine
 *    does hit both alike; interleaved rounds with nothing slow give the noise floor.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createHttpTransport, type HttpTransport } from '@rcml/webhook';
import { Pool } from 'undici';
import { LAG_WORKER_FLAG, type LagLoad, type LagWorkerCommand } from './callbackLagWorker.js';
import { ACCOUNT, callbackParams, PER_CALL, sidOf } from './callbackParams.js';
import {
  type Faults,
  RECEIVER_FLAG,
  type ReceiverCommand,
  type ReceiverReply,
  type ReceiverStats,
} from './callbackReceiver.js';
import { OrderedSender } from './orderedSender.js';
import { median, percentile, type RatioSummary, round3, summarize } from './stats.js';

export interface CallbackBenchOptions {
  /** A shorter run (CI, smoke checks). */
  readonly quick?: boolean;
}

export interface CallbackBenchResult {
  /** Transport throughput / raw undici throughput, per alternating round pair. */
  readonly ratio: { readonly median: number; readonly min: number; readonly max: number };
  /** SequenceNumber arriving before its predecessor was accepted, in the fault round. */
  readonly orderingViolations: number;
  /** Callbacks never accepted by the receiver in the fault round. */
  readonly lost: number;
  /**
   * Change of the other destinations' p99 lag beside a slow destination, in %: the median over
   * rounds of each round's paired change (see `detail.p99Lag`).
   */
  readonly slowDestinationP99LagIncreasePct: number;
  /** Throughput round pairs. */
  readonly rounds: number;
  readonly detail: {
    readonly callbacksPerRound: number;
    readonly concurrency: number;
    readonly faultRound: {
      readonly callbacks: number;
      readonly requests: number;
      readonly duplicates: number;
      readonly gaveUp: number;
      readonly dropped: number;
    };
    /**
     * The other destinations' p99 lag, with a slow destination and beside it. Each round
     * pairs the two engines running at the same time; `increasePct` is the median over rounds
     * of the per-round change, `noiseFloorPct` the same over the rounds with nothing slow.
     * The pooled figures (one p99 over every round's samples) are kept for comparison: on a
     * shared machine they are decided by the few worst scheduling hiccups of the whole run.
     */
    readonly p99Lag: {
      readonly increasePct: number;
      readonly noiseFloorPct: number;
      /** Per-round changes (%), slow rounds and null rounds, in run order. */
      readonly roundChangesPct: { readonly slow: readonly number[]; readonly null: readonly number[] };
      readonly pooled: {
        readonly withSlowMs: number;
        readonly besideMs: number;
        readonly increasePct: number;
        readonly noiseFloorPct: number;
      };
      /** Lag samples per side. */
      readonly samples: number;
      readonly rounds: number;
    };
    /** Median CPU time (µs) of the sending process per callback, in the throughput rounds. */
    readonly cpuMicrosPerCallback: {
      readonly transport: number;
      readonly raw: number;
    };
    readonly ratioSummary: RatioSummary;
  };
}

/** Forks a sibling module of this one (under tsx the `.ts` source, built the `.js`). */
function forkSibling(name: string, flag: string): ChildProcess {
  const path = fileURLToPath(import.meta.url).replace(/callbacks\.(ts|js)$/, `${name}.$1`);
  return fork(path, [flag], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** The receiver process and a typed request/reply channel to it. */
class Receiver {
  readonly #child: ChildProcess;
  readonly #waiting: Array<(reply: ReceiverReply) => void> = [];

  constructor() {
    this.#child = forkSibling('callbackReceiver', RECEIVER_FLAG);
    this.#child.on('message', (reply: ReceiverReply) => this.#waiting.shift()?.(reply));
  }

  ask(command: ReceiverCommand): Promise<ReceiverReply> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#child.send(command);
    });
  }

  async stats(): Promise<ReceiverStats> {
    const reply = await this.ask({ type: 'stats' });
    if (reply.type !== 'stats') throw new Error('receiver answered out of turn');
    return reply.stats;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.send({ type: 'stop' } satisfies ReceiverCommand);
    });
  }
}

/** A sending engine in its own process (see `callbackLagWorker.ts`). */
class LagWorker {
  readonly #child = forkSibling('callbackLagWorker', LAG_WORKER_FLAG);

  run(load: LagLoad): Promise<void> {
    return new Promise((resolve) => {
      this.#child.once('message', () => resolve());
      this.#child.send({ type: 'run', ...load } satisfies LagWorkerCommand);
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.send({ type: 'stop' } satisfies LagWorkerCommand);
    });
  }
}

const NO_FAULTS: Faults = { errorRate: 0, delayRate: 0, delayMs: 0, seed: 1 };

/** Change of `a`'s p99 against `b`'s, in %. */
function change(a: readonly number[], b: readonly number[]): number {
  return round3((percentile(a, 99) / percentile(b, 99) - 1) * 100);
}

/** Runs `lanes` workers over `calls` call indexes. */
async function inLanes(lanes: number, calls: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < calls) await work(next++);
    }),
  );
}

/** Callbacks per second through the transport behind the ordered sender. */
async function transportRound(
  transport: HttpTransport,
  url: string,
  calls: number,
  lanes: number,
  round: number,
): Promise<number> {
  const stop = new AbortController();
  const sender = new OrderedSender({ http: transport, accountSid: ACCOUNT, signal: stop.signal });
  const started = performance.now();
  await inLanes(lanes, calls, async (index) => {
    const sid = sidOf(round, index);
    for (let seq = 0; seq < PER_CALL; seq++) sender.enqueue(sid, url, callbackParams(sid, seq));
    await sender.whenIdle(sid);
  });
  return (calls * PER_CALL) / ((performance.now() - started) / 1000);
}

/** Callbacks per second with raw undici requests of the same bodies, same concurrency. */
async function rawRound(pool: Pool, calls: number, lanes: number, round: number): Promise<number> {
  const started = performance.now();
  await inLanes(lanes, calls, async (index) => {
    const sid = sidOf(round, index);
    for (let seq = 0; seq < PER_CALL; seq++) {
      const response = await pool.request({
        path: '/cb',
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'user-agent': 'rcml-engine/0.1 (+@rcml/webhook)',
          'x-rcml-call-sid': sid,
        },
        body: new URLSearchParams(callbackParams(sid, seq)).toString(),
      });
      await response.body.dump();
    }
  });
  return (calls * PER_CALL) / ((performance.now() - started) / 1000);
}

/** Every call's callbacks accepted? Counts the ones that never were. */
function countLost(stats: ReceiverStats, round: number, calls: number): number {
  let lost = 0;
  for (let i = 0; i < calls; i++) lost += PER_CALL - (stats.acceptedPerCall[sidOf(round, i)] ?? 0);
  return lost;
}

/** Runs the benchmark; see the module comment. */
export async function runCallbackBench(options: CallbackBenchOptions = {}): Promise<CallbackBenchResult> {
  const quick = options.quick ?? false;
  // Many short alternating rounds: drift on a shared machine falls on both sides.
  const pairs = quick ? 9 : 25;
  // Rounds long enough (about 0.1 s) that one scheduling hiccup does not decide a ratio.
  const calls = quick ? 1500 : 2000;
  // Unmeasured pairs first, until both paths run optimized code (the transport's path has
  // more of its own code for the JIT to settle than raw undici has).
  const warmUpPairs = 3;
  const concurrency = 32;
  const faultCalls = quick ? 1500 : 5000;
  const lagRounds = quick ? 24 : 40;
  const normalDestinations = 4;

  const receiver = new Receiver();
  const ready = await receiver.ask({ type: 'start', destinations: 10 });
  if (ready.type !== 'ready') throw new Error('receiver did not start');
  const origins = ready.ports.map((port) => `http://127.0.0.1:${port}`);
  const transport = createHttpTransport({ callbackConcurrency: concurrency, callbackQueueLimit: 100_000 });
  const pool = new Pool(origins[0]!, { connections: concurrency });
  try {
    // 1. Throughput, alternating.
    let round = 0;
    // Sender-process CPU per callback, per side: steadier than throughput on a busy machine.
    const cpu = { transport: [] as number[], raw: [] as number[] };
    const measure = async (side: keyof typeof cpu, fn: () => Promise<number>): Promise<number> => {
      await receiver.ask({ type: 'round', faults: NO_FAULTS, slow: [], slowDelayMs: 0 });
      const before = process.cpuUsage();
      const rate = await fn();
      const used = process.cpuUsage(before);
      cpu[side].push((used.user + used.system) / (calls * PER_CALL));
      return rate;
    };
    const url = `${origins[0]}/cb`;
    // Warm every path (connections, JIT) before measuring.
    for (let i = 0; i < warmUpPairs; i++) {
      await transportRound(transport, url, calls, concurrency, round++);
      await rawRound(pool, calls, concurrency, round++);
    }
    // Rounds alternate (which side goes first too); each pair gives one ratio.
    const ratios: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const sides = {
        transport: () =>
          measure('transport', () => transportRound(transport, url, calls, concurrency, round++)),
        raw: () => measure('raw', () => rawRound(pool, calls, concurrency, round++)),
      };
      const order = i % 2 === 0 ? (['transport', 'raw'] as const) : (['raw', 'transport'] as const);
      const rates: Partial<Record<keyof typeof sides, number>> = {};
      for (const side of order) rates[side] = await sides[side]();
      ratios.push(rates.transport! / rates.raw!);
    }

    // 2. Faults: 1% 500s, 1% two-second delays.
    const faultRoundId = round++;
    await receiver.ask({
      type: 'round',
      faults: { errorRate: 0.01, delayRate: 0.01, delayMs: 2000, seed: 42 },
      slow: [],
      slowDelayMs: 0,
    });
    const stop = new AbortController();
    const sender = new OrderedSender({ http: transport, accountSid: ACCOUNT, signal: stop.signal });
    await inLanes(concurrency * 4, faultCalls, async (index) => {
      const sid = sidOf(faultRoundId, index);
      for (let seq = 0; seq < PER_CALL; seq++)
        sender.enqueue(sid, `${origins[0]}/cb`, callbackParams(sid, seq));
      await sender.whenIdle(sid);
    });
    const faultStats = await receiver.stats();
    const lost = countLost(faultStats, faultRoundId, faultCalls);

    // 3. A slow destination's effect on the others' p99 lag. Two sending engines run at the same
    // time against destinations 0-4 and 5-9 with the same traffic; in a "slow" round one of them
    // (alternating) has its extra destination (4 or 9) answer after two seconds. The p99 over
    // that round of that engine's four other destinations is compared with the other engine's
    // (the two ran at the same time, so whatever else the machine did hit both), and the
    // median of these per-round changes is the figure. "Null" rounds, interleaved, compare
    // the two engines with nothing slow: the same figure there is the measurement's noise
    // floor on this machine.
    const workers = [new LagWorker(), new LagWorker()] as const;
    const lagsOf = (stats: ReceiverStats, side: number): number[] =>
      stats.lags.slice(side * 5, side * 5 + normalDestinations).flat();
    const pooled = {
      slow: [] as number[],
      beside: [] as number[],
      nullA: [] as number[],
      nullB: [] as number[],
    };
    const roundChanges = { slow: [] as number[], null: [] as number[] };
    const load = (side: number, round: number, durationMs: number): LagLoad => ({
      urls: origins.slice(side * 5, side * 5 + 5).map((o) => `${o}/cb`),
      // Enough samples per round that a round's p99 is not two or three hiccups.
      callsPerSecondPerDestination: 100,
      durationMs,
      gapMs: 50,
      round,
    });
    try {
      // Warm-up (module loading, JIT, connections), not measured.
      await receiver.ask({ type: 'round', faults: NO_FAULTS, slow: [], slowDelayMs: 0 });
      await Promise.all(workers.map((worker, side) => worker.run(load(side, 999_000 + side, 1000))));
      for (let i = 0; i < lagRounds * 2; i++) {
        const isNull = i % 2 === 1;
        const side = Math.floor(i / 2) % 2;
        await receiver.ask({
          type: 'round',
          faults: NO_FAULTS,
          slow: isNull ? [] : [side * 5 + 4],
          slowDelayMs: 2000,
        });
        const durationMs = quick ? 2000 : 3000;
        await Promise.all(workers.map((worker, w) => worker.run(load(w, 1000 + i * 2 + w, durationMs))));
        const stats = await receiver.stats();
        (isNull ? pooled.nullA : pooled.slow).push(...lagsOf(stats, side));
        (isNull ? pooled.nullB : pooled.beside).push(...lagsOf(stats, 1 - side));
        roundChanges[isNull ? 'null' : 'slow'].push(change(lagsOf(stats, side), lagsOf(stats, 1 - side)));
        if (!isNull) {
          // Ending a slow round abandons the requests still waiting on the slow destination,
          // which closes their connections; an unmeasured round lets that engine reconnect
          // so that the next round does not start with one side behind.
          await receiver.ask({ type: 'round', faults: NO_FAULTS, slow: [], slowDelayMs: 0 });
          await Promise.all(workers.map((worker, w) => worker.run(load(w, 500_000 + i * 2 + w, 500))));
        }
      }
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
    const lag = {
      increasePct: round3(median(roundChanges.slow)),
      noiseFloorPct: round3(median(roundChanges.null)),
      roundChangesPct: roundChanges,
      pooled: {
        withSlowMs: round3(percentile(pooled.slow, 99)),
        besideMs: round3(percentile(pooled.beside, 99)),
        increasePct: change(pooled.slow, pooled.beside),
        noiseFloorPct: change(pooled.nullA, pooled.nullB),
      },
      samples: pooled.slow.length,
      rounds: lagRounds,
    };

    const ratioSummary = summarize(ratios);
    return {
      ratio: { median: ratioSummary.median, min: ratioSummary.min, max: ratioSummary.max },
      orderingViolations: faultStats.orderingViolations,
      lost,
      slowDestinationP99LagIncreasePct: lag.increasePct,
      rounds: pairs,
      detail: {
        callbacksPerRound: calls * PER_CALL,
        concurrency,
        faultRound: {
          callbacks: faultCalls * PER_CALL,
          requests: faultStats.requests,
          duplicates: faultStats.duplicates,
          gaveUp: sender.counters.gaveUp,
          dropped: sender.counters.dropped,
        },
        p99Lag: lag,
        cpuMicrosPerCallback: {
          transport: round3(median(cpu.transport)),
          raw: round3(median(cpu.raw)),
        },
        ratioSummary,
      },
    };
  } finally {
    await pool.close();
    await transport.close();
    await receiver.stop();
  }
}
