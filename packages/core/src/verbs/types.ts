/**
 * The shape every verb module shares: `execute(verb, scope)` does its effects only through
 * the scope, honours `scope.signal`, and says what happens next.
 */

import type { VerbProgress } from '../call/persisted.js';
import type { ConferenceDesk } from '../conferences/conferences.js';
import type { DocumentIssue, HttpMethod, ProgressEvent, Verb } from '../document/ast.js';
import type { EngineLimits, FinalStatus } from '../engine/types.js';
import type { ErrorCode } from '../errors.js';
import type { CallIdentity } from '../fetch/params.js';
import type {
  Channel,
  Clock,
  DriverCapabilities,
  PartialSpeechResult,
  SmsRequest,
  TimerId,
} from '../ports.js';
import type { QueueDesk } from '../queues/queues.js';
import type { RecordingMade } from '../recordings/recordings.js';
import type { CallStreams } from '../streams/callStreams.js';

/** What happens after a verb. */
export type VerbOutcome =
  /** Run the next verb of the document. */
  | { readonly kind: 'next' }
  /** Hand control to a new document (the rest of this one is unreachable). */
  | {
      readonly kind: 'fetch';
      /** Resolved absolute URL, or null when the reference could not be resolved to http(s). */
      readonly url: string | null;
      /** The reference as written, for messages. */
      readonly written: string;
      readonly method: HttpMethod;
      readonly params: Readonly<Record<string, string>>;
    }
  /** The engine ends the call with a `hangup` operation (final status `completed`). */
  | { readonly kind: 'hangup' }
  /** The call was refused without answering (`<Reject>`); the final status. */
  | { readonly kind: 'rejected'; readonly status: FinalStatus };

/** Events of the call's own channel, routed to the running verb. */
export interface MediaListener {
  dtmf?(digit: string): void;
  voice?(active: boolean): void;
  speech?(result: { readonly transcript: string; readonly confidence: number }): void;
  /** An interim recognition result (a speech Gather's `partialResultCallback`). */
  partialSpeech?(result: PartialSpeechResult): void;
  /**
   * The far end hung up. A verb that sets this finishes itself (Record, Dial: their action is
   * still requested); a verb without it is abandoned through its signal.
   */
  hangup?(): void;
}

/** One child leg of a `<Dial>`: its own call record, events and status callbacks. */
export interface DialLegHandle {
  readonly sid: string;
  /** Report a lifecycle step of the leg (status change, progress event, callback). */
  initiated(): void;
  ringing(): void;
  answered(): void;
  /** The leg's final state. */
  end(status: FinalStatus): void;
  /** The request parameters of the leg (section 2) as it is now. */
  params(): Record<string, string>;
  /**
   * Queue a notification of the leg's own (a whisper Gather's `partialResultCallback`), in
   * order with its status callbacks, before its `completed`.
   */
  notify(url: string, method: HttpMethod, params: Readonly<Record<string, string>>): void;
}

/** How a leg's whisper ended: its documents ran out (bridge it), or it declined. */
export type WhisperResult = 'accepted' | 'declined';

/** The leg's channel events as the dial hands them to its whisper. */
export interface LegEvents {
  /** Route the events to the running verb; null clears. */
  listen(listener: MediaListener | null): void;
  /** Whether the dialled party is talking right now. */
  readonly voiceActive: boolean;
}

/** What `VerbScope.whisper` needs. */
export interface WhisperStart {
  readonly leg: DialLegHandle;
  /** The answered leg's channel: the documents' media runs there. */
  readonly channel: Channel;
  /** The noun's `url`, resolved. */
  readonly url: string;
  readonly method: HttpMethod;
  /** Fires when the whisper must stop (the dial ended, another leg accepted, the leg hung up). */
  readonly signal: AbortSignal;
  readonly events: LegEvents;
}

/** What `createLeg` needs. */
export interface DialLegSpec {
  readonly sid: string;
  readonly to: string;
  readonly from: string;
  readonly statusCallback: string | null;
  readonly statusCallbackMethod: HttpMethod;
  readonly statusCallbackEvent: readonly ProgressEvent[];
}

