/**
 * The seams of the engine. Everything nondeterministic (time, HTTP, media, ids, logging,
 * messaging) comes in through these interfaces, so the core runs the same on a real media
 * server and on a simulated clock.
 */
import type { DialRecord, GatherInput, HttpMethod } from './document/ast.js';

// ---------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------

/** Opaque timer handle. */
export type TimerId = unknown;

/**
 * Time. `now()` is milliseconds since the Unix epoch. The same object is given to xstate's
 * `createActor(machine, { clock })`, so its shape matches xstate's clock.
 */
export interface Clock {
  /** The current time in milliseconds since the Unix epoch. */
  now(): number;
  /** Call `fn` once after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(fn: (...args: unknown[]) => void, ms: number): TimerId;
  /** Cancel a timer that has not fired yet (an unknown or fired handle is ignored). */
  clearTimeout(id: TimerId): void;
}

// ---------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------

/** One HTTP request the engine makes (a single hop: the engine follows redirects itself). */
export interface HttpRequest {
  readonly method: HttpMethod;
  /** Absolute http(s) URL, without the parameters (GET: the transport appends them to the query). */
  readonly url: string;
  /** Request parameters in the order they are sent. POST: form body; GET: query string. */
  readonly params: Readonly<Record<string, string>>;
  /** `fetch`: an RCML document request; `callback`: a notification whose answer does not steer the call. */
  readonly kind: 'fetch' | 'callback';
  /** The call the request belongs to (sent in a header for tracing). */
  readonly callSid: string;
  /** The account, for choosing the signing key. */
  readonly accountSid: string;
  /** Aborted when the engine gives up on the request (fetch timeout, live change, hang-up). */
  readonly signal: AbortSignal;
}

/** The answer to one hop. Non-2xx statuses are answers, not errors. */
export interface HttpResponse {
  readonly status: number;
  /** The Content-Type header value, or null. */
  readonly contentType: string | null;
  /** The Location header, for 3xx. */
  readonly location: string | null;
  /** The body, decoded as UTF-8 text (audio bodies may be left empty by the transport). */
  readonly body: string;
}

/**
 * The HTTP transport. `send` resolves with any HTTP answer and rejects with an `RcmlError`
 * for transport failures: 11205 (refused, reset, timeout), 11210 (bad host name, or a host
 * refused by the SSRF guard), 11750 (body over the cap).
 */
export interface HttpPort {
  /** Make one request (one hop); resolves with any HTTP status, rejects only for transport failures. */
  send(request: HttpRequest): Promise<HttpResponse>;
}

// ---------------------------------------------------------------------------------------
// Media
// ---------------------------------------------------------------------------------------

/**
 * Who answered, when detection ran: `human`, `machine` or `unknown` for `DetectVoicemail`
 * (spec 6); TwiML's values for `MachineDetection` (spec 9.3).
 */
export type AnsweredBy =
  | 'human'
  | 'machine'
  | 'unknown'
  | 'machine_start'
  | 'machine_end_beep'
  | 'machine_end_silence'
  | 'machine_end_other'
  | 'fax';

/**
 * How who-answered is detected on an outbound call: `voicemail` (`DetectVoicemail`, spec 6),
 * `Enable` or `DetectMessageEnd` (`MachineDetection`, spec 9.3).
 */
export type DetectionMode = 'voicemail' | 'Enable' | 'DetectMessageEnd';

/** A speech recognition result (spec 4.4 "Speech"). */
export interface SpeechResult {
  /** The recognised text; `''` for voice without words. */
  readonly transcript: string;
  /** 0 to 1, as the recogniser reports it. */
  readonly confidence: number;
}

/** An interim recognition result (`partialResultCallback`). */
export interface PartialSpeechResult {
  /** The part of the utterance that may still change. */
  readonly unstable: string;
  /** The part the recogniser will not change any more. */
  readonly stable: string;
}

