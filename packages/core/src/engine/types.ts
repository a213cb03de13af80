/**
 * The public shape of the engine that users embed: options, the call representation, the
 * event stream. `createEngine` (engine/createEngine.ts) implements it.
 */

import type { InspectionEvent } from 'xstate';
import type { PersistedCall } from '../call/persisted.js';
import type { Conferences } from '../conferences/conferences.js';
import type { ProgressEvent } from '../document/ast.js';
import type { ErrorCode } from '../errors.js';
import type {
  AnsweredBy,
  Channel,
  Clock,
  HttpPort,
  IdGenerator,
  Logger,
  MediaDriver,
  MessagingPort,
  NumberLookupPort,
  RecordingStore,
  StreamPort,
} from '../ports.js';
import type { Queues } from '../queues/queues.js';
import type { Recordings } from '../recordings/recordings.js';
import type { CreateCallParams, ModifyCallParams } from './params.js';

/** A call's status as the Calls API reports it (`CallStatus`). */
export type CallStatus =
  | 'queued'
  | 'initiated'
  | 'ringing'
  | 'in-progress'
  | 'completed'
  | 'busy'
  | 'failed'
  | 'no-answer'
  | 'canceled';

/** The statuses a call ends in; none changes afterwards. */
export type FinalStatus = 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';

/** How the call came to be: arrived, created through the Calls API, or a `<Dial>` leg. */
export type Direction = 'inbound' | 'outbound-api' | 'outbound-dial';

/** A call as the Calls API shows it. Times are epoch milliseconds from the engine's clock. */
export interface CallRecord {
  readonly sid: string;
  readonly parentCallSid: string | null;
  readonly accountSid: string;
  readonly to: string;
  readonly from: string;
  readonly status: CallStatus;
  readonly direction: Direction;
  readonly dateCreated: number;
  readonly dateUpdated: number;
  /** When the call was answered. */
  readonly startTime: number | null;
  readonly endTime: number | null;
  /** Whole seconds answered; null until the call ends. */
  readonly duration: number | null;
  readonly answeredBy: AnsweredBy | null;
  readonly apiVersion: string;
}

/** Limits that protect the engine (spec section 8); every one configurable. */
export interface EngineLimits {
  /** Calls alive at once (default 10,000). */
  readonly maxConcurrentCalls: number;
  /** Calls created per second, by `create` and `inbound` (default 1,000). */
  readonly maxCallsPerSecond: number;
  /** Document body bytes (default 65,536). */
  readonly maxDocumentBytes: number;
  /** HTTP redirects per fetch (default 10). */
  readonly maxRedirects: number;
  /** `loop` cap, also what `loop="0"` means (default 1000). */
  readonly maxLoop: number;
  /** Document fetches per call per minute (default 100). */
  readonly maxFetchesPerMinute: number;
  /** `<Dial>` targets (default 10). */
  readonly maxDialTargets: number;
}

/** Retries of status callbacks (connection failures and 5xx). */
export interface RetryPolicy {
  /** Delays before each retry, in ms (default [1000, 2000]: two retries). */
  readonly delaysMs: readonly number[];
}

