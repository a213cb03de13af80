/**
 * B1, call throughput. C calls in flight on the system clock: create → the zero-latency driver
 * answers → fetch `Url` (POST, real HTTP through `@rcml/webhook`) → parse and validate → run
 * every verb → hang up → status callbacks. A call counts when its `completed` callback has been
 * answered; each finished call starts the next. Against it, in alternating rounds: raw undici
 * sending the same requests to the same server at the same concurrency.
 * R = requests per call × calls/s ÷ raw requests/s.
 */
import { type CreateCallParams, parseDocument } from '@rcml/core';
import { baselineRequests, baselineRound, createBaselinePool } from './baseline.js';
import { B1_REALISTIC_VERBS, B1_SMALL, B1_SMALL_VERBS, realisticDocument } from './documents.js';
import { callParams, createHarness, type Harness, traceOneCall } from './harness.js';
import { median, round3, summarize } from './stats.js';

export interface B1Config {
  readonly origin: string;
  readonly concurrency: number;
  readonly rounds: number;
  readonly roundMs: number;
  readonly warmupMs: number;
}

/** One variant (document × callback events): the ratio and what it is made of. */
export interface B1Measure {
  /** Median of the per-round ratios. */
  readonly ratio: number;
  readonly ratioMin: number;
  readonly ratioMax: number;
  readonly rounds: number;
  readonly target: number | null;
  readonly met: boolean | null;
  readonly requestsPerCall: number;
  /** Median engine calls per second. */
  readonly callsPerSec: number;
  /** Median raw undici requests per second. */
  readonly baselineRequestsPerSec: number;
  /** Bench process CPU per call (engine, transport and driver), µs. */
  readonly engineCpuUsPerCall: number;
  /** Bench process CPU per call's worth of raw requests, µs. */
  readonly baselineCpuUsPerCall: number;
}

export interface B1Document {
  readonly bytes: number;
  readonly verbs: readonly string[];
  readonly b1a: B1Measure;
  readonly b1b?: B1Measure;
}

export interface B1Result {
  readonly concurrency: number;
  readonly roundMs: number;
  readonly small: B1Document;
  readonly realistic: B1Document;
  /** The realistic document with a different reference in every answer (no two bodies equal). */
  readonly realisticUnique: B1Document;
  readonly parse: {
    /** `parseDocument` of the realistic document, µs (median of 5 timings). */
    readonly realisticUs: number;
    readonly smallUs: number;
    /** realisticUs ÷ engine CPU per realistic B1a call. */
    readonly shareOfRealisticCall: number;
    /**
     * How the engine caches parsed documents: `identical` calls hit it, `realisticUnique`
     * calls miss it every time (each answer differs).
     */
    readonly engineCache: string;
  };
}

interface RoundResult {
  readonly rate: number;
  readonly cpuUs: number;
  readonly units: number;
}

/** One engine round: C calls in flight for `durationMs`; calls/s and CPU. */
export function engineRound(
  harness: Harness,
  params: CreateCallParams,
  concurrency: number,
  durationMs: number,
): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    let inFlight = 0;
    let completed = 0;
    let counting = true;
    let elapsed = 0;
    let cpuUs = 0;
    let lastProgress = performance.now();
    const start = performance.now();
    const stopAt = start + durationMs;
    const cpu0 = process.cpuUsage();
    const watchdog = setInterval(() => {
      if (performance.now() - lastProgress > 15_000) {
        clearInterval(watchdog);
        reject(new Error(`B1: ${inFlight} calls made no progress for 15 s`));
      }
    }, 1_000);
    const launch = (): void => {
      inFlight++;
      harness.engine.create(params);
    };
    harness.onCompleted = () => {
      inFlight--;
      lastProgress = performance.now();
      if (counting) {
        completed++;
        if (lastProgress < stopAt) {
          launch();
          return;
        }
        counting = false;
        elapsed = lastProgress - start;
        const cpu = process.cpuUsage(cpu0);
        cpuUs = cpu.user + cpu.system;
      }
      if (inFlight === 0) {
        clearInterval(watchdog);
        resolve({ rate: (completed / elapsed) * 1000, cpuUs, units: completed });
      }
    };
    for (let i = 0; i < concurrency; i++) launch();
  });
}

function fail(message: string): never {
  throw new Error(`B1 sanity check: ${message}`);
}

