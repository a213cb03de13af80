/**
 * The typed RCML document: what the parser produces, what the serializer reads and what the
 * verbs execute. Every default of spec section 4 is already applied. Phone numbers, digit
 * strings and URLs are kept exactly as written (trimmed), as strings; URLs are not resolved
 * here (the engine resolves them against the document's URL).
 */
import type { ErrorCode } from '../errors.js';

/** An HTTP method an attribute or parameter may name: `GET` or `POST`. */
export type HttpMethod = 'GET' | 'POST';

/** Where an element stands: `Response/Gather[1]/Say[2]` (1-based among siblings of that name). */
export interface Position {
  readonly path: string;
  /** 1-based line of the element's start tag, when known. */
  readonly line?: number;
}

/** A warning or error found in a document. */
export interface DocumentIssue {
  readonly code: ErrorCode;
  readonly message: string;
  readonly path?: string;
  readonly line?: number;
  /** The attribute at fault, for 13xxx warnings. */
  readonly attribute?: string;
}

/** `<Say>`: speak text (spec 4.1). */
export interface SayVerb {
  readonly kind: 'Say';
  /** Plain text (SSML tags removed, whitespace trimmed). */
  readonly text: string;
  /** The inner markup when the element holds SSML elements; absent for plain text. */
  readonly ssml?: string;
  /** `man` | `woman` | any provider voice name. Default `man`. */
  readonly voice: string;
  /** Default `en-US`. */
  readonly language: string;
  /** Iterations; `loop="0"` is stored as 0 (the engine maps it to the cap). Default 1. */
  readonly loop: number;
  readonly position: Position;
}

/** `<Play>`: play an audio URL, or send DTMF with `digits` (spec 4.2). */
export interface PlayVerb {
  readonly kind: 'Play';
  /** The media URL as written (may be relative); `''` when `digits` is used. */
  readonly url: string;
  /** DTMF to send instead of playing (`0-9 * # A-D w W`), or null. */
  readonly digits: string | null;
  readonly loop: number;
  readonly position: Position;
}

/** `<Pause>`: wait in silence (spec 4.3). */
export interface PauseVerb {
  readonly kind: 'Pause';
  /** Whole seconds, at least 1. Default 1. */
  readonly length: number;
  readonly position: Position;
}

/** What `<Gather input>` listens for: keys, speech, or both. */
export type GatherInput = 'dtmf' | 'speech' | 'dtmf speech';

/** `<Gather>`: collect keys or speech while its nested prompts play, then request `action` (spec 4.4). */
export interface GatherVerb {
  readonly kind: 'Gather';
  /** As written; null means "the current document's URL". */
  readonly action: string | null;
  readonly method: HttpMethod;
  readonly timeout: number;
  /** One of `0-9 * #`, or `''` for none. Default `#`. */
  readonly finishOnKey: string;
  /** null = unlimited. */
  readonly numDigits: number | null;
  readonly input: GatherInput;
  readonly actionOnEmptyResult: boolean;
  readonly bargeIn: boolean;
  /** Speech recognition language; absent means `en-US`. */
  readonly language?: string;
  /** `hints`, split on commas and trimmed; absent for none. */
  readonly hints?: readonly string[];
  /** Seconds of silence ending an utterance, or `auto`; absent means the `timeout` value. */
  readonly speechTimeout?: number | 'auto';
  /** As written (relative allowed); absent for none. */
  readonly partialResultCallback?: string;
  /** Absent means `POST`. */
  readonly partialResultCallbackMethod?: HttpMethod;
  readonly children: readonly (SayVerb | PlayVerb | PauseVerb)[];
  readonly position: Position;
}

/** `<Record>`: record the caller, then request `action` with the recording (spec 4.5). */
export interface RecordVerb {
  readonly kind: 'Record';
  readonly action: string | null;
  readonly method: HttpMethod;
  /** Seconds of silence that end the recording; 0 disables. Default 5. */
  readonly timeout: number;
  /** Default `1234567890*#`; `''` for none. */
  readonly finishOnKey: string;
  /** 1..14400, default 3600. */
  readonly maxLength: number;
  readonly playBeep: boolean;
  readonly trim: 'trim-silence' | 'do-not-trim';
  readonly recordingStatusCallback: string | null;
  readonly recordingStatusCallbackMethod: HttpMethod;
  readonly position: Position;
}

/** What `<Dial record>` records: nothing, from the answer or from ringing, mono or dual-channel. */
export type DialRecord =
  | 'do-not-record'
  | 'record-from-answer'
  | 'record-from-ringing'
  | 'record-from-answer-dual'
  | 'record-from-ringing-dual';

