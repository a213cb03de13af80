/**
 * Helpers of the conformance suite: a handler that writes down what the driver reports, and a
 * way to wait for a promise on the harness's time line.
 */
import type { ChannelHandler } from '@rcml/core';
import type { DriverHarness } from './harness.js';

/** A `ChannelHandler` that records every call as a short string (`dtmf:1`, `voice:true`). */
export interface RecordingHandler extends ChannelHandler {
  readonly events: string[];
  /** Events the driver reported after the channel ended (far-end hang-up, busy, failed). */
  readonly afterEnd: string[];
  /** Stop accepting events: anything reported from now on counts in `afterEnd`. */
  markEnded(): void;
}

const FINAL_EVENTS = new Set(['hangup', 'busy', 'failed']);

/** A fresh recording handler. A final event (hangup, busy, failed) marks the channel ended. */
export function createRecordingHandler(): RecordingHandler {
  const events: string[] = [];
  const afterEnd: string[] = [];
  let ended = false;
  const note = (event: string) => {
    if (ended) afterEnd.push(event);
    else events.push(event);
    if (FINAL_EVENTS.has(event.split(':')[0]!)) ended = true;
  };
  return {
    events,
    afterEnd,
    markEnded: () => {
      ended = true;
    },
    ringing: () => note('ringing'),
    answered: () => note('answered'),
    detected: (by) => note(`detected:${by}`),
    busy: () => note('busy'),
    failed: () => note('failed'),
    dtmf: (digit) => note(`dtmf:${digit}`),
    voice: (active) => note(`voice:${active}`),
    speech: (result) => note(`speech:${result.transcript}`),
    partialSpeech: (result) => note(`partial:${result.stable}|${result.unstable}`),
    hangup: () => note('hangup'),
  };
}

/**
 * Advance the harness in small steps until `promise` settles or `ms` have passed. Resolves
 * with whether it settled (never rejects: an operation may reject when aborted).
 */
export async function settlesWithin(
  harness: DriverHarness,
  promise: Promise<unknown>,
  ms: number,
): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  const step = Math.max(1, Math.floor(ms / 20));
  await harness.advance(0);
  for (let waited = 0; !settled && waited < ms; waited += step) await harness.advance(step);
  return settled;
}

/** Advance until `events` has at least `count` entries or `ms` passed. */
export async function eventsWithin(
  harness: DriverHarness,
  events: readonly string[],
  count: number,
  ms: number,
): Promise<void> {
  const step = Math.max(1, Math.floor(ms / 20));
  await harness.advance(0);
  for (let waited = 0; events.length < count && waited < ms; waited += step) await harness.advance(step);
}
