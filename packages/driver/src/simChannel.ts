/**
 * One simulated call leg: the `Channel` the engine drives, plus the far-end controls a test
 * or a replay script uses. Media takes the time the timing model says, on the injected clock;
 * every operation honours its `AbortSignal`; once the leg has ended nothing reaches the handler.
 */
import type {
  AnsweredBy,
  Channel,
  ChannelHandler,
  DialRequest,
  DialSession,
  DigitsRequest,
  GatherRequest,
  PauseRequest,
  PlayOutcome,
  PlayRequest,
  RecordingSession,
  RecordRequest,
  SayRequest,
} from '@rcml/core';
import { DRIVER_PRIORITY, SCRIPT_PRIORITY, type TimerGroup, toMs } from './scheduler.js';
import { digitsDuration, type MediaTiming, playDuration, sayDuration } from './timing.js';

/** Where a leg stands. `new`: inbound arriving or outbound dialling, not yet ringing. */
export type SimChannelState = 'new' | 'ringing' | 'answered' | 'ended';

/** Who ended a leg. */
export type EndedBy = 'engine' | 'far-end';

/** What the channel needs from the driver that made it. */
export interface SimChannelContext {
  readonly id: string;
  readonly direction: 'inbound' | 'outbound';
  readonly detectVoicemail: boolean;
  readonly timing: MediaTiming;
  readonly timers: TimerGroup;
  /** Make a dial leg (the driver schedules its script). */
  createLegs(request: DialRequest): SimChannel[];
  /** Told once when the leg ends. */
  onEnd(channel: SimChannel): void;
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
    return this.timed(sayDuration(request.text, request.loop, this.ctx.timing), signal, undefined);
  }

  play(request: PlayRequest, signal: AbortSignal): Promise<PlayOutcome> {
    if (this.ctx.timing.failUrls.includes(request.url)) {
      return Promise.resolve({ ok: false, reason: 'media-unavailable' });
    }
    const ok: PlayOutcome = { ok: true };
    return this.timed(playDuration(request.url, request.loop, this.ctx.timing), signal, ok);
  }

  sendDigits(request: DigitsRequest, signal: AbortSignal): Promise<void> {
    return this.timed(digitsDuration(request.digits, this.ctx.timing), signal, undefined);
  }

  pause(request: PauseRequest, signal: AbortSignal): Promise<void> {
    return this.timed(request.length, signal, undefined);
  }

  gather(_request: GatherRequest, _signal: AbortSignal): Promise<void> {
    return Promise.resolve();
  }

  record(request: RecordRequest, _signal: AbortSignal): Promise<RecordingSession> {
    // The beep is instantaneous, so recording starts at once; the engine decides the end.
    const url = this.ctx.timing.recordingBaseUrl + request.recordingSid;
    return Promise.resolve({ stop: () => Promise.resolve({ url }) });
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
      record: (recording) => {
        const url = this.ctx.timing.recordingBaseUrl + recording.recordingSid;
        return Promise.resolve({ stop: () => Promise.resolve({ url }) });
      },
    };
  }

  hangup(): Promise<void> {
    this.end('engine');
    return Promise.resolve();
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

  /** Outbound: the far end picks up; detection (when asked) knows the truth at once. */
  farAnswer(by: AnsweredBy = 'human'): void {
    if (this.direction !== 'outbound' || (this.stateValue !== 'new' && this.stateValue !== 'ringing')) return;
    this.stateValue = 'answered';
    this.answeredByValue = by;
    this.emit((h) => h.answered());
    if (this.ctx.detectVoicemail) this.emit((h) => h.detected(by));
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

  /** Voice activity for `seconds`: `voice(true)` now, `voice(false)` when it stops. */
  farSpeak(seconds: number): void {
    const until = this.ctx.timers.now() + toMs(seconds);
    this.farVoiceStart(until);
    this.ctx.timers.at(until, () => this.farVoiceStop(), SCRIPT_PRIORITY);
  }

  /** Voice starts now and lasts at least until `until` (epoch ms); overlapping talk extends it. */
  farVoiceStart(until: number): void {
    if (this.stateValue !== 'answered') return;
    this.voiceUntil = Math.max(this.voiceUntil, until);
    if (this.voiceActive) return;
    this.voiceActive = true;
    this.emit((h) => h.voice(true));
  }

  /** Voice stops, unless later talk extends it past now. */
  farVoiceStop(): void {
    if (!this.voiceActive || this.ctx.timers.now() < this.voiceUntil) return;
    this.voiceActive = false;
    this.emit((h) => h.voice(false));
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