/** Events of one channel (a call or a dial leg), reported by the driver. */
export interface ChannelHandler {
  /** Outbound: the far end is ringing. */
  ringing(): void;
  /** Outbound: the far end picked up. */
  answered(): void;
  /**
   * Outbound, with detection requested: the result, in the values of the mode asked for
   * (`OriginateRequest.detection`). May come with or after `answered` (`DetectMessageEnd`:
   * when the machine's greeting ended).
   */
  detected(answeredBy: AnsweredBy): void;
  /** Outbound: the line is busy. */
  busy(): void;
  /** Outbound: the call could not be connected. */
  failed(reason: string): void;
  /** A DTMF key (`0-9 * # A-D`) from this channel's party. */
  dtmf(digit: string): void;
  /** Voice activity of this channel's party started (`true`) or stopped (`false`). */
  voice(active: boolean): void;
  /**
   * A speech recognition result during a `gather` with speech input: the words of the
   * utterance so far, reported when the recogniser knows them (in the simulated driver: when
   * the voice stops). With a numeric `speechTimeout` the engine ends the utterance itself
   * (`speechTimeout` seconds after the last voice); with `auto` this result ends it.
   */
  speech(result: SpeechResult): void;
  /** An interim result during a speech `gather` (optional: recognisers that produce them). */
  partialSpeech?(result: PartialSpeechResult): void;
  /** The far end hung up (or the channel vanished). */
  hangup(): void;
}

/** What the engine asks of {@link Channel.say}: the text of a `<Say>` with its voice, language and loop. */
export interface SayRequest {
  /** Plain text (SSML removed). */
  readonly text: string;
  /** The SSML markup when the document had any; drivers without SSML speak `text`. */
  readonly ssml?: string;
  readonly voice: string;
  readonly language: string;
  /** Iterations asked of the driver (`loop="0"` arrives as the loop cap, 1000). */
  readonly loop: number;
}

/** What the engine asks of {@link Channel.play}: an absolute media URL and its loop count. */
export interface PlayRequest {
  /** Absolute URL. */
  readonly url: string;
  readonly loop: number;
}

/** `media-unavailable`: the URL could not be fetched (notice 13227, execution continues). */
export type PlayOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'media-unavailable' };

/** What the engine asks of {@link Channel.sendDigits} (`<Play digits>`). */
export interface DigitsRequest {
  /** `0-9 * # A-D w W` (`w` waits 0.5 s, `W` 1 s). */
  readonly digits: string;
}

/** What the engine asks of {@link Channel.pause}: `length` whole seconds of silence. */
export interface PauseRequest {
  readonly length: number;
}

/**
 * Announces input collection; digits then arrive through `ChannelHandler.dtmf`. With speech
 * in `input` (and `DriverCapabilities.speech`), the driver's recogniser listens from now until
 * the signal aborts, reporting voice through `voice` and words through `speech`.
 */
export interface GatherRequest {
  readonly input: GatherInput;
  readonly timeout: number;
  /** `''` when none. */
  readonly finishOnKey: string;
  /** null = unlimited. */
  readonly numDigits: number | null;
  /** Recognition language (default `en-US`). */
  readonly language?: string;
  /** Words or phrases that help the recogniser (`hints`, split on commas). */
  readonly hints?: readonly string[];
  /** Seconds of silence that end an utterance, or `auto` (the recogniser decides). */
  readonly speechTimeout?: number | 'auto';
}

/** What the engine asks of {@link Channel.record}: the resolved attributes of a `<Record>`. */
export interface RecordRequest {
  readonly maxLength: number;
  readonly timeout: number;
  readonly finishOnKey: string;
  readonly playBeep: boolean;
  readonly trim: 'trim-silence' | 'do-not-trim';
  /** The SID the engine gave this recording. */
  readonly recordingSid: string;
}

/** What the engine asks of {@link Channel.recordCall} (`Record=true` on create, spec 9.4). */
export interface CallRecordRequest {
  /** The SID the engine gave this recording (`RE…`). */
  readonly recordingSid: string;
  /** One channel per party (`RecordingChannels=dual`) instead of a mono mix. */
  readonly dual: boolean;
}

/** A recording in progress. The engine decides when it ends (silence, keys, maxLength). */
export interface RecordingSession {
  /** Stop recording; resolves with where the file can be fetched. */
  stop(): Promise<{ readonly url: string }>;
}

/** The kind of a `<Dial>` target. */
export type DialTargetType = 'number' | 'client' | 'sip' | 'conference';

/** One target of a {@link DialRequest}, with the SID of the leg the engine made for it. */
export interface DialTarget {
  readonly type: DialTargetType;
  /** Number without formatting characters, client name without `client:`, SIP URI, or room name. */
  readonly to: string;
  /** The child leg's SID. */
  readonly callSid: string;
  /** Conference options, for `type: 'conference'`. */
  readonly conference?: {
    readonly muted: boolean;
    readonly beep: 'true' | 'false' | 'onEnter' | 'onExit';
    readonly startConferenceOnEnter: boolean;
    readonly endConferenceOnExit: boolean;
    readonly maxParticipants: number;
  };
}

