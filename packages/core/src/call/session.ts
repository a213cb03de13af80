/**
 * One call from creation to its final state: the lifecycle actor (machine.ts), the media
 * channel and its events, progress events and the ordered callback queue, and the documents
 * the call runs (documentRunner.ts). Live changes and engine hang-ups come in through `end`
 * and `redirectTo`.
 */
import { type Actor, createActor } from 'xstate';
import { CallbackQueue } from '../callbacks/callbackQueue.js';
import { ProgressReporter } from '../callbacks/progress.js';
import type { HttpMethod, ProgressEvent } from '../document/ast.js';
import type { InlineDocument } from '../document/inline.js';
import type { CallStatus } from '../engine/types.js';
import type { CallRecordingSettings, MachineDetection } from '../engine/validateAnswerOptions.js';
import type {
  AnsweredBy,
  Channel,
  ChannelHandler,
  DetectionMode,
  PartialSpeechResult,
  SpeechResult,
} from '../ports.js';
import { CallStreams } from '../streams/callStreams.js';
import type { MediaListener } from '../verbs/types.js';
import { ABORTED, fireAndForget } from './abort.js';
import { CallRecording, detectionResult, sendDigitsOnAnswer } from './answerActions.js';
import { CallData, type CallDataInit } from './callData.js';
import type { CallContext } from './context.js';
import { type DocumentTarget, runDocuments } from './documentRunner.js';
import { type CallLifecycleEvent, type CallLifecycleHooks, callLifecycle } from './machine.js';
import { reportProgress } from './reportProgress.js';

/** How a call is configured (Calls API parameters or the number's application). */
export interface CallSettings {
  url: string;
  method: HttpMethod;
  fallbackUrl: string | null;
  fallbackMethod: HttpMethod;
  statusCallback: string | null;
  statusCallbackMethod: HttpMethod;
  statusCallbackEvents: ReadonlySet<ProgressEvent>;
  /** Outbound: seconds it may ring. */
  readonly timeout: number;
  readonly detectVoicemail: boolean;
  /** `Twiml` (spec 9.2): the inline document run instead of fetching `url`; null or absent for none. */
  inline?: InlineDocument | null;
  /** The `Url` the call was created with (null for `Twiml`): what a live change's `Twiml` resolves against. */
  readonly createdUrl?: string | null;
  /** Outbound: `MachineDetection` (spec 9.3); absent or null for none. */
  readonly machineDetection?: MachineDetection | null;
  /** Seconds to wait for the `MachineDetection` result after the answer (default 30). */
  readonly machineDetectionTimeout?: number;
  /** Outbound: keys played to the far end after the answer, before `Url` (spec 1.2). */
  readonly sendDigits?: string | null;
  /** Outbound: `Record=true`, the whole call recorded (spec 9.4). */
  readonly record?: CallRecordingSettings | null;
}

/** A live-change target (spec 1.5). */
export interface RedirectTarget {
  readonly url: string;
  readonly method: HttpMethod;
  readonly fallbackUrl: string | null;
  readonly fallbackMethod: HttpMethod;
  /** `Twiml` (spec 9.2): run this inline document instead of fetching `url`. */
  readonly inline?: InlineDocument;
}

export class CallSession implements CallLifecycleHooks {
  readonly data: CallData;
  /** Progress events (status callbacks): one in flight at a time, `SequenceNumber` order. */
  readonly queue: CallbackQueue;
  /** Other notifications of the call, created on first use. */
  private notifications: CallbackQueue | null = null;
  private readonly reporter: ProgressReporter;
  private readonly actor: Actor<typeof callLifecycle>;
  channel: Channel | null = null;
  /** The running verb's listener for channel events. */
  listener: MediaListener | null = null;
  /** Aborts the running step (a fetch or a verb). */
  step: AbortController | null = null;
  /** A live change waiting to be taken by the document loop. */
  redirect: DocumentTarget | null = null;
  /** The engine was asked to end the call (live change, shutdown). */
  endRequest: 'completed' | 'canceled' | null = null;
  running = false;
  hungUp = false;
  answered = false;
  voiceActive = false;
  /** Document fetch times within the last minute (spec 8). */
  readonly fetchTimes: number[] = [];
  private awaitingDetection = false;
  /** Outbound: when the far end picked up (the call's duration counts from it, spec 9.3). */
  private pickedUpAt: number | null = null;
  private recording: CallRecording | null = null;
  private events: ChannelEvents | null = null;
  private finalized = false;
  /** The call's media streams, made on first use (streams/callStreams.ts). */
  private streamSet: CallStreams | null = null;