/** Options of `createEngine`: the ports it talks through (driver, HTTP, clock, ids…), timeouts, limits and retries. */
export interface EngineOptions {
  readonly driver: MediaDriver;
  readonly http: HttpPort;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /**
   * Default: a counter seeded from the clock (unique per engine; see `createClockSeededIds`).
   * Replays use `createSequentialIds()`.
   */
  readonly ids?: IdGenerator;
  /** Default: silent. */
  readonly logger?: Logger;
  /** Needed for `<Sms>`; without it `<Sms>` reports `failed`. */
  readonly messaging?: MessagingPort;
  /**
   * The WebSocket client of media streams (`<Connect><Stream>`, `<Start><Stream>`), e.g.
   * `createStreamPort` of `@rcml/webhook`. Without it those verbs report notice 14107.
   */
  readonly streams?: StreamPort;
  /**
   * Where outbound calls' numbers are (spec 9.1): asked for `From` and `To` when a call is
   * created; what it knows is sent as `FromCity`… / `ToCity`… on every request of the call.
   * Default: nothing is known, nothing is sent.
   */
  readonly numbers?: NumberLookupPort;
  /** Default account for `create` and `inbound` (default `AC` + 32 zeros). */
  readonly accountSid?: string;
  /** `ApiVersion` parameter (default `2012-04-24`). */
  readonly apiVersion?: string;
  /** Document fetch timeout in ms (default 15,000). */
  readonly fetchTimeoutMs?: number;
  readonly callbackRetry?: RetryPolicy;
  readonly limits?: Partial<EngineLimits>;
  /** Finished calls kept for `get` and `list` (default 10,000; the oldest are forgotten). */
  readonly retainFinishedCalls?: number;
  /**
   * Where recordings' audio is kept (the Recordings resource's media): each recording's WAV is
   * copied from the driver (`MediaDriver.recordingAudio`) when it is complete. Default: none,
   * the audio is asked of the driver when it is downloaded.
   */
  readonly recordingStore?: RecordingStore;
  /**
   * The `RecordingUrl` given to applications for a recording, e.g. the Recordings resource of
   * the server's Calls API. Default: the URL the driver gave.
   */
  readonly recordingUrl?: (recording: { readonly sid: string; readonly accountSid: string }) => string;
  /**
   * Whether a conference participant waiting for its room to start hears the `<Conference
   * waitUrl>` documents (default true). Replays turn it off unless the scenario asks
   * (`options.conferenceWaitUrl`), so earlier scenarios keep their timelines.
   */
  readonly conferenceWaitUrl?: boolean;
  /**
   * An xstate inspector given to every call's actor (`createActor(callMachine, { inspect })`):
   * it sees each call's events, transitions and actions, e.g. `createBrowserInspector().inspect`
   * of `@statelyai/inspect`, or a function that logs. Default: none (inspection costs).
   */
  readonly inspect?: (event: InspectionEvent) => void;
}

/** Who a call belongs to; `create` and `inbound` accept it to serve several accounts. */
export interface CallOwner {
  readonly accountSid?: string;
  /**
   * The API version the call was created through (e.g. `2010-04-01` for a call created under
   * `/2010-04-01/`): its `ApiVersion` on every request and its `api_version`. Default: the
   * engine's `apiVersion` option. Ignored for inbound calls.
   */
  readonly apiVersion?: string;
}

/**
 * The application configured for the number an inbound call dialled, plus From/To and what
 * the telephony server knows about the caller (spec 1.3, 2, 9.1). Unknown keys are a type error.
 */
export interface InboundParams {
  readonly From: string;
  readonly To: string;
  readonly Url: string;
  readonly Method?: string;
  readonly FallbackUrl?: string;
  readonly FallbackMethod?: string;
  readonly StatusCallback?: string;
  readonly StatusCallbackMethod?: string;
  readonly StatusCallbackEvent?: string;
  readonly CallerName?: string;
  readonly ForwardedFrom?: string;
  /** Geographic parameters (spec 9.1), sent on every request of the call when given. */
  readonly FromCity?: string;
  readonly FromState?: string;
  readonly FromZip?: string;
  readonly FromCountry?: string;
  readonly ToCity?: string;
  readonly ToState?: string;
  readonly ToZip?: string;
  readonly ToCountry?: string;
}

/** Which calls `Engine.list` returns, and how many per page. */
export interface ListFilter {
  readonly accountSid?: string;
  readonly to?: string;
  readonly from?: string;
  readonly status?: CallStatus;
  readonly parentCallSid?: string;
  /** Default 50, at most 1000. */
  readonly pageSize?: number;
  /** From 0. */
  readonly page?: number;
}

/** One page of `Engine.list`, newest first. */
export interface CallPage {
  readonly calls: readonly CallRecord[];
  readonly page: number;
  readonly pageSize: number;
  /** Total matching calls. */
  readonly total: number;
}

/** Everything observable about the engine's calls, in the order it happened. */
export type EngineEvent =
  | {
      readonly type: 'status';
      readonly callSid: string;
      readonly status: CallStatus;
      readonly at: number;
    }
  | {
      /** A call-progress event (sent to the StatusCallback when subscribed). */
      readonly type: 'progress';
      readonly callSid: string;
      readonly event: ProgressEvent;
      readonly params: Readonly<Record<string, string>>;
      readonly at: number;
    }
  | {
      readonly type: 'notice';
      readonly callSid: string | null;
      readonly code: ErrorCode;
      readonly level: 'warning' | 'error';
      readonly message: string;
      readonly at: number;
    }
  | {
      /** An HTTP request issued (each hop and each callback attempt). */
      readonly type: 'request';
      readonly callSid: string;
      readonly kind: 'fetch' | 'callback';
      readonly method: string;
      readonly url: string;
      readonly params: Readonly<Record<string, string>>;
      readonly at: number;
    }
  | {
      /** A verb started or ended (tracing). */
      readonly type: 'verb';
      readonly phase: 'start' | 'end';
      readonly callSid: string;
      readonly verb: string;
      readonly detail: Readonly<Record<string, unknown>>;
      readonly at: number;
    }
  | {
      /** A key pressed by the call's party. */
      readonly type: 'dtmf';
      readonly callSid: string;
      readonly digit: string;
      readonly at: number;
    };