/** What the engine asks of {@link Channel.dial}: the targets of a `<Dial>` and its resolved attributes. */
export interface DialRequest {
  readonly targets: readonly DialTarget[];
  readonly timeout: number;
  readonly timeLimit: number;
  readonly callerId: string;
  readonly hangupOnStar: boolean;
  readonly record: DialRecord;
}

/**
 * The legs of a `<Dial>`, one channel per target in order. The engine listens to each leg,
 * bridges the first to answer with `bridge`, and ends the others with their `hangup`.
 * A conference target reports `answered` as soon as it has joined the room.
 */
export interface DialSession {
  readonly legs: readonly Channel[];
  /** Connect the caller with the answered leg. */
  bridge(index: number): Promise<void>;
  /**
   * Record this dial (`<Dial record>`). Optional: a driver without it cannot record a dial
   * (the engine warns with notice 14105 and the dial goes on unrecorded). The engine calls it
   * once per dial: with `fromRinging` right after `dial` returned (record the caller from the
   * start of the dial), otherwise right after `bridge(index)` (record the bridged call; the
   * driver starts once its bridge is up). The engine stops it when the dial ends; aborting
   * `signal` discards the recording. A rejection is reported as notice 14103.
   */
  record?(request: DialRecordRequest, signal: AbortSignal): Promise<RecordingSession>;
}

/** What the engine asks of {@link DialSession.record}. */
export interface DialRecordRequest {
  /** The SID the engine gave this recording (`RE…`). */
  readonly recordingSid: string;
  /** `record-from-ringing[-dual]`: record from the start of the dial, ringback included. */
  readonly fromRinging: boolean;
  /** `…-dual`: one channel per party (two-channel file) instead of a mono mix. */
  readonly dual: boolean;
}

/**
 * One call leg on the media server. Every operation takes an `AbortSignal`: when it fires the
 * driver stops the media at once and the promise settles (resolve or reject; the engine
 * ignores the outcome of an aborted operation). Operations resolve when the media has ended.
 *
 * Drivers never call the handler synchronously from inside `originate`, `dial` or `listen`.
 */
export interface Channel {
  /** The driver's own id for the channel (for logs). */
  readonly id: string;
  /** Set the handler for this channel's events (replaces any earlier one). */
  listen(handler: ChannelHandler): void;
  /** Answer an arriving call; resolves once it is answered. */
  answer(signal: AbortSignal): Promise<void>;
  /** Speak; resolves when speech ends, rejects when `signal` aborts. */
  say(request: SayRequest, signal: AbortSignal): Promise<void>;
  /** Play media; resolves when playback ends or the media cannot be fetched. */
  play(request: PlayRequest, signal: AbortSignal): Promise<PlayOutcome>;
  /** Send DTMF tones to the far end; resolves when all are sent. */
  sendDigits(request: DigitsRequest, signal: AbortSignal): Promise<void>;
  /** Stay silent for `request.length` seconds; resolves when the time is up. */
  pause(request: PauseRequest, signal: AbortSignal): Promise<void>;
  /** Start input collection (speech recognition when asked and available). Resolves at once. */
  gather(request: GatherRequest, signal: AbortSignal): Promise<void>;
  /** Start recording (after the beep when asked). Aborting discards the recording. */
  record(request: RecordRequest, signal: AbortSignal): Promise<RecordingSession>;
  /**
   * Record the whole call from now on (`Record=true` on create, spec 9.4); the engine stops it
   * when the call ends. Optional: without it the engine reports notice 14103 and the call goes
   * on unrecorded. Aborting `signal` discards the recording.
   */
  recordCall?(request: CallRecordRequest, signal: AbortSignal): Promise<RecordingSession>;
  /**
   * Connect this call's audio with another live call's until `signal` aborts (`<Dial><Queue>`:
   * the agent and the caller it took off a queue); resolves once connected. Optional: without
   * it the engine reports notice 14103 and that dial fails.
   */
  connect?(other: Channel, signal: AbortSignal): Promise<void>;
  /**
   * A `<Dial><Conference>` leg: mute (`true`) or unmute the participant in the room (the
   * Participants resource's `Muted`). Optional: without it the engine reports notice 14103.
   */
  mute?(muted: boolean): Promise<void>;
  /**
   * A `<Dial><Conference>` leg: take the participant out of the mix and silence it (`true`), or
   * put it back (`Hold`); the engine plays `HoldUrl` to the caller itself. Optional (14103).
   */
  hold?(held: boolean): Promise<void>;
  /** Ring the targets in parallel. Aborting cancels every leg that is not bridged. */
  dial(request: DialRequest, signal: AbortSignal): DialSession;
  /** End the call (or cancel an outbound attempt that has not been answered). */
  hangup(): Promise<void>;
  /**
   * Cancel an outbound attempt or a `<Dial>` leg that has not been answered. Optional: the
   * engine uses it when present so that a cancel is never mistaken for a `hangup` media
   * operation (the replay timeline records `hangup` only when the engine ends a call itself);
   * without it the engine falls back to `hangup`.
   */
  cancel?(): Promise<void>;
  /** Refuse an unanswered inbound call. */
  reject(reason: 'rejected' | 'busy'): Promise<void>;
  /**
   * Stream this channel's audio (`<Connect><Stream>`, `<Start><Stream>`): 20 ms frames of
   * 8 kHz μ-law reach `handler.media` from now until `signal` aborts; with `bidirectional`,
   * audio queued through the returned session is played to the party in order. Optional: a
   * driver without it cannot stream (the engine reports notice 14107 and the verb ends).
   */
  mediaStream?(
    request: MediaStreamRequest,
    handler: MediaStreamHandler,
    signal: AbortSignal,
  ): MediaStreamSession;
}

