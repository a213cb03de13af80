/**
 * One channel in the Stasis application: an inbound call, an outbound call placed through
 * the Calls API, or a `<Dial>` leg. It turns the channel's ARI events into handler calls and
 * the engine's operations into ARI requests. Media operations live in sibling modules
 * (playback, digits, recording); this file holds the channel's state and life cycle.
 */
import type {
  Channel,
  ChannelHandler,
  DetectionMode,
  DialRequest,
  DialSession,
  DigitsRequest,
  GatherRequest,
  MediaStreamHandler,
  MediaStreamRequest,
  MediaStreamSession,
  PauseRequest,
  PlayOutcome,
  PlayRequest,
  RecordingSession,
  RecordRequest,
  SayRequest,
} from '@rcml/core';
import type { QueryValue } from '../ari/query.js';
import { segment } from '../ari/query.js';
import { type AriResponse, ariStatus } from '../ari/restClient.js';
import type { AriEvent } from '../ari/types.js';
import { type AttemptOutcome, outcomeOfCause, outcomeOfDialStatus, rejectReason } from '../causes.js';
import { startDial } from '../dial/dialSession.js';
import { connectChannels } from './connect.js';
import { type Deferred, type DriverContext, deferred, wait } from './context.js';
import { AnswerDetector } from './detection.js';
import { sendDtmf } from './digits.js';
import { startMediaStream } from './mediaStream.js';
import { playOn, sayOn } from './prompts.js';
import { startRecording } from './recording.js';

/** `inbound`: arrived through the dialplan; `outbound`: Calls API; `leg`: a `<Dial>` target. */
export type ChannelKind = 'inbound' | 'outbound' | 'leg';

export class AriChannel implements Channel {
  readonly id: string;
  readonly kind: ChannelKind;
  /** The caller number ARI reported (inbound) or the caller ID given (outbound). */
  callerNumber = '';
  answered = false;
  /** The channel can take no more commands (hung up, destroyed or vanished). */
  gone = false;
  /** The engine (or the driver on its behalf) ended this channel: no `hangup` event. */
  localHangup = false;
  private ariId: string | null = null;
  private readonly idReady: Deferred<string | null> = deferred();
  private readonly goneSignal: Deferred<void> = deferred();
  /** The channel's `StasisStart` has been seen (ARI takes commands for it only after that). */
  private readonly stasisSignal: Deferred<void> = deferred();
  private handler: ChannelHandler | null = null;
  private readonly pending: ((handler: ChannelHandler) => void)[] = [];
  private outcomeDone = false;
  private dialStatusSeen = false;
  private ringingReported = false;
  private readonly unfinishedPlaybacks = new Set<Promise<unknown>>();
  private cleanupWork: Promise<void> = Promise.resolve();
  private readonly eventTaps = new Set<(event: AriEvent) => void>();
  private readonly localHangupHooks = new Set<() => void>();
  private readonly resyncHooks = new Set<() => Promise<void>>();
  /** Who-answered detection of an outbound call, when asked for. */
  private detector: AnswerDetector | null = null;

  constructor(
    readonly ctx: DriverContext,
    kind: ChannelKind,
    id: string,
  ) {
    this.kind = kind;
    this.id = id;
  }

  // -- identity and events ---------------------------------------------------------------

  /** The ARI channel id, once known; claims the channel's events (buffered ones first). */
  attach(ariId: string): void {
    this.ariId = ariId;
    this.idReady.resolve(ariId);
    this.ctx.router.claimChannel(ariId, (event) => this.onEvent(event));
  }

  /** The channel could not be created: operations settle at once. */
  detachFailed(): void {
    this.gone = true;
    this.idReady.resolve(null);
    this.goneSignal.resolve();
  }

  /** The ARI id, or null before creation (or after a failed one). */
  get ariChannelId(): string | null {
    return this.ariId;
  }

  /**
   * Resolves once the channel is in the Stasis application (true), or when it is gone first
   * (false). The 200 of `POST /channels/create` often comes before the leg's `StasisStart`,
   * and until that event ARI answers 409 "Channel not in Stasis application" to `dial` and
   * to setting variables.
   */
  async inStasis(): Promise<boolean> {
    await Promise.race([this.stasisSignal.promise, this.goneSignal.promise]);
    return !this.gone;
  }