/**
 * What `createEngine` adds to {@link Engine} about the call machine (`callMachine`): each live
 * call's state, and saving and restoring a call (docs/embedding.md).
 */
export interface EngineMachine {
  /**
   * The state of a live call in the call machine, e.g. `{ session: 'verb' }` or `'detecting'`;
   * `undefined` for an unknown or ended call.
   */
  snapshot(callSid: string): CallMachineState | undefined;
  /**
   * Save a live call as plain JSON data: its state in the call machine, its records, the
   * running verb's progress (a keys-only `<Gather>` waiting for input keeps its keys and its
   * deadline). Only while the call fetches a document or runs a verb (else 21220; 20404 for
   * an unknown call). With `release: true` this engine lets the call go (no media operation,
   * no request): another engine continues it with {@link EngineMachine.restore}.
   */
  persist(callSid: string, options?: { readonly release?: boolean }): PersistedCall;
  /**
   * Continue a saved call on `channel` (the driver's channel of that call): the actor starts
   * in the saved state, `RESUME` re-attaches the channel and restarts the step the call was
   * in (a resumable verb resumes). Returns the call as the Calls API shows it.
   */
  restore(saved: PersistedCall, channel: Channel): CallRecord;
}

/** A state of the call machine: a state name, or a parent state and its child's state. */
export type CallMachineState = string | { readonly [state: string]: CallMachineState };

/** How `Engine.shutdown` ends the live calls and how long it waits. */
export interface ShutdownOptions {
  /** `drain` waits for calls to end on their own; `hangup` (default) ends them at once. */
  readonly mode?: 'drain' | 'hangup';
  /** How long to wait for calls and callbacks (default 10,000 ms). */
  readonly deadlineMs?: number;
}

/** The engine: the calls registry and the Calls API semantics. */
export interface Engine {
  /**
   * Create an outbound call from Calls API parameters (strings as a REST client sends them,
   * numbers and booleans where the API takes them). Throws `RcmlError` 20001 naming the
   * parameter (`error.field`) for invalid input, the document's code (12100, 12102, 12200,
   * 12400) with `field` `Twiml` for an invalid inline document, 20429 when a limit is reached,
   * 20503 after shutdown. Parameters this engine does not implement are reported as 13911
   * notices of the new call. An HTTP layer holding any strings passes them as
   * `params as unknown as CreateCallParams`: validation happens at run time.
   */
  create(params: CreateCallParams, owner?: CallOwner): CallRecord;
  /** Hand over an arriving call; its first fetch happens at once. */
  inbound(params: InboundParams, channel: Channel, owner?: CallOwner): CallRecord;
  /** The call with this SID (live or ended and still kept), or `undefined`. */
  get(callSid: string): CallRecord | undefined;
  /** Newest first. */
  list(filter?: ListFilter): CallPage;
  /**
   * Change a live call (spec 1.5). Throws 20404 unknown call, 21220 call not in progress,
   * 20409 `Url`, `Twiml` or `Status` together, 20001 invalid parameter, the document's code
   * with `field` `Twiml` for an invalid inline document (nothing is changed then).
   * Parameters this engine does not implement are reported as 13911 notices of the call.
   */
  modify(callSid: string, params: ModifyCallParams): CallRecord;
  /** The recordings the engine's calls made (the Recordings resource). */
  readonly recordings: Recordings;
  /** The call queues (`<Enqueue>`; the Queues and Members resources). */
  readonly queues: Queues;
  /** The conferences (`<Dial><Conference>`; the Conferences and Participants resources). */
  readonly conferences: Conferences;
  /** Listen to every event; returns the unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** Calls not yet in a final state. */
  readonly activeCalls: number;
  /** Stop accepting calls, end or drain the live ones, then flush callbacks. */
  shutdown(options?: ShutdownOptions): Promise<void>;
}