  constructor(
    readonly ctx: CallContext,
    readonly settings: CallSettings,
    init: CallDataInit,
  ) {
    this.data = new CallData(init);
    this.queue = new CallbackQueue(ctx.callbacks, init.sid, init.accountSid);
    this.reporter = new ProgressReporter(
      {
        url: settings.statusCallback,
        method: settings.statusCallbackMethod,
        events: settings.statusCallbackEvents,
      },
      this.queue,
    );
    this.actor = createActor(callLifecycle, {
      clock: ctx.clock,
      input: {
        hooks: this,
        ringTimeoutMs: settings.timeout * 1000,
        detectionTimeoutMs:
          (settings.machineDetection ? (settings.machineDetectionTimeout ?? 30) : 30) * 1000,
      },
    });
    this.actor.start();
  }

  /** Outbound: ask the driver to dial (in a microtask, so `create` returns the queued call). */
  startOutbound(): void {
    queueMicrotask(() => this.originate());
  }

  /** Inbound: the call arrives ringing; its first fetch happens at once. */
  startInbound(channel: Channel): void {
    this.channel = channel;
    channel.listen(this.handler());
    this.send({ type: 'ARRIVE' });
    // The first fetch in a microtask: `inbound` returns the ringing call first.
    queueMicrotask(() => {
      if (this.data.status === 'ringing' && !this.running) this.run(this.initialTarget());
    });
  }

  /** Live change with `Url` (spec 1.5): stop the running verb and run the new document. */
  redirectTo(target: RedirectTarget): void {
    const next: DocumentTarget = {
      url: target.url,
      written: target.url,
      method: target.method,
      params: {},
      fallbackUrl: target.fallbackUrl,
      fallbackMethod: target.fallbackMethod,
      ...(target.inline === undefined ? {} : { inline: target.inline }),
    };
    if (this.running) {
      this.redirect = next;
      this.step?.abort(ABORTED);
      return;
    }
    // Not answered yet: the new document is the one fetched on answer.
    this.settings.url = target.url;
    this.settings.method = target.method;
    this.settings.fallbackUrl = target.fallbackUrl;
    this.settings.fallbackMethod = target.fallbackMethod;
    this.settings.inline = target.inline ?? null;
  }

  /** Replace the StatusCallback from now on (spec 1.5). */
  setStatusCallback(url: string | null, method: HttpMethod): void {
    this.settings.statusCallback = url;
    this.settings.statusCallbackMethod = method;
    this.reporter.subscription = { url, method, events: this.settings.statusCallbackEvents };
  }

  /** End the call from outside: `completed` hangs up whatever the state, `canceled` only before answer. */
  end(kind: 'completed' | 'canceled'): void {
    if (this.data.final || this.endRequest !== null) return;
    if (this.running) {
      this.endRequest = kind;
      this.step?.abort(ABORTED);
      return;
    }
    if (kind === 'completed' && this.pickedUpAt !== null) {
      // Ended while detection ran: the engine hangs up an answered call.
      this.hangupChannel();
      this.data.startTime ??= this.pickedUpAt;
      this.send({ type: 'COMPLETE' });
      return;
    }
    this.send({ type: 'CANCEL' });
  }

