/**
 * One simulated call leg: the `Channel` the engine drives, plus the far-end controls a test
 * or a replay script uses. Media takes the time the timing model says, on the injected clock;
 * every operation honours its `AbortSignal`; once the leg has ended nothing reaches the handler.
 */
import type {
  AnsweredBy,
  CallRecordRequest,
  Channel,
  ChannelHandler,
  DetectionMode,
  DialRequest,
  DialSession,
  DigitsRequest,
  GatherRequest,
  MediaStreamHandler,
  MediaStreamRequest,
  PauseRequest,
  PlayOutcome,
  PlayRequest,
  RecordingSession,
  RecordRequest,
  SayRequest,
} from '@rcml/core';
import { DRIVER_PRIORITY, SCRIPT_PRIORITY, type TimerGroup, toMs } from './scheduler.js';
import { SimMediaStream } from './simMediaStream.js';
import type { SimRecordings } from './simRecordings.js';
import { digitsDuration, type MediaTiming, playDuration, sayDuration } from './timing.js';

/**
 * The truth about who picks up (replay `answer` `by`): `machine` is a machine without a more
 * precise ending (detected as `machine_start` by `Enable`, `machine_end_beep` by
 * `DetectMessageEnd`).
 */
export type AnswerTruth = 'human' | 'machine' | Exclude<AnsweredBy, 'unknown'>;

/** Words of a scripted utterance (replay `speak` `text`, `confidence`). */
export interface Utterance {
  readonly text: string;
  /** 0 to 1 (default 0.9). */
  readonly confidence?: number;
}

/** Where a leg stands. `new`: inbound arriving or outbound dialling, not yet ringing. */
export type SimChannelState = 'new' | 'ringing' | 'answered' | 'ended';

/** Who ended a leg. */
export type EndedBy = 'engine' | 'far-end';

/** What the channel needs from the driver that made it. */
export interface SimChannelContext {
  readonly id: string;
  readonly direction: 'inbound' | 'outbound';
  readonly detectVoicemail: boolean;
  /** The detection asked at originate (defaults to `voicemail` when `detectVoicemail`). */
  readonly detection?: DetectionMode | null;
  /** Whether the driver has a speech recogniser (`capabilities.speech`). */
  readonly recogniser?: boolean;
  readonly timing: MediaTiming;
  readonly timers: TimerGroup;
  /** Make a dial leg (the driver schedules its script). */
  createLegs(request: DialRequest): SimChannel[];
  /** The driver's recording files (absent: recordings have no audio). */
  readonly recordings?: SimRecordings;
  /** Told once when the leg ends. */
  onEnd(channel: SimChannel): void;
}

/** Confidence of a scripted utterance that gives none (replay `speak` `confidence`). */
export const DEFAULT_CONFIDENCE = 0.9;

/** What detection in `mode` finds when the truth is `by`. */
function detect(mode: DetectionMode, by: AnswerTruth | 'unknown'): AnsweredBy {
  if (by === 'human' || by === 'unknown') return by;
  if (mode === 'voicemail') return 'machine';
  if (by === 'fax') return 'fax';
  if (mode === 'Enable') return 'machine_start';
  if (by === 'machine' || by === 'machine_start') return 'machine_end_beep';
  return by;
}

interface RunningOp {
  /** Stop the op now (channel ended): clear its timer and settle it. */
  stop(): void;
}

/** A simulated call leg. */
export class SimChannel implements Channel {
  readonly id: string;
  readonly direction: 'inbound' | 'outbound';
  private stateValue: SimChannelState = 'new';
  private endedByValue: EndedBy | null = null;
  private answeredByValue: AnsweredBy | null = null;
  private handler: ChannelHandler | null = null;
  private buffered: ((h: ChannelHandler) => void)[] = [];
  private readonly ops = new Set<RunningOp>();
  private voiceActive = false;
  private voiceUntil = 0;
  /** Words heard since the voice started (each `speak` with `text` adds its own). */
  private words: Utterance[] = [];
  /** The speech gather the recogniser listens for, until its signal aborts. */
  private recognising: GatherRequest | null = null;
  /** The engine's own audible media running now (say, play, digits). */
  private audible = 0;
  private readonly streams: SimMediaStream[] = [];

  constructor(private readonly ctx: SimChannelContext) {
    this.id = ctx.id;
    this.direction = ctx.direction;
  }