/** A call-progress event a status callback can subscribe to (spec 5). */
export type ProgressEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

/** What `<Number>`, `<Client>` and `<Sip>` share. */
export interface LegNounBase {
  /** The target as written (trimmed); for Client without any `client:` prefix handling. */
  readonly value: string;
  /** Document played to the answered party before bridging, or null. */
  readonly url: string | null;
  readonly method: HttpMethod;
  readonly statusCallback: string | null;
  /** Events for this leg's statusCallback; `['completed']` when a callback is set and none listed. */
  readonly statusCallbackEvent: readonly ProgressEvent[];
  readonly statusCallbackMethod: HttpMethod;
  readonly position: Position;
}

export interface NumberNoun extends LegNounBase {
  readonly kind: 'Number';
}
export interface ClientNoun extends LegNounBase {
  readonly kind: 'Client';
}
export interface SipNoun extends LegNounBase {
  readonly kind: 'Sip';
}
/** `<Conference>` inside `<Dial>`: join the named room. */
export interface ConferenceNoun {
  readonly kind: 'Conference';
  /** Room name, trimmed. */
  readonly value: string;
  readonly muted: boolean;
  /** `true` (default), `false`, `onEnter`, `onExit`. */
  readonly beep: 'true' | 'false' | 'onEnter' | 'onExit';
  readonly startConferenceOnEnter: boolean;
  readonly endConferenceOnExit: boolean;
  readonly waitUrl: string | null;
  /** Default 250. */
  readonly maxParticipants: number;
  /** `waitMethod` of `waitUrl`; absent means `POST`. */
  readonly waitMethod?: HttpMethod;
  /** `record-from-start` records the conference from its start; absent means `do-not-record`. */
  readonly record?: 'do-not-record' | 'record-from-start';
  /** Absent means `trim-silence`. */
  readonly trim?: 'trim-silence' | 'do-not-trim';
  /** The CallSid of the participant this one coaches (heard by that one only). */
  readonly coach?: string;
  /** Conference status callback (as written) and its events; absent for none. */
  readonly statusCallback?: string;
  readonly statusCallbackEvent?: readonly ConferenceEventName[];
  /** Absent means `POST`. */
  readonly statusCallbackMethod?: HttpMethod;
  /** Notified when the conference recording is ready; absent for none. */
  readonly recordingStatusCallback?: string;
  /** Absent means `POST`. */
  readonly recordingStatusCallbackMethod?: HttpMethod;
  readonly position: Position;
}

/** A conference event a `<Conference statusCallback>` can subscribe to (TwiML's names). */
export type ConferenceEventName = 'start' | 'end' | 'join' | 'leave' | 'mute' | 'hold' | 'speaker';
/** One target of a `<Dial>`: a number, a client, a SIP URI or a conference room. */
export type DialNoun = NumberNoun | ClientNoun | SipNoun | ConferenceNoun;

/** `<Dial>`: call one or more targets and bridge the first that answers (spec 4.6). */
export interface DialVerb {
  readonly kind: 'Dial';
  readonly action: string | null;
  readonly method: HttpMethod;
  /** 5..600, default 30. */
  readonly timeout: number;
  /** Default 14400. */
  readonly timeLimit: number;
  /** null = the call's From (inbound: the caller). */
  readonly callerId: string | null;
  readonly hangupOnStar: boolean;
  readonly record: DialRecord;
  /**
   * The targets in document order. Plain text in `<Dial>` becomes one noun: a Number, a Sip
   * when it contains `@`, or a Client when it starts with `client:` (prefix removed).
   */
  readonly nouns: readonly DialNoun[];
  /** `<Dial><Queue>`: take the first caller off this queue instead (then `nouns` is empty). */
  readonly queue?: QueueNoun;
  readonly position: Position;
}

/** `<Queue>` inside `<Dial>`: connect with the first caller waiting in the named queue (TwiML). */
export interface QueueNoun {
  readonly kind: 'Queue';
  /** Queue name, trimmed. */
  readonly value: string;
  /** Document played to the dequeued caller before the two are connected, or null. */
  readonly url: string | null;
  readonly method: HttpMethod;
  readonly position: Position;
}

/** `<Enqueue>`: put the caller in a queue until someone takes it off, or it leaves (TwiML). */
export interface EnqueueVerb {
  readonly kind: 'Enqueue';
  /** Queue name, trimmed (at most 64 characters). */
  readonly queue: string;
  /** Requested when the caller leaves the queue, with `QueueResult`; null: the next verb runs. */
  readonly action: string | null;
  readonly method: HttpMethod;
  /** Documents run (in a loop) while the caller waits; null: the caller waits in silence. */
  readonly waitUrl: string | null;
  readonly waitUrlMethod: HttpMethod;
  readonly position: Position;
}