/** A track of a media stream: the party's audio (`inbound`) or the audio played to it (`outbound`). */
export type MediaTrack = 'inbound' | 'outbound';

/** What the engine asks of {@link Channel.mediaStream}. */
export interface MediaStreamRequest {
  /** The tracks to deliver (`both_tracks`: both). */
  readonly tracks: readonly MediaTrack[];
  /** `<Connect><Stream>`: the application's audio is played to the party. */
  readonly bidirectional: boolean;
}

/** Where a driver delivers a media stream's audio. */
export interface MediaStreamHandler {
  /**
   * One frame of `track`: 20 ms of 8 kHz μ-law (160 bytes); `timestamp` is milliseconds since
   * the stream started. Frames of a track arrive in order, one every 20 ms.
   */
  media(track: MediaTrack, payload: Uint8Array, timestamp: number): void;
  /** Bidirectional: the audio queued before mark `name` has been played (or was cleared). */
  markPlayed(name: string): void;
}

/** The bidirectional side of a media stream: audio and marks for the party, in order. */
export interface MediaStreamSession {
  /** Queue μ-law audio (any length) after what is already queued; played at 20 ms per 160 bytes. */
  play(payload: Uint8Array): void;
  /** Queue a mark: `markPlayed(name)` once the audio queued before it has been played. */
  mark(name: string): void;
  /** Drop the queued audio; every pending mark is reported played at once, in order. */
  clear(): void;
}

// ---------------------------------------------------------------------------------------
// Media streams: the WebSocket client (TwiML's media-stream protocol runs in the core)
// ---------------------------------------------------------------------------------------

/** What the engine asks of {@link StreamPort.open}. */
export interface StreamOpenRequest {
  /** Absolute `ws://` or `wss://` URL. */
  readonly url: string;
  /** The call the stream belongs to (for tracing). */
  readonly callSid: string;
  /** The stream's SID (`MZ…`), as its `start` message will carry it. */
  readonly streamSid: string;
  /** The stream's `name`, when the document gave one. */
  readonly name: string | null;
  /** The account, for choosing the signing key (`X-Twilio-Signature` on the upgrade). */
  readonly accountSid: string;
  /** Aborting gives up the connection attempt (the call ended, the verb was left). */
  readonly signal: AbortSignal;
}

/** Events of an open stream socket. */
export interface StreamSocketHandler {
  /** A text message from the application. */
  message(text: string): void;
  /** The socket closed (by either side, or broke); called once. */
  closed(code: number, reason: string): void;
}

/** An open WebSocket to a media-stream application. */
export interface StreamSocket {
  /** Send one text message (dropped once the socket is closing). */
  send(text: string): void;
  /**
   * Bytes sent but not yet written to the network (optional). While it is over the engine's
   * limit, the stream drops `media` frames instead of queueing them (warning 31924, once).
   */
  readonly bufferedBytes?: number;
  /** Close the socket (normal closure); `closed` follows. */
  close(): void;
}

/**
 * The WebSocket client of media streams. `open` resolves once the upgrade succeeded and
 * rejects with an `RcmlError`: 11210 (host refused by the SSRF guard, bad host name) or 31920
 * (refused, handshake failed, timeout).
 */
export interface StreamPort {
  /** Connect to `request.url`; `handler` receives the socket's messages from then on. */
  open(request: StreamOpenRequest, handler: StreamSocketHandler): Promise<StreamSocket>;
}