  /** Where the leg stands. */
  get state(): SimChannelState {
    return this.stateValue;
  }
  /** Who ended it, once ended. */
  get endedBy(): EndedBy | null {
    return this.endedByValue;
  }
  /** The truth of who answered (outbound), once answered. */
  get answeredBy(): AnsweredBy | null {
    return this.answeredByValue;
  }
  /** Media operations still running. */
  get runningOperations(): number {
    return this.ops.size;
  }

  listen(handler: ChannelHandler): void {
    this.handler = handler;
    if (this.buffered.length > 0) {
      // Events that happened before anyone listened; delivered later, never inside listen().
      const pending = this.buffered;
      this.buffered = [];
      queueMicrotask(() => {
        for (const deliver of pending) {
          if (this.handler === null || this.endedByValue === 'engine') return;
          deliver(this.handler);
        }
      });
    }
  }

  answer(_signal: AbortSignal): Promise<void> {
    if (this.direction === 'inbound' && (this.stateValue === 'new' || this.stateValue === 'ringing')) {
      this.stateValue = 'answered';
    }
    return Promise.resolve();
  }

  say(request: SayRequest, signal: AbortSignal): Promise<void> {
    return this.sounding(
      this.timed(sayDuration(request.text, request.loop, this.ctx.timing), signal, undefined),
    );
  }

  play(request: PlayRequest, signal: AbortSignal): Promise<PlayOutcome> {
    if (this.ctx.timing.failUrls.includes(request.url)) {
      return Promise.resolve({ ok: false, reason: 'media-unavailable' });
    }
    const ok: PlayOutcome = { ok: true };
    return this.sounding(this.timed(playDuration(request.url, request.loop, this.ctx.timing), signal, ok));
  }

  sendDigits(request: DigitsRequest, signal: AbortSignal): Promise<void> {
    return this.sounding(this.timed(digitsDuration(request.digits, this.ctx.timing), signal, undefined));
  }

  pause(request: PauseRequest, signal: AbortSignal): Promise<void> {
    return this.timed(request.length, signal, undefined);
  }

  gather(request: GatherRequest, signal: AbortSignal): Promise<void> {
    // The recogniser listens when speech is asked and the driver has one, until the engine
    // ends input collection (aborts the signal).
    if (this.ctx.recogniser !== true || request.input === 'dtmf' || signal.aborted) return Promise.resolve();
    this.recognising = request;
    signal.addEventListener(
      'abort',
      () => {
        if (this.recognising === request) this.recognising = null;
      },
      { once: true },
    );
    return Promise.resolve();
  }

  recordCall(request: CallRecordRequest, _signal: AbortSignal): Promise<RecordingSession> {
    // Like `<Record>`: the file is named after its SID and exists as soon as it stops.
    return Promise.resolve(this.recordingFile(request.recordingSid, request.dual ? 2 : 1));
  }

  record(request: RecordRequest, _signal: AbortSignal): Promise<RecordingSession> {
    // The beep is instantaneous, so recording starts at once; the engine decides the end.
    return Promise.resolve(this.recordingFile(request.recordingSid, 1));
  }

  /** A recording starting now, named after its SID; its file exists once it stops. */
  recordingFile(recordingSid: string, channels: 1 | 2): RecordingSession {
    const url = this.ctx.timing.recordingBaseUrl + recordingSid;
    const file = this.ctx.recordings?.start(recordingSid, channels);
    return {
      stop: () => {
        file?.stop();
        return Promise.resolve({ url });
      },
    };
  }

  /** A conference leg: whether its participant is muted (the Participants resource's `Muted`). */
  muted = false;
  /** A conference leg: whether its participant is on hold. */
  held = false;

  /** Mute or unmute the conference participant of this leg. */
  mute(muted: boolean): Promise<void> {
    this.muted = muted;
    return Promise.resolve();
  }

  /** Hold or unhold the conference participant of this leg. */
  hold(held: boolean): Promise<void> {
    this.held = held;
    return Promise.resolve();
  }

  /** Connected with another call (`<Dial><Queue>`): the audio is simulated, nothing to do. */
  connect(_other: Channel, _signal: AbortSignal): Promise<void> {
    return Promise.resolve();
  }