  /** Resolves when the channel is gone. */
  get whenGone(): Promise<void> {
    return this.goneSignal.promise;
  }

  /**
   * Detect who answers this outbound call (`DetectVoicemail`/`MachineDetection`) from its voice
   * activity once it is answered; the result goes to the handler's `detected`.
   */
  detect(mode: DetectionMode): void {
    const talk = this.ctx.options.talkDetect;
    if (talk === false) return;
    this.detector = new AnswerDetector(
      mode,
      this.ctx.options.clock,
      this.ctx.options.detection,
      talk.silenceMs,
      (by) => {
        if (!this.gone && !this.localHangup) this.emit((h) => h.detected(by));
      },
    );
  }

  /** Observe this channel's raw events (bridges, conferences, recordings). */
  tap(listener: (event: AriEvent) => void): () => void {
    this.eventTaps.add(listener);
    return () => this.eventTaps.delete(listener);
  }

  /** Run `hook` when the engine hangs this channel up (before the request goes out). */
  onLocalHangup(hook: () => void): void {
    this.localHangupHooks.add(hook);
  }

  /** Work the next operation must wait for (tearing a bridge down before the next command). */
  addCleanup(work: Promise<void>): void {
    const previous = this.cleanupWork;
    this.cleanupWork = Promise.all([previous, work.catch(() => undefined)]).then(() => undefined);
  }

  listen(handler: ChannelHandler): void {
    this.handler = handler;
    if (this.pending.length === 0) return;
    const calls = this.pending.splice(0);
    // Never call the handler from inside `listen`.
    queueMicrotask(() => {
      for (const call of calls) if (this.handler !== null) call(this.handler);
    });
  }

  /** Call the handler, or keep the call until `listen` when there is none yet. */
  emit(call: (handler: ChannelHandler) => void): void {
    if (this.handler !== null) call(this.handler);
    else this.pending.push(call);
  }

  onEvent(event: AriEvent): void {
    // Taps first: a bridge must start its teardown before the engine hears of a hang-up.
    for (const tap of [...this.eventTaps]) tap(event);
    switch (event.type) {
      case 'StasisStart':
        this.stasisSignal.resolve();
        // An originated call enters Stasis only once answered.
        if (this.kind === 'outbound' && !this.answered && !this.gone) {
          this.answered = true;
          void this.enableTalkDetect();
          this.emit((h) => h.answered());
          this.detector?.start();
        }
        break;
      case 'Dial':
        this.onDialStatus(event.dialstatus ?? '');
        break;
      case 'ChannelStateChange':
        if (event.channel?.state === 'Ringing' && this.kind !== 'inbound') this.reportRinging();
        break;
      case 'ChannelDtmfReceived':
        if (event.digit !== undefined && this.live) {
          const digit = event.digit;
          this.emit((h) => h.dtmf(digit));
        }
        break;
      case 'ChannelTalkingStarted':
        this.detector?.talkingStarted();
        if (this.live) this.emit((h) => h.voice(true));
        break;
      case 'ChannelTalkingFinished':
        this.detector?.talkingFinished();
        if (this.live) this.emit((h) => h.voice(false));
        break;
      case 'ChannelHangupRequest':
        // soft: a soft-hangup flag, not the far end (our own DELETE, a dial timeout).
        if (event.soft !== true) this.farEndGone();
        break;
      case 'StasisEnd':
        this.farEndGone();
        break;
      case 'ChannelDestroyed':
        this.destroyed(event.cause);
        break;
    }
  }

  /** Events of the party still reach the engine (it has not hung up, the channel is up). */
  private get live(): boolean {
    return !this.gone && !this.localHangup;
  }

  /**
   * Work to run after the event WebSocket came back (`onReconnect: 'resume'`): events of the
   * gap are lost, so each running playback or recording checks whether it ended meanwhile.
   */
  onResync(hook: () => Promise<void>): () => void {
    this.resyncHooks.add(hook);
    return () => this.resyncHooks.delete(hook);
  }

  async resync(): Promise<void> {
    await Promise.all([...this.resyncHooks].map((hook) => hook().catch(() => undefined)));
  }