/** Measure one document with B1a (completed only) or B1b (all four events). */
async function measure(
  config: B1Config,
  document: string,
  expectedVerbs: readonly string[],
  allEvents: boolean,
  target: number | null,
): Promise<B1Measure> {
  const { origin, concurrency } = config;
  // The call-rate limit (default 1,000/s) is raised: B1 measures what the engine can do.
  const limits = { maxCallsPerSecond: 100_000, maxConcurrentCalls: 100_000 };
  const harness = createHarness({ origin, connections: concurrency, limits });
  const pool = createBaselinePool(origin, concurrency);
  try {
    const params = callParams(origin, document, allEvents);
    const trace = await traceOneCall(harness, params);
    const requestsPerCall = allEvents ? 5 : 2;
    if (trace.verbs.join(' ') !== expectedVerbs.join(' ')) {
      fail(`${document}: ran ${trace.verbs.join(' ')}, expected ${expectedVerbs.join(' ')}`);
    }
    if (trace.requests.length !== requestsPerCall) {
      fail(`${document}: ${trace.requests.length} requests, expected ${requestsPerCall}`);
    }
    if (trace.notices.length > 0) fail(`${document}: notices ${trace.notices.join('; ')}`);
    if (trace.status !== 'completed') fail(`${document}: ended ${trace.status}`);
    const requests = baselineRequests(trace);

    await engineRound(harness, params, concurrency, config.warmupMs);
    await timedBaseline(pool, requests, concurrency, config.warmupMs);
    const engine: RoundResult[] = [];
    const baseline: RoundResult[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < config.rounds; i++) {
      let e: RoundResult;
      let b: RoundResult;
      if (i % 2 === 0) {
        e = await engineRound(harness, params, concurrency, config.roundMs);
        b = await timedBaseline(pool, requests, concurrency, config.roundMs);
      } else {
        b = await timedBaseline(pool, requests, concurrency, config.roundMs);
        e = await engineRound(harness, params, concurrency, config.roundMs);
      }
      engine.push(e);
      baseline.push(b);
      ratios.push((requestsPerCall * e.rate) / b.rate);
    }
    if (harness.failures() > 0) fail(`${document}: ${harness.failures()} requests failed`);
    if (harness.warnings() > 0) fail(`${document}: the engine logged ${harness.warnings()} warnings`);
    const summary = summarize(ratios);
    const perUnit = (rs: RoundResult[], scale: number) =>
      Math.round((rs.reduce((s, r) => s + r.cpuUs, 0) / rs.reduce((s, r) => s + r.units, 0)) * scale);
    return {
      ratio: summary.median,
      ratioMin: summary.min,
      ratioMax: summary.max,
      rounds: summary.rounds,
      target,
      met: target === null ? null : summary.median >= target,
      requestsPerCall,
      callsPerSec: Math.round(median(engine.map((r) => r.rate))),
      baselineRequestsPerSec: Math.round(median(baseline.map((r) => r.rate))),
      engineCpuUsPerCall: perUnit(engine, 1),
      baselineCpuUsPerCall: perUnit(baseline, requestsPerCall),
    };
  } finally {
    await harness.close();
    await pool.close();
  }
}

async function timedBaseline(
  pool: ReturnType<typeof createBaselinePool>,
  requests: ReturnType<typeof baselineRequests>,
  concurrency: number,
  durationMs: number,
): Promise<RoundResult> {
  const cpu0 = process.cpuUsage();
  const rate = await baselineRound(pool, requests, concurrency, durationMs);
  const cpu = process.cpuUsage(cpu0);
  return { rate, cpuUs: cpu.user + cpu.system, units: (rate * durationMs) / 1000 };
}

/** µs per `parseDocument` of `text` (median of 5 timings of 2,000 parses). */
function parseMicros(text: string): number {
  const times: number[] = [];
  for (let t = 0; t < 6; t++) {
    const start = performance.now();
    for (let i = 0; i < 2_000; i++) parseDocument(text);
    if (t > 0) times.push(((performance.now() - start) * 1000) / 2_000);
  }
  return round3(median(times));
}

/** Run B1. `log` reports progress. */
export async function runB1(config: B1Config, log: (line: string) => void): Promise<B1Result> {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  const step = async (label: string, run: () => Promise<B1Measure>): Promise<B1Measure> => {
    const result = await run();
    log(
      `  ${label}: R ${result.ratio} (min ${result.ratioMin}, max ${result.ratioMax}), ${result.callsPerSec} calls/s`,
    );
    return result;
  };
  const small: B1Document = {
    bytes: bytes(B1_SMALL),
    verbs: B1_SMALL_VERBS,
    b1a: await step('small B1a', () => measure(config, 'small', B1_SMALL_VERBS, false, 0.7)),
    b1b: await step('small B1b', () => measure(config, 'small', B1_SMALL_VERBS, true, 0.75)),
  };
  const realistic: B1Document = {
    bytes: bytes(realisticDocument(null)),
    verbs: B1_REALISTIC_VERBS,
    b1a: await step('realistic B1a', () => measure(config, 'realistic', B1_REALISTIC_VERBS, false, 0.6)),
    b1b: await step('realistic B1b', () => measure(config, 'realistic', B1_REALISTIC_VERBS, true, 0.75)),
  };
  const realisticUnique: B1Document = {
    bytes: bytes(realisticDocument(1)),
    verbs: B1_REALISTIC_VERBS,
    b1a: await step('realistic unique B1a', () => measure(config, 'unique', B1_REALISTIC_VERBS, false, 0.6)),
  };
  const realisticUs = parseMicros(realisticDocument(null));
  return {
    concurrency: config.concurrency,
    roundMs: config.roundMs,
    small,
    realistic,
    realisticUnique,
    parse: {
      realisticUs,
      smallUs: parseMicros(B1_SMALL),
      shareOfRealisticCall: round3(realisticUs / realistic.b1a.engineCpuUsPerCall),
      engineCache:
        'LRU of 256 classified bodies keyed by Content-Type and body (packages/core/src/fetch/documentCache.ts)',
    },
  };
}