/** `<Leave>`: in a `waitUrl` document, take the caller out of its queue (TwiML). */
export interface LeaveVerb {
  readonly kind: 'Leave';
  readonly position: Position;
}

/** `<Hangup>`: end the call (spec 4.7). */
export interface HangupVerb {
  readonly kind: 'Hangup';
  readonly position: Position;
}

/** `<Redirect>`: fetch another document and run it instead (spec 4.8). */
export interface RedirectVerb {
  readonly kind: 'Redirect';
  /** Non-empty; may be relative. */
  readonly url: string;
  readonly method: HttpMethod;
  readonly position: Position;
}

/** `<Reject>`: refuse an unanswered call (spec 4.9). */
export interface RejectVerb {
  readonly kind: 'Reject';
  readonly reason: 'rejected' | 'busy';
  readonly position: Position;
}

/** `<Sms>`: send a text message through the messaging port (spec 4.10). */
export interface SmsVerb {
  readonly kind: 'Sms';
  readonly body: string;
  /** null = the other party of the call. */
  readonly to: string | null;
  /** null = the number of this side. */
  readonly from: string | null;
  readonly action: string | null;
  readonly method: HttpMethod;
  readonly statusCallback: string | null;
  readonly position: Position;
}

/** What a `<Stream>` sends: the caller's audio, the audio played to the caller, or both. */
export type StreamTrack = 'inbound_track' | 'outbound_track' | 'both_tracks';

/** `<Parameter name value>` inside `<Stream>`: a custom parameter of the `start` message. */
export interface StreamParameter {
  readonly name: string;
  readonly value: string;
}

/**
 * `<Stream>` inside `<Connect>` or `<Start>`: the call's audio over a WebSocket (TwiML media
 * streams). Inside `<Stop>` only `name` matters.
 */
export interface StreamNoun {
  readonly kind: 'Stream';
  /** `ws://` or `wss://` URL as written (may be relative); `''` inside `<Stop>`. */
  readonly url: string;
  /** The stream's name (what `<Stop><Stream name>` refers to), or null. */
  readonly name: string | null;
  /** Default `inbound_track`; `<Connect>` always streams `inbound_track`. */
  readonly track: StreamTrack;
  readonly statusCallback: string | null;
  readonly statusCallbackMethod: HttpMethod;
  /** The nested `<Parameter>`s in document order (`customParameters` of `start`). */
  readonly parameters: readonly StreamParameter[];
  readonly position: Position;
}

/**
 * `<Connect><Stream>`: a bidirectional media stream; the call stays in the verb until the
 * socket closes, then requests `action` (or runs the next verb).
 */
export interface ConnectVerb {
  readonly kind: 'Connect';
  readonly action: string | null;
  readonly method: HttpMethod;
  readonly stream: StreamNoun;
  readonly position: Position;
}

/** `<Start><Stream>`: fork the call's audio to a WebSocket; execution continues at once. */
export interface StartVerb {
  readonly kind: 'Start';
  readonly stream: StreamNoun;
  readonly position: Position;
}

/** `<Stop><Stream name>`: stop a stream started by `<Start>` (every one when `name` is absent). */
export interface StopVerb {
  readonly kind: 'Stop';
  /** The stream to stop, or null for every forked stream of the call. */
  readonly name: string | null;
  readonly position: Position;
}

/** Any verb of a document, told apart by `kind`. */
export type Verb =
  | SayVerb
  | PlayVerb
  | PauseVerb
  | GatherVerb
  | RecordVerb
  | DialVerb
  | HangupVerb
  | RedirectVerb
  | RejectVerb
  | SmsVerb
  | EnqueueVerb
  | LeaveVerb
  | ConnectVerb
  | StartVerb
  | StopVerb;

/** The element name of a verb: `'Say'`, `'Play'`, … */
export type VerbKind = Verb['kind'];

/** A validated document: the verbs of `<Response>` in order. Immutable; safe to cache and share. */
export interface RcmlDocument {
  readonly verbs: readonly Verb[];
}

/** The outcome of parsing: a document and its warnings, or a failure with a stable code. */
export type ParseResult =
  | { readonly ok: true; readonly document: RcmlDocument; readonly warnings: readonly DocumentIssue[] }
  | { readonly ok: false; readonly error: DocumentIssue; readonly warnings: readonly DocumentIssue[] };
