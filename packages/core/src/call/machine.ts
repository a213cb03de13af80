/**
 * The call's lifecycle (spec 1.1) as an xstate v5 machine:
 * `queued` → `initiated` → `ringing` → `in-progress` → one final state. An outbound call
 * rings for at most `Timeout` seconds (a delayed transition on the injected clock); an
 * inbound call arrives ringing. A final state never changes again.
 *
 * The machine owns the states and which changes are allowed; what a change causes (progress
 * events, fetching the `Url`, hanging up) is done by the call session through the `entered`
 * hook. Verbs do not run as machine transitions: see docs/decisions.md ("Call engine").
 */
import { setup } from 'xstate';
import type { CallStatus } from '../engine/types.js';

/** Events the session sends to the lifecycle. */
export type CallLifecycleEvent =
  | { readonly type: 'DIAL' }
  | { readonly type: 'ARRIVE' }
  | { readonly type: 'RING' }
  | { readonly type: 'ANSWER' }
  /** Outbound: answered, the voicemail detection result is awaited (spec 6). */
  | { readonly type: 'DETECT' }
  | { readonly type: 'BUSY' }
  | { readonly type: 'FAIL' }
  | { readonly type: 'NO_ANSWER' }
  | { readonly type: 'COMPLETE' }
  | { readonly type: 'CANCEL' };

/** What the machine tells the session. */
export interface CallLifecycleHooks {
  /** The call entered `status` (called once per state entered, in order). */
  entered(status: CallStatus): void;
  /** No detection result came within `detectionTimeoutMs` of the answer. */
  detectionTimedOut?(): void;
}

export interface CallLifecycleInput {
  readonly hooks: CallLifecycleHooks;
  /** How long an outbound call may ring (ms), counted from `initiated`. */
  readonly ringTimeoutMs: number;
  /** How long to wait for the voicemail detection result after the answer (default 30 s). */
  readonly detectionTimeoutMs?: number;
}

const enter =
  (status: CallStatus) =>
  ({ context }: { context: CallLifecycleInput }) =>
    context.hooks.entered(status);

/** The lifecycle machine. One actor per call, created with the engine's clock. */
export const callLifecycle = setup({
  types: {
    context: {} as CallLifecycleInput,
    input: {} as CallLifecycleInput,
    events: {} as CallLifecycleEvent,
  },
  delays: {
    ringTimeout: ({ context }) => context.ringTimeoutMs,
    detectionTimeout: ({ context }) => context.detectionTimeoutMs ?? 30_000,
  },
}).createMachine({
  id: 'call',
  context: ({ input }) => input,
  initial: 'queued',
  states: {
    queued: {
      on: { DIAL: 'outbound', ARRIVE: 'arriving', CANCEL: 'canceled', FAIL: 'failed' },
    },
    outbound: {
      initial: 'dialing',
      on: {
        BUSY: 'busy',
        FAIL: 'failed',
        NO_ANSWER: 'noAnswer',
        CANCEL: 'canceled',
        COMPLETE: 'canceled',
      },
      states: {
        dialing: {
          initial: 'initiated',
          after: { ringTimeout: '#call.noAnswer' },
          on: { ANSWER: '#call.inProgress', DETECT: 'detecting' },
          states: {
            initiated: { entry: enter('initiated'), on: { RING: 'ringing' } },
            ringing: { entry: enter('ringing') },
          },
        },
        // Picked up; `answered` waits for who answered (spec 6), for a bounded time.
        detecting: {
          after: {
            detectionTimeout: {
              target: '#call.inProgress',
              actions: ({ context }) => context.hooks.detectionTimedOut?.(),
            },
          },
          // Picked up, then hung up before the result: an answered call that ended (spec 9.3).
          on: { ANSWER: '#call.inProgress', COMPLETE: '#call.completed' },
        },
      },
    },
    arriving: {
      entry: enter('ringing'),
      on: {
        ANSWER: 'inProgress',
        COMPLETE: 'completed',
        CANCEL: 'canceled',
        FAIL: 'failed',
        BUSY: 'busy',
        NO_ANSWER: 'noAnswer',
      },
    },
    inProgress: {
      entry: enter('in-progress'),
      on: { COMPLETE: 'completed', FAIL: 'completed' },
    },
    completed: { type: 'final', entry: enter('completed') },
    busy: { type: 'final', entry: enter('busy') },
    failed: { type: 'final', entry: enter('failed') },
    noAnswer: { type: 'final', entry: enter('no-answer') },
    canceled: { type: 'final', entry: enter('canceled') },
  },
});