  private onDialStatus(status: string): void {
    if (this.kind === 'inbound' || status === '') return;
    this.dialStatusSeen = true;
    if (status === 'RINGING' || status === 'PROGRESS') {
      this.reportRinging();
    } else if (status === 'ANSWER') {
      // An originated channel is usable only after its StasisStart, which follows.
      if (this.kind === 'leg' && !this.answered && !this.localHangup) {
        this.answered = true;
        this.emit((h) => h.answered());
      }
    } else {
      const outcome = outcomeOfDialStatus(status);
      if (outcome === null || this.answered) return;
      this.reportOutcome(outcome);
      // ARI leaves a busy leg in Stasis until someone hangs it up.
      if (!this.localHangup) {
        this.localHangup = true;
        void this.deleteChannel(undefined).catch(() => undefined);
      }
    }
  }

  private reportRinging(): void {
    if (this.ringingReported || this.answered || this.outcomeDone) return;
    this.ringingReported = true;
    this.emit((h) => h.ringing());
  }

  private reportOutcome(outcome: AttemptOutcome): void {
    if (this.outcomeDone || this.localHangup) return;
    this.outcomeDone = true;
    if (outcome.kind === 'busy') this.emit((h) => h.busy());
    else this.emit((h) => h.failed(outcome.reason));
  }

  /** The channel went away without the engine asking. */
  private farEndGone(): void {
    // An unanswered attempt learns its outcome from ChannelDestroyed.
    if (this.kind !== 'inbound' && !this.answered) return;
    this.markGone(true);
  }

  private destroyed(cause: number | undefined): void {
    if (this.kind !== 'inbound' && !this.answered) {
      this.reportOutcome(outcomeOfCause(cause, this.dialStatusSeen));
      this.markGone(false);
    } else {
      this.markGone(true);
    }
    if (this.ariId !== null) this.ctx.router.releaseChannel(this.ariId);
  }

  /**
   * ARI became unreachable (Asterisk stopped or the network failed): the channel cannot be
   * controlled any more. An unanswered attempt fails (`unreachable`), a call in progress ends
   * as a hang-up, so the engine does not run on with a channel nobody can reach.
   */
  lost(): void {
    if (this.gone) return;
    if (this.kind !== 'inbound' && !this.answered) {
      this.reportOutcome({ kind: 'failed', reason: 'unreachable' });
      this.markGone(false);
    } else {
      this.markGone(true);
    }
    if (this.ariId !== null) this.ctx.router.releaseChannel(this.ariId);
  }

  /** Mark the channel gone; `tell` reports `hangup` to the engine unless it asked for it. */
  markGone(tell: boolean): void {
    if (this.gone) return;
    this.gone = true;
    this.detector?.cancel();
    if (tell && !this.localHangup) this.emit((h) => h.hangup());
    this.goneSignal.resolve();
  }

  // -- plumbing for the operations ---------------------------------------------------------

  /** Wait for the id and pending cleanup; null when the channel cannot take commands. */
  async ready(): Promise<string | null> {
    const id = await this.idReady.promise;
    await this.cleanupWork;
    return this.gone ? null : id;
  }

  /** An ARI request about this channel; a 404 means it vanished: the call ends cleanly. */
  async ari(method: string, path: string, query?: Record<string, QueryValue>): Promise<AriResponse | null> {
    try {
      return await this.ctx.rest.request(method, path, query === undefined ? {} : { query });
    } catch (error) {
      const status = ariStatus(error);
      if (status === 404 || (status === 409 && this.gone)) {
        this.ctx.logger.info('ARI channel vanished', { channel: this.ariId, path });
        this.markGone(true);
        return null;
      }
      // Not sent at all (connection refused or reset): the call cannot be controlled, so it
      // ends here rather than going on to the next verb; the operation still rejects (14103).
      if (status === 0) this.lost();
      throw error;
    }
  }

  /** `/channels/{id}` plus a suffix. */
  path(suffix = ''): string {
    return `/channels/${segment(this.ariId ?? '')}${suffix}`;
  }

  /** Track a playback until it has really finished (the channel's media gate). */
  trackPlayback(done: Promise<unknown>): void {
    this.unfinishedPlaybacks.add(done);
    void done.finally(() => this.unfinishedPlaybacks.delete(done));
  }

