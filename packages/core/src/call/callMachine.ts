/**
 * The whole call as one xstate machine (docs/decisions.md, "The call machine"): dialing
 * (`initiated`, `ringing`, `detecting`), the session (`sendingDigits`, `fetching`,
 * `fallingBack`, `verb`, the `stopping` states that wait for an interrupted step, the requests
 * made after a hang-up) and the final states. It is the one place to read the call flow.
 *
 * Built once, at module level; a call is `createActor(callMachine, { input, clock })`. The
 * actions and guards call the {@link CallRuntime} given as input (the call's ports, media
 * handles and records): the machine decides, the runtime does. Steps (a fetch, a verb,
 * `SendDigits`) are started by entry actions and report back with an event; leaving a step
 * state for an interruption aborts the step, and the `stopping` states wait for it to settle
 * so that what the step does on its way out comes before what follows.
 */
import { assertEvent, setup } from 'xstate';
import type { FetchResult } from '../fetch/fetchDocument.js';
import type { AnsweredBy } from '../ports.js';
import type { VerbOutcome } from '../verbs/types.js';
import type { CallRuntime, DocumentTarget, EndKind } from './callRuntime.js';

export type { CallRuntime, DocumentTarget, EndKind } from './callRuntime.js';

/** A loaded document, as a fetch step reports it. */
export type LoadedDocument = Extract<FetchResult, { ok: true }>;

/** Every event of the call machine. */
export type CallEvent =
  /** Outbound: the engine dials (after `create` returned the queued call). */
  | { readonly type: 'DIAL' }
  /** Inbound: the call arrived, ringing. */
  | { readonly type: 'ARRIVE' }
  | { readonly type: 'CHANNEL.RINGING' }
  | { readonly type: 'CHANNEL.ANSWERED' }
  | { readonly type: 'CHANNEL.DETECTED'; readonly by: AnsweredBy }
  | { readonly type: 'CHANNEL.BUSY' }
  | { readonly type: 'CHANNEL.FAILED' }
  | { readonly type: 'CHANNEL.HANGUP' }
  /** The driver could not place the call. */
  | { readonly type: 'DRIVER.FAILED' }
  /** An inbound call was answered by a verb (the `answer` operation completed). */
  | { readonly type: 'ANSWERED' }
  /** Live change with `Url` or `Twiml` (spec 1.5). */
  | { readonly type: 'REDIRECT'; readonly target: DocumentTarget }
  /** Live change with `Status`, or the engine's shutdown. */
  | { readonly type: 'END'; readonly kind: EndKind }
  | { readonly type: 'DIGITS.DONE' }
  | { readonly type: 'FETCH.DONE'; readonly loaded: LoadedDocument }
  | { readonly type: 'FETCH.FAILED'; readonly code: number }
  | { readonly type: 'VERB.DONE'; readonly outcome: VerbOutcome }
  /** An exception in verb code (not a driver failure): the call ends. */
  | { readonly type: 'VERB.FAILED' }
  /** The running step was abandoned (its signal fired). */
  | { readonly type: 'STEP.ABORTED' }
  /** The request made after a hang-up was answered (or failed). */
  | { readonly type: 'REQUEST.DONE' }
  /** A restored call: re-attach the channel and restart the step the call was in. */
  | { readonly type: 'RESUME' };

/** What a call's actor is given. */
export interface CallMachineInput {
  readonly runtime: CallRuntime;
}

/** The machine's context: the runtime (never cloned: no `assign` anywhere). */
export interface CallMachineContext {
  readonly runtime: CallRuntime;
}

type Args = { context: CallMachineContext; event: CallEvent };

/** Events that say the running step settled, whatever its result. */
const SETTLED = [
  'DIGITS.DONE',
  'FETCH.DONE',
  'FETCH.FAILED',
  'VERB.DONE',
  'VERB.FAILED',
  'STEP.ABORTED',
] as const;