/** What the engine asks of {@link MediaDriver.originate}: the outbound call to place. */
export interface OriginateRequest {
  readonly callSid: string;
  readonly to: string;
  readonly from: string;
  /** Seconds the engine will let it ring (the engine also enforces it). */
  readonly timeout: number;
  readonly detectVoicemail: boolean;
  /**
   * Detection asked of the driver, when any: `voicemail` with `detectVoicemail`, or a
   * `MachineDetection` mode. Absent means `detectVoicemail` alone decides.
   */
  readonly detection?: DetectionMode | null;
  /** Seconds the engine waits for the detection result after the answer (then `unknown`). */
  readonly detectionTimeout?: number;
}

/** What a driver can do beyond the basics; the engine adapts (and warns) where it cannot. */
export interface DriverCapabilities {
  /** The driver speaks SSML. */
  readonly ssml: boolean;
  /**
   * The driver has a speech recogniser: in a `gather` with speech input it reports `voice`
   * and `speech` (and optionally `partialSpeech`). Without it the engine warns 13335.
   */
  readonly speech: boolean;
  /** The driver reports `detected` for outbound calls asked to detect who answered. */
  readonly voicemailDetection: boolean;
}

/** A media server. Inbound calls reach the engine as channels handed to `engine.inbound`. */
export interface MediaDriver {
  readonly capabilities: DriverCapabilities;
  /** Place an outbound call; progress comes through the channel's handler. */
  originate(request: OriginateRequest): Channel;
  /**
   * The audio of a recording this driver made, as a WAV file (the Recordings resource's media).
   * Optional: without it a recording's audio is served only from the engine's
   * {@link RecordingStore}, when the embedding server put it there.
   */
  recordingAudio?(recording: RecordingRef): Promise<Uint8Array>;
}

/** A recording as {@link MediaDriver.recordingAudio} is asked for it. */
export interface RecordingRef {
  /** The SID the engine gave the recording. */
  readonly recordingSid: string;
  /** The URL the driver gave when it stopped. */
  readonly url: string;
}

/**
 * Where the engine keeps recordings' audio (WAV files), e.g. a folder (`@rcml/api`'s
 * `createFolderRecordingStore`). Pluggable: object storage works the same.
 */
export interface RecordingStore {
  /** Keep the audio of `recordingSid` (replacing any earlier one). */
  save(recordingSid: string, wav: Uint8Array): Promise<void>;
  /** The audio, or undefined when the store has none. */
  load(recordingSid: string): Promise<Uint8Array | undefined>;
  /** Delete the audio (nothing when there is none). */
  remove(recordingSid: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// Ids, logging, messaging
// ---------------------------------------------------------------------------------------

/** Makes SIDs: a two-letter prefix and 32 hex characters (`CA…`, `RE…`, `SM…`, `MZ…`). */
export interface IdGenerator {
  /** A new SID with this prefix, never given before (`MZ`: media streams). */
  next(prefix: 'CA' | 'RE' | 'SM' | 'MZ' | 'QU' | 'CF'): string;
}

/** Where the engine writes its log lines; `fields` carry structured context (call SID, code…). */
export interface Logger {
  /** Detail for debugging. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Normal operation. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong for one call; the engine carries on. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong that is not tied to one call's input. */
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A text message a `<Sms>` verb asks the {@link MessagingPort} to send. */
export interface SmsRequest {
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly statusCallback: string | null;
  readonly callSid: string;
  readonly smsSid: string;
}

/** The embedding server's way of sending a text message during a call (`<Sms>`). */
export interface MessagingPort {
  /** Send the message; resolves with whether it was sent. */
  send(request: SmsRequest): Promise<{ readonly status: 'sent' | 'failed' }>;
}

// ---------------------------------------------------------------------------------------
// Number look-up (geographic parameters, spec 9.1)
// ---------------------------------------------------------------------------------------

/** What the embedding server knows about where a number is; every field optional. */
export interface NumberGeography {
  readonly city?: string;
  readonly state?: string;
  readonly zip?: string;
  readonly country?: string;
}

/**
 * The embedding server's number look-up, asked once for each side (`From`, `To`) of an
 * outbound call when it is created. What it returns becomes `FromCity`… / `ToCity`… (and the
 * `Caller…` / `Called…` aliases) on every request of the call; `undefined` (or an empty
 * field) sends nothing. Synchronous: keep the data in memory. Inbound calls carry their
 * geography with `engine.inbound` instead.
 */
export interface NumberLookupPort {
  /** What is known about where `number` is, or `undefined`. */
  lookup(number: string): NumberGeography | undefined;
}