  /**
   * Resolves when no playback of this channel is running or queued. ARI queues commands
   * behind a playback (a DTMF request answers 204 but its digits go out after the prompt),
   * so commands whose end the driver times itself wait for this first.
   */
  async mediaIdle(): Promise<void> {
    while (this.unfinishedPlaybacks.size > 0 && !this.gone) {
      await Promise.race([Promise.all([...this.unfinishedPlaybacks]), this.goneSignal.promise]);
    }
  }

  private async deleteChannel(reason: string | undefined): Promise<void> {
    const id = await this.idReady.promise;
    if (id === null || this.gone) return;
    await this.ari('DELETE', this.path(), reason === undefined ? undefined : { reason });
    this.markGone(false);
  }

  // -- the Channel operations ---------------------------------------------------------------

  async answer(signal: AbortSignal): Promise<void> {
    const id = await this.ready();
    if (id === null || signal.aborted || this.answered) return;
    if ((await this.ari('POST', this.path('/answer'))) === null) return;
    this.answered = true;
    await this.enableTalkDetect();
  }

  /**
   * Voice activity events (`ChannelTalkingStarted`/`Finished`) need Asterisk's TALK_DETECT
   * on the channel; it stays on for the whole call, so `<Record>` can judge silence.
   */
  private async enableTalkDetect(): Promise<void> {
    const talk = this.ctx.options.talkDetect;
    if (talk === false || this.gone) return;
    try {
      await this.ari('POST', this.path('/variable'), {
        variable: 'TALK_DETECT(set)',
        value: `${talk.silenceMs},${talk.talkingThreshold}`,
      });
    } catch (error) {
      this.ctx.logger.warn('TALK_DETECT could not be set; no voice activity events', {
        channel: this.ariId,
        error: (error as Error).message,
      });
    }
  }

  say(request: SayRequest, signal: AbortSignal): Promise<void> {
    return sayOn(this, request, signal);
  }

  play(request: PlayRequest, signal: AbortSignal): Promise<PlayOutcome> {
    return playOn(this, request, signal);
  }

  async sendDigits(request: DigitsRequest, signal: AbortSignal): Promise<void> {
    const id = await this.ready();
    if (id === null || signal.aborted) return;
    await sendDtmf(this, request.digits, signal);
  }

  async pause(request: PauseRequest, signal: AbortSignal): Promise<void> {
    if (this.gone || signal.aborted) return;
    // Silence needs no media: a timer, cut short by an abort or by the call ending.
    const ended = new AbortController();
    const stop = () => ended.abort();
    signal.addEventListener('abort', stop, { once: true });
    void this.goneSignal.promise.then(stop);
    await wait(this.ctx, request.length * 1000, ended.signal);
    signal.removeEventListener('abort', stop);
  }

  async gather(_request: GatherRequest, _signal: AbortSignal): Promise<void> {
    // Digits always flow through ChannelDtmfReceived; there is nothing to start.
  }

  async record(request: RecordRequest, signal: AbortSignal): Promise<RecordingSession> {
    return startRecording(this, request, signal);
  }

  dial(request: DialRequest, signal: AbortSignal): DialSession {
    return startDial(this, request, signal);
  }

  /** `<Dial><Queue>`: a bridge of this call and the dequeued one (see `connect.ts`). */
  connect(other: Channel, signal: AbortSignal): Promise<void> {
    return connectChannels(this, other, signal);
  }

  /** ARI external media channels (see `mediaStream.ts`). */
  mediaStream(
    request: MediaStreamRequest,
    handler: MediaStreamHandler,
    signal: AbortSignal,
  ): MediaStreamSession {
    return startMediaStream(this, request, handler, signal);
  }

  async hangup(): Promise<void> {
    this.localHangup = true;
    for (const hook of [...this.localHangupHooks]) hook();
    await this.cleanupWork;
    await this.deleteChannel(undefined);
  }

  /** Cancel an attempt that has not been answered (the same request as a hang-up). */
  cancel(): Promise<void> {
    return this.hangup();
  }

  async reject(reason: 'rejected' | 'busy'): Promise<void> {
    this.localHangup = true;
    await this.cleanupWork;
    await this.deleteChannel(rejectReason(reason, this.ctx.options.rejectedCause));
  }
}