  /** The call's media streams (`<Connect>`, `<Start>`, `<Stop>`). */
  get streams(): CallStreams {
    if (this.streamSet === null) {
      const { ctx, data } = this;
      this.streamSet = new CallStreams({
        port: ctx.streams,
        channel: this.channel!,
        clock: ctx.clock,
        callSid: data.sid,
        accountSid: data.accountSid,
        nextSid: () => ctx.ids.next('MZ'),
        notice: (code, message, level) => ctx.notice(data.sid, code, message, level),
        notify: (url, method, params) => this.notify(url, method, params),
      });
    }
    return this.streamSet;
  }

  /** Report a progress event (once), sending it when subscribed. */
  report(event: ProgressEvent): void {
    const { data, ctx } = this;
    reportProgress(ctx, { data, reporter: this.reporter, event, now: ctx.clock.now() });
  }

  /** The controller of a new step (a spare one from the engine when there is one). */
  beginStep(): AbortController {
    const step = this.ctx.controllers.take();
    this.step = step;
    return step;
  }

  /** The step settled: its controller goes back to the engine unless it fired. */
  endStep(step: AbortController): void {
    if (this.step === step) this.step = null;
    this.ctx.controllers.give(step);
  }

  send(event: CallLifecycleEvent): void {
    this.actor.send(event);
  }

  /** Issue the engine's own hang-up of the channel (a `hangup` media operation). */
  hangupChannel(): void {
    const channel = this.channel;
    if (channel !== null) fireAndForget(() => channel.hangup());
  }

