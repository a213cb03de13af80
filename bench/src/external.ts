/**
 * B3 and B4 are written beside their packages' work (`parse.ts`, `callbacks.ts`); this module
 * runs each in a process of its own (`isolated.ts`) and maps their results to the shape of
 * `results.json`.
 */
import { runIsolated } from './isolated.js';
import type { ParseRatio } from './parse.js';
import type { B3Result, B4Result, RatioResult } from './results.js';
import type { RatioSummary } from './stats.js';

function ratio(summary: RatioSummary, target: number): RatioResult {
  return {
    ratio: summary.median,
    ratioMin: summary.min,
    ratioMax: summary.max,
    rounds: summary.rounds,
    target,
    met: summary.median >= target,
  };
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value}`;
}

/** B3: validated parse against raw fast-xml-parser (target 0.85; the invalid corpus 0.5). */
export async function runB3(quick: boolean, log: (line: string) => void): Promise<B3Result> {
  const r = await runIsolated('b3', { quick });
  const of = (p: ParseRatio, target: number) => ratio({ ...p.ratio, rounds: p.rounds }, target);
  const result: B3Result = {
    small: of(r.small, 0.85),
    realistic: of(r.realistic, 0.85),
    large: of(r.large, 0.85),
    invalid: of(r.invalid, 0.5),
    hostileMs: r.hostileMs,
  };
  for (const name of ['small', 'realistic', 'large', 'invalid'] as const) {
    const m = result[name];
    log(`  ${name}: ${m.ratio} (min ${m.ratioMin}, max ${m.ratioMax})`);
  }
  const h = r.hostileMs;
  log(
    `  hostile: billion laughs ${h.billionLaughs} ms, 10 MB body ${h.tenMegabyteBody} ms, 10,000-deep ${h.deepNesting} ms`,
  );
  return result;
}

/** B4: callback delivery against raw undici (target 0.8), ordering and losses under faults. */
export async function runB4(quick: boolean, log: (line: string) => void): Promise<B4Result> {
  const r = await runIsolated('b4', { quick });
  const result: B4Result = {
    ...ratio({ ...r.ratio, rounds: r.rounds }, 0.8),
    orderingViolations: r.orderingViolations,
    lost: r.lost,
    slowDestinationP99LagIncreasePct: r.slowDestinationP99LagIncreasePct,
  };
  log(
    `  ratio ${result.ratio} (min ${result.ratioMin}, max ${result.ratioMax}), ordering violations ${result.orderingViolations}, lost ${result.lost}, slow destination: others' p99 lag ${signed(result.slowDestinationP99LagIncreasePct)} %`,
  );
  return result;
}
