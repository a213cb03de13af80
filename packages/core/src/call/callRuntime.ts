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
  readonly outbound: boolean;
  /** Whether the call was answered (it has a start time). */
  readonly answered: boolean;
  awaitsDetection(): boolean;
  hasDigitsToSend(): boolean;
  hasFallback(event: CallEvent): boolean;
  hasNextVerb(): boolean;
  /** The running verb finishes itself on a far-end hang-up (it listens for it). */
  verbFinishesItself(): boolean;
  /** The call's status becomes `status` (once), with its progress event. */
  enter(status: CallStatus): void;
  /** An inbound call's `answer` operation completed. */
  answeredByVerb(): void;
  originate(): void;
  pickUp(): void;
  detected(by: AnsweredBy): void;
  startFromPickUp(): void;
  cancelAttempt(): void;
  hangupChannel(): void;
  deferGo(): void;
  takeTarget(event: CallEvent): void;
  startSendDigits(): void;
  startFetch(): void;
  startFallback(event: CallEvent): void;
  loadDocument(event: CallEvent): void;
  startVerb(): void;
  advance(): void;
  abortStep(): void;
  verbHearsHangup(): void;
  requestAfterHangup(event: CallEvent): void;
  finalize(): void;
  resume(): void;
}