  /**
   * The call is over and every request it causes was issued: `completed` goes last, after
   * any notification (recordingStatusCallback) still being delivered.
   */
  finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    // Streams end with the call; their `stream-stopped` callbacks go before `completed`.
    this.streamSet?.stopAll();
    this.listener = null;
    // A driver that keeps ended channels around must not keep the whole call alive.
    this.events?.detach();
    this.events = null;
    const { queue } = this;
    if (this.recording !== null) {
      // Record=true: the recording's notification goes before `completed` (spec 9.4).
      const notes = this.notificationQueue();
      const flushed = this.recording
        .finish()
        .then(() => notes.whenIdle())
        .then(() => {
          this.report('completed');
          return queue.whenIdle();
        });
      this.ctx.callEnded(this.data, [queue, notes], flushed);
      return;
    }
    const notes = this.notifications;
    let flushed: Promise<void> | null;
    if (notes === null || notes.idle) {
      this.report('completed');
      flushed = queue.idle ? null : queue.whenIdle();
    } else {
      flushed = notes.whenIdle().then(() => {
        this.report('completed');
        return queue.whenIdle();
      });
    }
    this.ctx.callEnded(this.data, notes === null ? [queue] : [queue, notes], flushed);
  }

  /**
   * Queue a notification that is not a progress event (recordingStatusCallback): delivered
   * in order with its own retries, never behind a progress callback being retried.
   */
  notify(url: string, method: HttpMethod, params: Readonly<Record<string, string>>): void {
    this.notificationQueue().enqueue(url, method, params);
  }

  private notificationQueue(): CallbackQueue {
    this.notifications ??= new CallbackQueue(this.ctx.callbacks, this.data.sid, this.data.accountSid);
    return this.notifications;
  }

  /** How who-answered is detected on this call, if at all. */
  private get detection(): DetectionMode | null {
    const { settings } = this;
    if (settings.machineDetection) return settings.machineDetection;
    return settings.detectVoicemail ? 'voicemail' : null;
  }

  private initialTarget(): DocumentTarget {
    const s = this.settings;
    return {
      url: s.url,
      written: s.url,
      method: s.method,
      params: {},
      fallbackUrl: s.fallbackUrl,
      fallbackMethod: s.fallbackMethod,
      ...(s.inline === undefined || s.inline === null ? {} : { inline: s.inline }),
    };
  }

  /** Run the call's documents; not an async function, so an idle call holds one frame less. */
  private run(first: DocumentTarget, sendDigits: string | null = null): void {
    this.running = true;
    const documents =
      sendDigits === null
        ? runDocuments(this, first)
        : sendDigitsOnAnswer(this, sendDigits).then(() => runDocuments(this, first));
    documents.then(
      () => {
        this.running = false;
      },
      (error: unknown) => {
        this.running = false;
        this.crashed(error);
      },
    );
  }

  /** A bug in the engine: report it and end the call rather than leave it hanging. */
  private crashed(error: unknown): void {
    this.ctx.logger.error('call session failed', { callSid: this.data.sid, error });
    this.ctx.notice(this.data.sid, 14103, `call ended after an internal failure: ${String(error)}`, 'error');
    if (!this.data.final) {
      this.hangupChannel();
      this.send({ type: 'FAIL' });
    }
    this.finalize();
  }

  private originate(): void {
    if (this.data.final) return;
    this.send({ type: 'DIAL' });
    const { data, ctx, settings } = this;
    try {
      this.channel = ctx.driver.originate({
        callSid: data.sid,
        to: data.to,
        from: data.from,
        timeout: settings.timeout,
        detectVoicemail: settings.detectVoicemail,
        detection: this.detection,
        ...(settings.machineDetection ? { detectionTimeout: settings.machineDetectionTimeout ?? 30 } : {}),
      });
    } catch (error) {
      ctx.notice(data.sid, 14103, `the driver could not place the call: ${String(error)}`, 'error');
      this.send({ type: 'FAIL' });
      return;
    }
    this.channel.listen(this.handler());
  }

  /** The lifecycle machine entered `status` (a {@link CallLifecycleHooks} method). */
  entered(status: CallStatus): void {
    const { data, ctx } = this;
    // The duration counts from the pick-up, not from the end of detection (spec 9.3).
    if (status === 'in-progress' && this.pickedUpAt !== null) data.startTime ??= this.pickedUpAt;
    data.setStatus(status, ctx.clock.now());
    ctx.statusChanged(data);
    switch (status) {
      case 'initiated':
        this.report('initiated');
        return;
      case 'ringing':
        this.report('ringing');
        return;
      case 'in-progress':
        this.answered = true;
        this.report('answered');
        // Outbound: the call's Url now (after the transition, same instant, after `answered`).
        if (data.direction !== 'inbound') {
          const { sendDigits } = this.settings;
          // Running from now on: a live change or hang-up before the microtask is taken by the loop.
          this.running = true;
          queueMicrotask(() => this.run(this.initialTarget(), sendDigits ?? null));
        }
        return;
      case 'queued':
        return;
      default:
        if (!this.running) this.endBeforeAnswer(status);
    }
  }

  /** An outbound call that never reached its documents ends (busy, failed, no-answer, canceled). */
  private endBeforeAnswer(status: CallStatus): void {
    // The engine stops an attempt it gave up on; busy/failed/hang-up came from the far end.
    if ((status === 'no-answer' || status === 'canceled') && this.channel !== null && !this.hungUp) {
      const channel = this.channel;
      // An arriving inbound call is ended by the engine (a hangup); an outbound attempt is canceled.
      const inbound = this.data.direction === 'inbound';
      fireAndForget(() => (inbound || channel.cancel === undefined ? channel.hangup() : channel.cancel()));
    }
    // Deferred so that the lifecycle actor has finished its transition first.
    queueMicrotask(() => this.finalize());
  }

  private answerOutbound(): void {
    this.send({ type: 'ANSWER' });
  }

  private handler(): ChannelHandler {
    this.events = new ChannelEvents(this);
    return this.events;
  }

  /** The far end answered an outbound call (voicemail detection may still be awaited). */
  onAnswered(): void {
    const { data } = this;
    if (data.final || this.answered || data.direction === 'inbound' || this.pickedUpAt !== null) return;
    this.pickedUpAt = this.ctx.clock.now();
    // Record=true: from the answer, detection included (spec 9.4).
    const { record } = this.settings;
    if (record) this.recording = new CallRecording(this, record);
    if (this.detection !== null) {
      if (!this.ctx.driver.capabilities.voicemailDetection) this.detected('unknown');
      if (data.answeredBy === null) {
        this.awaitingDetection = true;
        this.send({ type: 'DETECT' });
        return;
      }
    }
    this.answerOutbound();
  }

  onDetected(by: AnsweredBy): void {
    if (this.detection === null || this.data.final || this.answered) return;
    this.detected(by);
    if (this.awaitingDetection) {
      this.awaitingDetection = false;
      this.answerOutbound();
    }
  }

  onDtmf(digit: string): void {
    if (this.data.final) return;
    const { ctx } = this;
    if (ctx.hasListeners()) ctx.emit({ type: 'dtmf', callSid: this.data.sid, digit, at: ctx.clock.now() });
    this.listener?.dtmf?.(digit);
  }

  /** The lifecycle machine gave up waiting for the detection result. */
  detectionTimedOut(): void {
    this.detected('unknown');
  }

  private detected(by: AnsweredBy): void {
    const mode = this.detection ?? 'voicemail';
    const result = detectionResult(mode, by);
    this.data.answeredBy = result;
    // VoicemailDetector belongs to DetectVoicemail only (spec 9.3).
    if (mode === 'voicemail')
      this.data.voicemailDetector = result === 'machine' ? 'voicemail' : 'person_found';
  }

  /** The far end hung up: the running verb is abandoned (or finishes itself), no `hangup` op. */
  farEndHungUp(): void {
    if (this.data.final || this.hungUp) return;
    this.hungUp = true;
    if (!this.running) {
      if (this.pickedUpAt !== null) {
        // Hung up while detection ran: the call was answered (its duration counts from then).
        this.data.startTime ??= this.pickedUpAt;
        this.send({ type: 'COMPLETE' });
        return;
      }
      // An outbound call that hangs up before it was answered: nobody took the call.
      this.send({ type: this.data.direction === 'inbound' ? 'COMPLETE' : 'NO_ANSWER' });
      return;
    }
    this.send({ type: 'COMPLETE' });
    const listener = this.listener;
    if (listener?.hangup !== undefined) listener.hangup();
    else this.step?.abort(ABORTED);
  }
}