/** Everything a verb may touch. */
export interface VerbScope {
  readonly clock: Clock;
  readonly channel: Channel;
  readonly capabilities: DriverCapabilities;
  /** Fires when the verb must stop at once (live change, engine hang-up, far-end hang-up). */
  readonly signal: AbortSignal;
  /** URL of the document the verb belongs to (after redirects). */
  readonly documentUrl: string;
  readonly call: CallIdentity;
  readonly limits: EngineLimits;
  /** Whether the call is answered (an inbound call may still be ringing). */
  readonly answered: boolean;
  /** Whether the far end hung up. */
  readonly hungUp: boolean;
  /** Whether the party is talking right now (voice activity). */
  readonly voiceActive: boolean;
  /** Answer an unanswered inbound call (the `answer` op, then the `answered` event). */
  answer(): Promise<void>;
  /** Route channel events to this verb (replaced by the next verb; cleared at verb end). */
  listen(listener: MediaListener): void;
  notice(code: ErrorCode, message: string, level?: 'warning' | 'error'): void;
  /** Resolve a reference against `documentUrl`; null when not http(s). */
  resolveUrl(reference: string): string | null;
  nextSid(prefix: 'CA' | 'RE' | 'SM' | 'MZ'): string;
  /**
   * A recording of this call is complete (the driver stopped it): register it as a Recordings
   * resource; returns the `RecordingUrl` to give the application.
   */
  recorded(recording: Omit<RecordingMade, 'accountSid' | 'callSid'>): string;
  /**
   * The call's media streams (`<Connect>`, `<Start>`, `<Stop>`); absent where streams cannot
   * run (a dial leg's whisper documents).
   */
  readonly streams?: CallStreams;
  /** The engine's conferences (`<Dial><Conference>`); absent where they cannot be joined. */
  readonly conferences?: ConferenceDesk;
  /** The engine's call queues (`<Enqueue>`, `<Dial><Queue>`); absent where queues cannot be used. */
  readonly queues?: QueueDesk;
  /**
   * Fetch a document for this call (the parameters of spec 2 plus `request.params`) without
   * running it: a verb's own documents (an `<Enqueue>` waitUrl). Counts against the fetch-rate
   * limit. Rejects when `signal` fires. Absent where a verb cannot fetch.
   */
  load?(request: DocumentLoad, signal: AbortSignal): Promise<LoadedDocument>;
  /** Queue a notification on the call's ordered callback queue. */
  notify(url: string, method: HttpMethod, params: Readonly<Record<string, string>>): void;
  sendSms(request: SmsRequest): Promise<'sent' | 'failed'>;
  createLeg(spec: DialLegSpec): DialLegHandle;
  /**
   * Run the whisper documents of an answered `<Dial>` leg (the noun's `url`, spec 4.6): fetched
   * with the leg's parameters, run on the leg's channel. Resolves `accepted` when they ran out
   * (bridge the leg) or `declined` (`<Hangup>`, a failure: reported as a notice); rejects when
   * `request.signal` fires.
   */
  whisper(request: WhisperStart): Promise<WhisperResult>;
  setTimer(fn: () => void, ms: number): TimerId;
  clearTimer(id: TimerId): void;
  /**
   * A restored call (`engine.restore`): the progress this verb recorded through
   * {@link VerbScope.progress} before the call was saved; absent otherwise. A verb that finds
   * it resumes from it instead of starting again.
   */
  readonly resumed?: VerbProgress;
  /**
   * Record the verb's progress (plain data; deadlines as absolute times on `clock`) so that a
   * saved call can resume it. Optional: scopes that cannot be saved (a leg's whisper) lack it.
   */
  progress?(state: VerbProgress): void;
}

/** What `VerbScope.load` fetches. */
export interface DocumentLoad {
  readonly url: string;
  readonly method: HttpMethod;
  readonly params: Readonly<Record<string, string>>;
}

/** A document `VerbScope.load` fetched (its verbs, to run through `executeVerb`), or why not. */
export type LoadedDocument =
  | {
      readonly ok: true;
      /** Its URL after redirects (what its relative references resolve against). */
      readonly url: string;
      readonly verbs: readonly Verb[];
      readonly warnings: readonly DocumentIssue[];
    }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

export const NEXT: VerbOutcome = { kind: 'next' };

/** Iterations asked of the driver: `loop="0"` and anything over the cap become the cap. */
export function loopCount(loop: number, cap: number): number {
  return loop <= 0 || loop > cap ? cap : loop;
}

/** A fetch outcome for an `action` (or Redirect) reference. */
export function fetchOutcome(
  scope: VerbScope,
  reference: string | null,
  method: HttpMethod,
  params: Readonly<Record<string, string>>,
): VerbOutcome {
  const written = reference ?? scope.documentUrl;
  return { kind: 'fetch', url: scope.resolveUrl(written), written, method, params };
}