/**
 * The outcome of the `VERB.DONE` event a guard is given. Guards and actions only see the
 * events of the transitions they are named in; `assertEvent` says which, and narrows the type.
 */
const outcomeOf = (event: CallEvent): VerbOutcome => {
  assertEvent(event, 'VERB.DONE');
  return event.outcome;
};

const settledTo = (target: string, actions?: string) =>
  Object.fromEntries(SETTLED.map((type) => [type, actions ? { target, actions } : target]));

/** The whole-call machine. */
export const callMachine = setup({
  types: {
    context: {} as CallMachineContext,
    input: {} as CallMachineInput,
    events: {} as CallEvent,
  },
  delays: {
    ringTimeout: ({ context }) => context.runtime.ringTimeoutMs,
    detectionTimeout: ({ context }) => context.runtime.detectionTimeoutMs,
  },
  guards: {
    awaitsDetection: ({ context }) => context.runtime.awaitsDetection(),
    hasDigitsToSend: ({ context }) => context.runtime.hasDigitsToSend(),
    hasFallback: ({ context, event }) => context.runtime.hasFallback(event),
    isAnswered: ({ context }) => context.runtime.answered,
    endsCompleted: ({ event }) => {
      assertEvent(event, 'END');
      return event.kind === 'completed';
    },
    // Stryker disable next-line StringLiteral: in the engine this guard only ever sees a `next` outcome when there is no next verb (callSteps.verbEnded starts it without an event), so it is false either way
    nextVerb: ({ context, event }) => outcomeOf(event).kind === 'next' && context.runtime.hasNextVerb(),
    fetchesNext: ({ event }) => outcomeOf(event).kind === 'fetch',
    rejectedBusy: ({ event }) => {
      const outcome = outcomeOf(event);
      return outcome.kind === 'rejected' && outcome.status === 'busy';
    },
    rejected: ({ event }) => outcomeOf(event).kind === 'rejected',
    finishesItself: ({ context }) => context.runtime.verbFinishesItself(),
    hasVerbs: ({ event }) => {
      assertEvent(event, 'FETCH.DONE');
      return event.loaded.document.verbs.length > 0;
    },
  },
  actions: {
    enterInitiated: ({ context }: Args) => context.runtime.enter('initiated'),
    enterRinging: ({ context }: Args) => context.runtime.enter('ringing'),
    enterInProgress: ({ context }: Args) => context.runtime.enter('in-progress'),
    enterCompleted: ({ context }: Args) => context.runtime.enter('completed'),
    enterBusy: ({ context }: Args) => context.runtime.enter('busy'),
    enterFailed: ({ context }: Args) => context.runtime.enter('failed'),
    enterNoAnswer: ({ context }: Args) => context.runtime.enter('no-answer'),
    enterCanceled: ({ context }: Args) => context.runtime.enter('canceled'),
    answeredByVerb: ({ context }: Args) => context.runtime.answeredByVerb(),
    originate: ({ context }: Args) => context.runtime.originate(),
    pickUp: ({ context }: Args) => context.runtime.pickUp(),
    detected: ({ context, event }: Args) => {
      assertEvent(event, 'CHANNEL.DETECTED');
      context.runtime.detected(event.by);
    },
    detectionTimedOut: ({ context }: Args) => context.runtime.detected('unknown'),
    startFromPickUp: ({ context }: Args) => context.runtime.startFromPickUp(),
    cancelAttempt: ({ context }: Args) => context.runtime.cancelAttempt(),
    hangupChannel: ({ context }: Args) => context.runtime.hangupChannel(),
    takeTarget: ({ context, event }: Args) => context.runtime.takeTarget(event),
    sendDigits: ({ context }: Args) => context.runtime.startSendDigits(),
    fetch: ({ context }: Args) => context.runtime.startFetch(),
    fallBack: ({ context, event }: Args) => context.runtime.startFallback(event),
    load: ({ context, event }: Args) => context.runtime.loadDocument(event),
    runVerb: ({ context }: Args) => context.runtime.startVerb(),
    advance: ({ context }: Args) => context.runtime.advance(),
    abortStep: ({ context }: Args) => context.runtime.abortStep(),
    verbHearsHangup: ({ context }: Args) => context.runtime.verbHearsHangup(),
    requestAfterHangup: ({ context, event }: Args) => context.runtime.requestAfterHangup(event),
    finalize: ({ context }: Args) => context.runtime.finalize(),
    resume: ({ context }: Args) => context.runtime.resume(),
  },
}).createMachine({
  id: 'call',
  context: ({ input }) => ({ runtime: input.runtime }),
  initial: 'queued',
  states: {
    queued: {
      on: {
        DIAL: 'dialing',
        ARRIVE: { target: 'session', actions: 'enterRinging' },
        END: 'canceled',
      },
    },
    dialing: {
      initial: 'initiated',
      after: { ringTimeout: { target: 'noAnswer', actions: ['enterNoAnswer', 'cancelAttempt'] } },
      on: {
        'CHANNEL.ANSWERED': [
          { guard: 'awaitsDetection', target: 'detecting', actions: 'pickUp' },
          { target: 'session', actions: ['pickUp', 'enterInProgress'] },
        ],
        'CHANNEL.DETECTED': { actions: 'detected' },
        'CHANNEL.BUSY': 'busy',
        'CHANNEL.FAILED': 'failed',
        'DRIVER.FAILED': 'failed',
        // Hung up before anyone picked up: nobody took the call.
        'CHANNEL.HANGUP': 'noAnswer',
        END: { target: 'canceled', actions: ['enterCanceled', 'cancelAttempt'] },
      },
      states: {
        initiated: {
          entry: ['enterInitiated', 'originate'],
          on: { 'CHANNEL.RINGING': 'ringing' },
        },
        ringing: { entry: 'enterRinging' },
      },
    },
    // Picked up; the session waits for who answered (spec 6), for a bounded time.
    detecting: {
      after: {
        detectionTimeout: { target: 'session', actions: ['detectionTimedOut', 'enterInProgress'] },
      },
      on: {
        'CHANNEL.DETECTED': { target: 'session', actions: ['detected', 'enterInProgress'] },
        // Picked up, then hung up before the result: an answered call that ended (spec 9.3).
        'CHANNEL.HANGUP': { target: 'completed', actions: 'startFromPickUp' },
        'CHANNEL.BUSY': 'busy',
        'CHANNEL.FAILED': 'failed',
        END: [
          { guard: 'endsCompleted', target: 'completed', actions: ['hangupChannel', 'startFromPickUp'] },
          { target: 'canceled', actions: ['enterCanceled', 'cancelAttempt'] },
        ],
      },
    },
    session: {
      initial: 'starting',
      on: {
        'CHANNEL.HANGUP': { target: '.afterHangup', actions: ['enterCompleted', 'abortStep'] },
        ANSWERED: { actions: 'answeredByVerb' },
        RESUME: { actions: 'resume' },
      },
      states: {
        // Which step comes first; it starts once the transition is over (callSteps.ts).
        starting: {
          always: [{ guard: 'hasDigitsToSend', target: 'sendingDigits' }, { target: 'fetching' }],
        },
        // `SendDigits` (spec 1.2): the keys go to the far end before `Url` is fetched.
        sendingDigits: {
          entry: 'sendDigits',
          on: {
            'DIGITS.DONE': 'fetching',
            REDIRECT: { target: 'stopping', actions: ['takeTarget', 'abortStep'] },
            END: { target: 'stopping.forEnd', actions: 'abortStep' },
          },
        },
        fetching: {
          entry: 'fetch',
          on: {
            'FETCH.DONE': [
              { guard: 'hasVerbs', target: 'verb', actions: 'load' },
              { target: '#call.completed', actions: 'hangupChannel' },
            ],
            'FETCH.FAILED': [{ guard: 'hasFallback', target: 'fallingBack' }, { target: 'failing' }],
            REDIRECT: { target: 'stopping', actions: ['takeTarget', 'abortStep'] },
            END: { target: 'stopping.forEnd', actions: 'abortStep' },
          },
        },
        fallingBack: {
          entry: 'fallBack',
          on: {
            'FETCH.DONE': [
              { guard: 'hasVerbs', target: 'verb', actions: 'load' },
              { target: '#call.completed', actions: 'hangupChannel' },
            ],
            'FETCH.FAILED': 'failing',
            REDIRECT: { target: 'stopping', actions: ['takeTarget', 'abortStep'] },
            END: { target: 'stopping.forEnd', actions: 'abortStep' },
          },
        },
        // One verb of the document runs (its module under verbs/), then the next one.
        verb: {
          entry: 'runVerb',
          on: {
            'VERB.DONE': [
              // The next verb starts from the transition itself: no exit and re-entry per verb.
              { guard: 'nextVerb', actions: ['advance', 'runVerb'] },
              { guard: 'fetchesNext', target: 'fetching', actions: 'takeTarget' },
              { guard: 'rejectedBusy', target: '#call.busy' },
              { guard: 'rejected', target: '#call.noAnswer' },
              // The document ran out (a `next` outcome with no next verb), or `<Hangup>`: the
              // engine ends the call.
              { target: '#call.completed', actions: 'hangupChannel' },
            ],
            'VERB.FAILED': { target: 'failing' },
            REDIRECT: { target: 'stopping', actions: ['takeTarget', 'abortStep'] },
            END: { target: 'stopping.forEnd', actions: 'abortStep' },
            'CHANNEL.HANGUP': [
              // Record and Dial finish themselves (their action is still requested).
              {
                guard: 'finishesItself',
                target: 'afterHangup',
                actions: ['enterCompleted', 'verbHearsHangup'],
              },
              { target: 'afterHangup', actions: ['enterCompleted', 'abortStep'] },
            ],
          },
        },
        // A live change stopped the step: once it settled, the new document is fetched.
        stopping: {
          initial: 'forRedirect',
          states: {
            forRedirect: {
              on: {
                ...settledTo('#call.session.fetching'),
                REDIRECT: { actions: 'takeTarget' },
                END: 'forEnd',
              },
            },
            // Ended from outside (`Status`, shutdown): the engine hangs up once the step settled.
            forEnd: { on: settledTo('#call.session.endRequested', 'hangupChannel') },
          },
        },
        // The far end hung up: the step is abandoned (or finishes itself); then the call ends.
        afterHangup: {
          on: {
            ...settledTo('#call.completed'),
            'VERB.DONE': [{ guard: 'fetchesNext', target: 'requesting' }, { target: '#call.completed' }],
            'CHANNEL.HANGUP': {},
            ANSWERED: {},
          },
        },
        // A `<Record>`/`<Dial>` action after the hang-up: requested, its answer not run.
        requesting: {
          entry: 'requestAfterHangup',
          on: { 'REQUEST.DONE': '#call.completed', 'CHANNEL.HANGUP': {}, ANSWERED: {} },
        },
        // A document could not be had, or verb code failed: the engine hangs up.
        failing: {
          always: [
            { guard: 'isAnswered', target: '#call.completed', actions: 'hangupChannel' },
            { target: '#call.failed', actions: 'hangupChannel' },
          ],
        },
        // Ended from outside: an answered call completes, one still ringing is canceled.
        endRequested: {
          always: [{ guard: 'isAnswered', target: '#call.completed' }, { target: '#call.canceled' }],
        },
      },
    },
    completed: { type: 'final', entry: ['enterCompleted', 'finalize'] },
    busy: { type: 'final', entry: ['enterBusy', 'finalize'] },
    failed: { type: 'final', entry: ['enterFailed', 'finalize'] },
    noAnswer: { type: 'final', entry: ['enterNoAnswer', 'finalize'] },
    canceled: { type: 'final', entry: ['enterCanceled', 'finalize'] },
  },
});
