/** The shape of `bench/results.json` (ratio fields are the median; min/max beside them). */
import type { B1Result } from './b1.js';
import type { MachineInfo } from './machine.js';

/** A ratio measured in alternating rounds. */
export interface RatioResult {
  readonly ratio: number;
  readonly ratioMin: number;
  readonly ratioMax: number;
  readonly rounds: number;
  readonly target: number;
  readonly met: boolean;
}

export interface B2Result {
  /** Calls parked at once in a Gather waiting for input. */
  readonly calls: number;
  /** (heap with the calls parked − heap before) ÷ calls, after forced GC. */
  readonly heapPerCallKiB: number;
  readonly rssPerCallKiB: number;
  readonly heapBeforeMiB: number;
  readonly heapParkedMiB: number;
  readonly heapAfterMiB: number;
  /** Settled heap after each warm-up cycle (park, churn, hang up): flat when nothing leaks. */
  readonly warmupCyclesHeapMiB: readonly number[];
  readonly rssParkedMiB: number;
  /** (heap after every call hung up − heap before) ÷ heap before, in %. */
  readonly teardownHeapDeltaPct: number;
  /** Event-loop delay p99 while calls churn on top of the parked ones, ms. */
  readonly eventLoopP99Ms: number;
  readonly eventLoopMaxMs: number;
  /** Calls per second started during the churn (each a realistic B1a call). */
  readonly churnCallsPerSec: number;
  readonly churnCompleted: number;
  readonly targets: {
    readonly heapPerCallKiB: number;
    readonly teardownHeapDeltaPct: number;
    readonly eventLoopP99Ms: number;
  };
  readonly met: { readonly heapPerCall: boolean; readonly teardown: boolean; readonly eventLoop: boolean };
}

export interface B3Result {
  readonly small: RatioResult;
  readonly realistic: RatioResult;
  readonly large: RatioResult;
  readonly invalid: RatioResult;
  /** Milliseconds to refuse hostile documents (billion laughs, a 10 MB body, 10,000-deep nesting). */
  readonly hostileMs?: {
    readonly billionLaughs: number;
    readonly tenMegabyteBody: number;
    readonly deepNesting: number;
  };
}

export interface B4Result extends RatioResult {
  readonly orderingViolations: number;
  readonly lost: number;
  readonly slowDestinationP99LagIncreasePct: number;
}

export interface Results {
  readonly mode: 'quick' | 'full';
  /** Wall time of the run. */
  readonly seconds: number;
  readonly machine: MachineInfo;
  readonly b1: B1Result;
  readonly b2: B2Result;
  readonly b3: B3Result;
  readonly b4: B4Result;
}
