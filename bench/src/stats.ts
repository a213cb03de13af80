/**
 * Ratios measured on a noisy shared machine: engine and baseline rounds alternate in one
 * run, and each round gives one ratio; we report the median and the spread.
 */

export interface RatioSummary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly rounds: number;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Summarise per-round ratios. */
export function summarize(ratios: readonly number[]): RatioSummary {
  return {
    median: round3(median(ratios)),
    min: round3(Math.min(...ratios)),
    max: round3(Math.max(...ratios)),
    rounds: ratios.length,
  };
}

/** The p-th percentile (0..100) of a list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * Run `rounds` pairs of (engine, baseline), alternating which goes first so that drift on the
 * machine falls on both sides, and return engine/baseline per pair. Both return a rate
 * (higher is better).
 */
export async function alternate(
  rounds: number,
  engine: () => Promise<number>,
  baseline: () => Promise<number>,
): Promise<number[]> {
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let e: number;
    let b: number;
    if (i % 2 === 0) {
      e = await engine();
      b = await baseline();
    } else {
      b = await baseline();
      e = await engine();
    }
    ratios.push(e / b);
  }
  return ratios;
}