/** The channel's events, routed to the session (a class: no closures per call). */
class ChannelEvents implements ChannelHandler {
  constructor(private session: CallSession | null) {}

  /** The call is over: later events are ignored and the session can be collected. */
  detach(): void {
    this.session = null;
  }

  ringing(): void {
    const { session } = this;
    if (session !== null && !session.data.final) session.send({ type: 'RING' });
  }

  answered(): void {
    this.session?.onAnswered();
  }

  detected(by: AnsweredBy): void {
    this.session?.onDetected(by);
  }

  busy(): void {
    const { session } = this;
    if (session !== null && !session.data.final && !session.answered) session.send({ type: 'BUSY' });
  }

  failed(): void {
    const { session } = this;
    if (session !== null && !session.data.final && !session.answered) session.send({ type: 'FAIL' });
  }

  dtmf(digit: string): void {
    this.session?.onDtmf(digit);
  }

  voice(active: boolean): void {
    const { session } = this;
    if (session === null) return;
    session.voiceActive = active;
    if (!session.data.final) session.listener?.voice?.(active);
  }

  speech(result: SpeechResult): void {
    const { session } = this;
    if (session !== null && !session.data.final) session.listener?.speech?.(result);
  }

  partialSpeech(result: PartialSpeechResult): void {
    const { session } = this;
    if (session !== null && !session.data.final) session.listener?.partialSpeech?.(result);
  }

  hangup(): void {
    this.session?.farEndHungUp();
  }
}