  dial(request: DialRequest, signal: AbortSignal): DialSession {
    // One leg per target even when the call is already over: they are simply born ended.
    const legs = this.ctx.createLegs(request);
    if (this.stateValue === 'ended') for (const leg of legs) void leg.cancel();
    const bridged = new Set<number>();
    const cancelUnbridged = () => {
      legs.forEach((leg, i) => {
        if (!bridged.has(i)) void leg.cancel();
      });
    };
    if (signal.aborted) cancelUnbridged();
    else signal.addEventListener('abort', cancelUnbridged, { once: true });
    return {
      legs,
      bridge: (index) => {
        if (index >= 0 && index < legs.length) bridged.add(index);
        return Promise.resolve();
      },
      // Like `<Record>`: the file is named after its SID and exists as soon as it stops.
      record: (recording) =>
        Promise.resolve(this.recordingFile(recording.recordingSid, recording.dual ? 2 : 1)),
    };
  }

  hangup(): Promise<void> {
    this.end('engine');
    return Promise.resolve();
  }

  /**
   * Stream this leg's audio (simMediaStream.ts): frames every 20 ms of clock time, the
   * application's audio played at that pace. A leg that is not answered streams nothing.
   */
  mediaStream(request: MediaStreamRequest, handler: MediaStreamHandler, signal: AbortSignal): SimMediaStream {
    const channel = this;
    const stream = new SimMediaStream(
      {
        timers: this.ctx.timers,
        get partyTalking() {
          return channel.voiceActive;
        },
        get enginePlaying() {
          return channel.audible > 0;
        },
      },
      request,
      handler,
      this.stateValue === 'answered' ? signal : AbortSignal.abort(),
    );
    this.streams.push(stream);
    return stream;
  }

  /** The media streams this leg ran, in order (what each played to the party). */
  get mediaStreams(): readonly SimMediaStream[] {
    return this.streams;
  }

  reject(_reason: 'rejected' | 'busy'): Promise<void> {
    this.end('engine');
    return Promise.resolve();
  }

  // -------------------------------------------------------------------------------------
  // The far end
  // -------------------------------------------------------------------------------------

  /** Outbound: the far end starts ringing. */
  farRing(): void {
    if (this.direction !== 'outbound' || this.stateValue !== 'new') return;
    this.stateValue = 'ringing';
    this.emit((h) => h.ringing());
  }

  /**
   * Outbound: the far end picks up. Detection (when asked) knows the truth at once, except
   * that `DetectMessageEnd` reports a machine when its greeting (`greeting` seconds) ends.
   */
  farAnswer(by: AnswerTruth | 'unknown' = 'human', greeting = 0): void {
    if (this.direction !== 'outbound' || (this.stateValue !== 'new' && this.stateValue !== 'ringing')) return;
    this.stateValue = 'answered';
    this.answeredByValue = by;
    this.emit((h) => h.answered());
    const mode = this.ctx.detection ?? (this.ctx.detectVoicemail ? 'voicemail' : null);
    if (mode === null) return;
    const result = detect(mode, by);
    const machine = result !== 'human' && result !== 'fax' && result !== 'unknown';
    if (mode === 'DetectMessageEnd' && machine && greeting > 0) {
      // The far end's own timing: after the engine's timers due at the same instant.
      this.ctx.timers.after(greeting, () => this.emit((h) => h.detected(result)), SCRIPT_PRIORITY);
    } else this.emit((h) => h.detected(result));
  }

  /** Outbound: busy. */
  farBusy(): void {
    if (this.direction !== 'outbound' || (this.stateValue !== 'new' && this.stateValue !== 'ringing')) return;
    this.emit((h) => h.busy());
    this.end('far-end');
  }

  /** Outbound: cannot be connected. */
  farFail(reason = 'network'): void {
    if (this.direction !== 'outbound' || (this.stateValue !== 'new' && this.stateValue !== 'ringing')) return;
    this.emit((h) => h.failed(reason));
    this.end('far-end');
  }

  /** One key from the far end. Keys need an established media path: ignored unless answered. */
  farKey(digit: string): void {
    if (this.stateValue !== 'answered') return;
    this.emit((h) => h.dtmf(digit));
  }

  /** Keys one after the other, `gap` seconds apart (each its own timer, so work settles between). */
  farDtmf(digits: string, gap = 0): void {
    const keys = [...digits];
    keys.forEach((key, i) => {
      if (i === 0) this.farKey(key);
      else this.ctx.timers.after(gap * i, () => this.farKey(key), SCRIPT_PRIORITY);
    });
  }

