/**
 * What the call machine (callMachine.ts) asks of a call: the effects its actions cause and
 * the facts its guards read. `CallSession` (session.ts) implements it over the engine's ports;
 * tests may give a stand-in.
 */
import type { HttpMethod } from '../document/ast.js';
import type { InlineDocument } from '../document/inline.js';
import type { CallStatus } from '../engine/types.js';
import type { AnsweredBy } from '../ports.js';
import type { CallEvent } from './callMachine.js';

/** How the engine ends a call from outside. */
export type EndKind = 'completed' | 'canceled';

/** A document to fetch next. */
export interface DocumentTarget {
  /** Absolute http(s) URL, or null when the reference could not be resolved. */
  readonly url: string | null;
  /** The reference as written (for messages, and `ErrorUrl`). */
  readonly written: string;
  readonly method: HttpMethod;
  /** Verb parameters added after the call's own. */
  readonly params: Readonly<Record<string, string>>;
  /** Only the call's `Url` and a live-change `Url` have a fallback. */
  readonly fallbackUrl: string | null;
  readonly fallbackMethod: HttpMethod;
  /** An inline document (`Twiml`, spec 9.2) run instead of fetching: no request, no fallback. */
  readonly inline?: InlineDocument;
}

/** The effects and facts of one call, as the machine's actions and guards use them. */
export interface CallRuntime {
  /** Outbound: how long it may ring (ms). */
  readonly ringTimeoutMs: number;
  /** How long the detection result is awaited after the pick-up (ms). */
  readonly detectionTimeoutMs: number;
  /** Whether the call was answered (it has a start time). */
  readonly answered: boolean;
  /** An answered outbound call waits for who answered (detection on, the driver can tell, no result yet). */
  awaitsDetection(): boolean;
  /** `SendDigits` keys are still to be played before the first fetch. */
  hasDigitsToSend(): boolean;
  /** The failed fetch (`event`) has a `FallbackUrl` to try. */
  hasFallback(event: CallEvent): boolean;
  /** The document has a verb after the running one. */
  hasNextVerb(): boolean;
  /** The running verb finishes itself on a far-end hang-up (it listens for it). */
  verbFinishesItself(): boolean;
  /** The call's status becomes `status` (once), with its progress event. */
  /** The call's status becomes `status` (once), with its progress event. */
  enter(status: CallStatus): void;
  /** An inbound call's `answer` operation completed. */
  /** An inbound call's `answer` operation completed: `in-progress`. */
  answeredByVerb(): void;
  /** Ask the driver to place the outbound call and listen to its channel. */
  originate(): void;
  /** The far end picked up: note when, start `Record=true`'s recording. */
  pickUp(): void;
  /** Who answered, in the values of the call's detection mode. */
  detected(by: AnsweredBy): void;
  /** The call's duration counts from the pick-up (ended during detection). */
  startFromPickUp(): void;
  /** The engine gives up an unanswered attempt (`cancel`, or `hangup` for inbound). */
  cancelAttempt(): void;
  /** The engine's own `hangup` of the channel; a failure is reported (14103). */
  hangupChannel(): void;
  /** The document to fetch next, from a live change or a verb's outcome. */
  takeTarget(event: CallEvent): void;
  /** Start playing `SendDigits`; `DIGITS.DONE` follows. */
  startSendDigits(): void;
  /** Start fetching the next document (or take an inline one); `FETCH.DONE`/`FETCH.FAILED` follow. */
  startFetch(): void;
  /** Start fetching the `FallbackUrl` after the failure `event`. */
  startFallback(event: CallEvent): void;
  /** The fetched document becomes the one running, from its first verb. */
  loadDocument(event: CallEvent): void;
  /** Start the current verb; `VERB.DONE`, `VERB.FAILED` or `STEP.ABORTED` follows. */
  startVerb(): void;
  /** Move to the next verb of the document. */
  advance(): void;
  /** Abort the running step (fetch or verb); it settles with `STEP.ABORTED`. */
  abortStep(): void;
  /** Tell the running verb the far end hung up (it finishes itself). */
  verbHearsHangup(): void;
  /** Request the action of a verb that finished after the hang-up; `REQUEST.DONE` follows. */
  requestAfterHangup(event: CallEvent): void;
  /** The call is over: `completed` goes out last, the engine forgets the call. */
  finalize(): void;
  /** A restored call: restart the step it was saved in. */
  resume(): void;
}