  /**
   * Voice activity for `seconds`: `voice(true)` now, `voice(false)` when it stops. With
   * `words`, a listening recogniser reports them when the voice stops.
   */
  farSpeak(seconds: number, words?: Utterance): void {
    const until = this.ctx.timers.now() + toMs(seconds);
    this.farVoiceStart(until, words);
    this.ctx.timers.at(until, () => this.farVoiceStop(), SCRIPT_PRIORITY);
  }

  /** Voice starts now and lasts at least until `until` (epoch ms); overlapping talk extends it. */
  farVoiceStart(until: number, words?: Utterance): void {
    if (this.stateValue !== 'answered') return;
    this.voiceUntil = Math.max(this.voiceUntil, until);
    if (words !== undefined && words.text !== '') this.words.push(words);
    if (this.voiceActive) return;
    this.voiceActive = true;
    this.emit((h) => h.voice(true));
  }

  /**
   * Voice stops, unless later talk extends it past now. A listening recogniser then reports
   * the words of the utterance (an empty transcript for voice without words).
   */
  farVoiceStop(): void {
    if (!this.voiceActive || this.ctx.timers.now() < this.voiceUntil) return;
    this.voiceActive = false;
    const words = this.words;
    this.words = [];
    this.emit((h) => h.voice(false));
    if (this.recognising === null) return;
    const transcript = words.map((w) => w.text).join(' ');
    const last = words[words.length - 1];
    const confidence = last === undefined ? 0 : (last.confidence ?? DEFAULT_CONFIDENCE);
    this.emit((h) => h.speech({ transcript, confidence }));
  }

  /**
   * An interim recognition result of the utterance in progress (live use and tests: the
   * replay format has no partial results). Reported only while a speech gather listens.
   */
  farPartialSpeech(unstable: string, stable: string): void {
    if (this.recognising === null) return;
    this.emit((h) => h.partialSpeech?.({ unstable, stable }));
  }

  /** Whether a speech gather's recogniser is listening now. */
  get recognisingSpeech(): boolean {
    return this.recognising !== null;
  }

  /** The far end hangs up. */
  farHangup(): void {
    if (this.stateValue === 'ended') return;
    this.emit((h) => h.hangup());
    this.end('far-end');
  }

  /** Cancel an unanswered outbound attempt or an unbridged dial leg: it ends silently. */
  cancel(): Promise<void> {
    this.end('engine');
    return Promise.resolve();
  }

  // -------------------------------------------------------------------------------------

  /** Count `media` as the engine's audible media while it runs (the outbound track's tone). */
  private sounding<T>(media: Promise<T>): Promise<T> {
    this.audible++;
    const done = () => {
      this.audible--;
    };
    media.then(done, done);
    return media;
  }

  private emit(deliver: (h: ChannelHandler) => void): void {
    if (this.stateValue === 'ended') return;
    if (this.handler === null) this.buffered.push(deliver);
    else deliver(this.handler);
  }

  private end(by: EndedBy): void {
    if (this.stateValue === 'ended') return;
    this.stateValue = 'ended';
    this.endedByValue = by;
    // Events the far end caused before it hung up still reach a late listener; nothing
    // reaches the handler once the engine itself ended the leg.
    if (by === 'engine') this.buffered = [];
    this.ctx.timers.cancelAll();
    for (const stream of this.streams) stream.end();
    for (const op of [...this.ops]) op.stop();
    this.ctx.onEnd(this);
  }

  /** Media that lasts `seconds`, settled early (with `value`) by abort or by the leg ending. */
  private timed<T>(seconds: number, signal: AbortSignal, value: T): Promise<T> {
    if (signal.aborted || this.stateValue === 'ended') return Promise.resolve(value);
    return new Promise<T>((resolve) => {
      const op: RunningOp = { stop: () => finish() };
      const cancelTimer = this.ctx.timers.after(seconds, () => finish(), DRIVER_PRIORITY);
      const finish = () => {
        if (!this.ops.delete(op)) return;
        cancelTimer();
        signal.removeEventListener('abort', finish);
        resolve(value);
      };
      this.ops.add(op);
      signal.addEventListener('abort', finish, { once: true });
    });
  }
}
