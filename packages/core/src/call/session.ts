/**
 * One call's runtime: the actor of the call machine (callMachine.ts, which decides what the
 * call does next), the media channel and its events, progress events and the ordered callback
 * queue, and the steps the machine starts (a fetch, a verb, `SendDigits`), each reporting back
 * with an event. What the call is doing is the machine's state; this object holds the call's
 * records (its data, its document and position, fetch times) and media handles.
 */
import { type Actor, createActor, type InspectionEvent } from 'xstate';
import { CallbackQueue } from '../callbacks/callbackQueue.js';
import { ProgressReporter } from '../callbacks/progress.js';
import type { HttpMethod, ProgressEvent, Verb } from '../document/ast.js';
import type { InlineDocument } from '../document/inline.js';
import type { CallMachineState, CallStatus } from '../engine/types.js';
import type { CallRecordingSettings, MachineDetection } from '../engine/validateAnswerOptions.js';
import { RcmlError } from '../errors.js';
import { type FetchResult, fetchDocument } from '../fetch/fetchDocument.js';
import { callParams } from '../fetch/params.js';
import type { AnsweredBy, Channel, DetectionMode } from '../ports.js';
import { CallStreams } from '../streams/callStreams.js';
import { executeVerb } from '../verbs/index.js';
import { type MediaListener, NEXT, type VerbOutcome } from '../verbs/types.js';
import { ABORTED, fireAndForget, isAborted, untilAborted } from './abort.js';
import { CallRecording, detectionResult } from './answerActions.js';
import { CallData, type CallDataInit } from './callData.js';
import { type CallEvent, callMachine, type LoadedDocument } from './callMachine.js';
import type { CallRuntime, DocumentTarget, EndKind } from './callRuntime.js';
import { ChannelEvents } from './channelEvents.js';
import type { CallContext } from './context.js';
import { takeFetchSlot } from './fetchSlots.js';
import { PERSISTED_VERSION, type PersistedCall, type VerbProgress } from './persisted.js';
import { reportProgress } from './reportProgress.js';
import { SessionScope } from './sessionScope.js';
import { isVerbBug } from './verbErrors.js';

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

/** How a call's actor is observed (the engine's `inspect` option). */
export type CallInspector = (event: InspectionEvent) => void;

/** Options of a new {@link CallSession}. */
export interface SessionOptions {
  readonly inspect?: CallInspector | undefined;
  /** A saved call to continue (`engine.restore`): the actor starts in its state. */
  readonly restored?: PersistedCall;
}

/** The states a call can be saved in: those where it waits on one step it can start again. */
const PERSISTABLE: readonly CallMachineState[] = [
  { session: 'starting' },
  { session: 'fetching' },
  { session: 'fallingBack' },
  { session: 'verb' },
];

/** The base of an inline document without one: absolute references only (checked on parse). */
const NO_BASE = 'about:blank';

/** A verb ended with `next` (one shared event: the most frequent one). */
const NEXT_DONE: CallEvent = { type: 'VERB.DONE', outcome: NEXT };

export class CallSession implements CallRuntime {
  readonly data: CallData;
  /** Progress events (status callbacks): one in flight at a time, `SequenceNumber` order. */
  readonly queue: CallbackQueue;
  /** Other notifications of the call, created on first use. */
  private notifications: CallbackQueue | null = null;
  private readonly reporter: ProgressReporter;
  readonly actor: Actor<typeof callMachine>;
  channel: Channel | null = null;
  /** The running verb's listener for channel events (a media handle). */
  listener: MediaListener | null = null;
  /** Aborts the running step (a fetch or a verb). */
  private step: AbortController | null = null;
  /** Whether the party is talking right now (the channel's last voice event). */
  voiceActive = false;
  /** Document fetch times within the last minute (spec 8). */
  readonly fetchTimes: number[] = [];
  /** The document to fetch next (the call's `Url`, an action, a live change). */
  private next: DocumentTarget | null = null;
  /** The document being run, and the position of the running verb in it. */
  private document: LoadedDocument | null = null;
  private index = 0;
  /** The code of the failed fetch that the fallback answers. */
  private failedCode: number | null = null;
  /** The running verb's own progress (`VerbScope.progress`), kept for `persist`. */
  verbProgress: VerbProgress | null = null;
  /** A restored call: the progress its first verb resumes from. */
  private resumeProgress: VerbProgress | null = null;
  /** Handed over to another engine (`persist` with release): nothing more happens here. */
  private released = false;
  /** `SendDigits` still to play before the first fetch. */
  private digits: string | null;
  /** Outbound: when the far end picked up (the call's duration counts from it, spec 9.3). */
  private pickedUpAt: number | null = null;
  private recording: CallRecording | null = null;
  private events: ChannelEvents | null = null;
  private finalized = false;
  /** The call's media streams, made on first use (streams/callStreams.ts). */
  private streamSet: CallStreams | null = null;
  readonly ringTimeoutMs: number;
  readonly detectionTimeoutMs: number;

  constructor(
    readonly ctx: CallContext,
    readonly settings: CallSettings,
    init: CallDataInit,
    options: SessionOptions = {},
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
    this.digits = settings.sendDigits ?? null;
    this.ringTimeoutMs = settings.timeout * 1000;
    this.detectionTimeoutMs =
      (settings.machineDetection ? (settings.machineDetectionTimeout ?? 30) : 30) * 1000;
    const { inspect, restored } = options;
    if (restored !== undefined) this.restoreRecords(restored);
    this.actor = createActor(callMachine, {
      clock: ctx.clock,
      input: { runtime: this },
      ...(inspect === undefined ? {} : { inspect }),
      ...(restored === undefined
        ? {}
        : {
            snapshot: callMachine.resolveState({
              value: restored.state as never,
              context: { runtime: this },
            }),
          }),
    });
    this.actor.start();
  }

  // ----- from the engine -------------------------------------------------------------------

  /** Outbound: ask the driver to dial (in a microtask, so `create` returns the queued call). */
  startOutbound(): void {
    queueMicrotask(() => this.actor.send({ type: 'DIAL' }));
  }

  /** Inbound: the call arrives ringing; its first fetch happens at once. */
  startInbound(channel: Channel): void {
    this.attach(channel);
    this.actor.send({ type: 'ARRIVE' });
  }

  /** Live change with `Url` (spec 1.5): stop the running step and run the new document. */
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
    if (this.actor.getSnapshot().matches('session')) {
      this.actor.send({ type: 'REDIRECT', target: next });
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
  end(kind: EndKind): void {
    if (!this.data.final) this.actor.send({ type: 'END', kind });
  }

  /** The machine's current state value (`engine.snapshot`). */
  get state(): CallMachineState {
    return this.actor.getSnapshot().value as CallMachineState;
  }

  /**
   * Save the call as plain data (`engine.persist`). Only in a state where it waits on one
   * step (a fetch, a verb) that can start again; otherwise an `RcmlError` 21220.
   */
  persist(): PersistedCall {
    const snapshot = this.actor.getSnapshot();
    if (!PERSISTABLE.some((state) => snapshot.matches(state as never))) {
      throw new RcmlError(
        21220,
        `call ${this.data.sid} cannot be saved in state ${JSON.stringify(snapshot.value)} (only while it fetches a document or runs a verb)`,
      );
    }
    const { data, settings } = this;
    return structuredClone({
      version: PERSISTED_VERSION,
      state: snapshot.value as CallMachineState,
      call: {
        sid: data.sid,
        accountSid: data.accountSid,
        from: data.from,
        to: data.to,
        apiVersion: data.apiVersion,
        direction: data.direction,
        parentCallSid: data.parentCallSid,
        callerName: data.callerName,
        forwardedFrom: data.forwardedFrom,
        geo: data.geo,
        status: data.status,
        answeredBy: data.answeredBy,
        voicemailDetector: data.voicemailDetector,
        dateCreated: data.dateCreated,
        dateUpdated: data.dateUpdated,
        startTime: data.startTime,
        endTime: data.endTime,
        duration: data.duration,
      },
      settings: { ...settings, statusCallbackEvents: [...settings.statusCallbackEvents] },
      progress: this.reporter.save(),
      document: this.document,
      index: this.index,
      next: this.next,
      failedCode: this.failedCode,
      fetchTimes: [...this.fetchTimes],
      pickedUpAt: this.pickedUpAt,
      digits: this.digits,
      verb: this.verbProgress,
    });
  }

  /**
   * Hand the call over (it was persisted and another engine takes it): stop the actor and the
   * running step without a media operation or a request; the channel is left as it is.
   */
  release(): void {
    this.released = true;
    this.actor.stop();
    this.events?.detach();
    this.events = null;
    this.listener = null;
    this.step?.abort(ABORTED);
  }

  /** A restored call: take the channel back and restart the step it was in (`RESUME`). */
  resumeOn(channel: Channel): void {
    this.attach(channel);
    this.actor.send({ type: 'RESUME' });
  }

  // ----- facts the machine reads -----------------------------------------------------------

  get outbound(): boolean {
    return this.data.direction !== 'inbound';
  }

  get answered(): boolean {
    return this.data.startTime !== null;
  }

  /** Whether the far end hung up while the call ran its documents. */
  get hungUp(): boolean {
    const snapshot = this.actor.getSnapshot();
    return snapshot.matches({ session: 'afterHangup' }) || snapshot.matches({ session: 'requesting' });
  }

  awaitsDetection(): boolean {
    return (
      this.detection !== null &&
      this.ctx.driver.capabilities.voicemailDetection &&
      this.data.answeredBy === null
    );
  }

  hasDigitsToSend(): boolean {
    return this.digits !== null && this.digits !== '' && this.channel !== null;
  }

  hasFallback(event: CallEvent): boolean {
    const next = this.next;
    return (
      event.type === 'FETCH.FAILED' &&
      event.code !== 14100 &&
      event.code !== 14120 &&
      next !== null &&
      next.fallbackUrl !== null
    );
  }

  hasNextVerb(): boolean {
    return this.document !== null && this.index + 1 < this.document.document.verbs.length;
  }

  verbFinishesItself(): boolean {
    return this.listener?.hangup !== undefined;
  }

  // ----- effects the machine causes --------------------------------------------------------

  enter(status: CallStatus): void {
    const { data, ctx } = this;
    if (data.status === status || data.final) return;
    // The duration counts from the pick-up, not from the end of detection (spec 9.3).
    if (status === 'in-progress' && this.pickedUpAt !== null) data.startTime ??= this.pickedUpAt;
    data.setStatus(status, ctx.clock.now());
    ctx.statusChanged(data);
    if (status === 'initiated' || status === 'ringing') this.report(status);
    else if (status === 'in-progress') this.report('answered');
  }

  answeredByVerb(): void {
    if (!this.answered && !this.data.final) this.enter('in-progress');
  }

  originate(): void {
    const { data, ctx, settings } = this;
    let channel: Channel;
    try {
      channel = ctx.driver.originate({
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
      // Queued behind the entry of `initiated` that is running this.
      this.actor.send({ type: 'DRIVER.FAILED' });
      return;
    }
    this.attach(channel);
  }

  pickUp(): void {
    this.pickedUpAt = this.ctx.clock.now();
    // Record=true: from the answer, detection included (spec 9.4).
    const { record } = this.settings;
    if (record) this.recording = new CallRecording(this, record);
    if (this.detection !== null && !this.ctx.driver.capabilities.voicemailDetection) this.detected('unknown');
  }

  detected(by: AnsweredBy): void {
    const mode = this.detection;
    if (mode === null) return;
    const result = detectionResult(mode, by);
    this.data.answeredBy = result;
    // VoicemailDetector belongs to DetectVoicemail only (spec 9.3).
    if (mode === 'voicemail')
      this.data.voicemailDetector = result === 'machine' ? 'voicemail' : 'person_found';
  }

  startFromPickUp(): void {
    if (this.pickedUpAt !== null) this.data.startTime ??= this.pickedUpAt;
  }

  /** The engine gives up on an attempt (ring timeout, cancel): an outbound one is canceled. */
  cancelAttempt(): void {
    const channel = this.channel;
    if (channel === null) return;
    const inbound = this.data.direction === 'inbound';
    fireAndForget(
      () => (inbound || channel.cancel === undefined ? channel.hangup() : channel.cancel()),
      (error) => this.hangupFailed(error),
    );
  }

  /** Issue the engine's own hang-up of the channel (a `hangup` media operation). */
  hangupChannel(): void {
    const channel = this.channel;
    if (channel !== null)
      fireAndForget(
        () => channel.hangup(),
        (error) => this.hangupFailed(error),
      );
  }

  deferGo(): void {
    queueMicrotask(() => {
      if (!this.released) this.actor.send({ type: 'GO' });
    });
  }

  takeTarget(event: CallEvent): void {
    if (event.type === 'REDIRECT') {
      this.next = event.target;
      // A live change before the first fetch: the keys of `SendDigits` are not played.
      this.digits = null;
    } else if (event.type === 'VERB.DONE' && event.outcome.kind === 'fetch') {
      const { outcome } = event;
      this.next = {
        url: outcome.url,
        written: outcome.written,
        method: outcome.method,
        params: outcome.params,
        fallbackUrl: null,
        fallbackMethod: 'POST',
      };
    }
  }

  startSendDigits(): void {
    const channel = this.channel!;
    const digits = this.digits!;
    this.digits = null;
    const step = this.beginStep();
    untilAborted(channel.sendDigits({ digits }, step.signal), step.signal).then(
      () => this.settle(step, { type: 'DIGITS.DONE' }),
      (error: unknown) => {
        if (!isAborted(error)) this.notice(14103, `SendDigits: the media driver failed: ${String(error)}`);
        this.settle(step, isAborted(error) ? { type: 'STEP.ABORTED' } : { type: 'DIGITS.DONE' });
      },
    );
  }

  startFetch(): void {
    const target = this.next ?? this.initialTarget();
    this.next = target;
    const inline = target.inline;
    if (inline !== undefined) {
      const loaded = {
        ok: true,
        document: inline.document,
        url: inline.baseUrl ?? NO_BASE,
        warnings: inline.warnings,
      } as const;
      const step = this.beginStep();
      Promise.resolve().then(() =>
        step.signal.aborted ? this.settle(step, { type: 'STEP.ABORTED' }) : this.fetched(step, loaded),
      );
      return;
    }
    this.fetchOnce(target.url, target.written, target.method, target.params);
  }

  startFallback(event: CallEvent): void {
    const target = this.next!;
    const code = event.type === 'FETCH.FAILED' ? event.code : 0;
    this.failedCode = code;
    this.fetchOnce(target.fallbackUrl, target.fallbackUrl ?? '', target.fallbackMethod, {
      ErrorCode: String(code),
      ErrorUrl: target.url ?? target.written,
    });
  }

  loadDocument(event: CallEvent): void {
    if (event.type !== 'FETCH.DONE') return;
    this.document = event.loaded;
    this.index = 0;
    for (const warning of event.loaded.warnings) this.notice(warning.code, warning.message, 'warning');
  }

  startVerb(): void {
    const loaded = this.document!;
    const verb = loaded.document.verbs[this.index]!;
    const step = this.beginStep();
    const resumed = this.resumeProgress;
    this.resumeProgress = null;
    const scope = new SessionScope(this, step.signal, loaded.url, resumed);
    const { ctx } = this;
    if (ctx.hasListeners()) this.trace('start', verb);
    let running: Promise<VerbOutcome>;
    try {
      running = executeVerb(verb, scope);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (outcome) => this.verbEnded(step, verb, outcome === NEXT ? NEXT_DONE : { type: 'VERB.DONE', outcome }),
      (error: unknown) => {
        if (isAborted(error)) return this.verbEnded(step, verb, { type: 'STEP.ABORTED' });
        if (isVerbBug(error)) {
          ctx.logger.error('verb failed', { callSid: this.data.sid, verb: verb.kind, error });
          this.notice(
            14120,
            `${verb.kind}: the engine failed running the verb; the call ends: ${describe(error)}`,
          );
          return this.verbEnded(step, verb, { type: 'VERB.FAILED' });
        }
        this.notice(14103, `${verb.kind}: the media driver failed: ${describe(error)}`);
        this.verbEnded(step, verb, NEXT_DONE);
      },
    );
  }

  advance(): void {
    this.index += 1;
  }

  abortStep(): void {
    this.step?.abort(ABORTED);
  }

  verbHearsHangup(): void {
    this.listener?.hangup?.();
  }

  /**
   * A `<Record>`/`<Dial>` action after the caller hung up: still requested (with
   * `CallStatus=completed`, before the `completed` callback), its answer not run.
   */
  requestAfterHangup(event: CallEvent): void {
    const outcome = event.type === 'VERB.DONE' ? event.outcome : null;
    if (outcome === null || outcome.kind !== 'fetch' || outcome.url === null) {
      queueMicrotask(() => this.actor.send({ type: 'REQUEST.DONE' }));
      return;
    }
    const { ctx, data } = this;
    const params = callParams(data);
    for (const key in outcome.params) params[key] = outcome.params[key]!;
    const done = () => this.actor.send({ type: 'REQUEST.DONE' });
    fetchDocument(
      ctx.fetch,
      { url: outcome.url, method: outcome.method, params, callSid: data.sid, accountSid: data.accountSid },
      new AbortController(),
    ).then(done, done);
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

  /** `RESUME`: the channel is attached again; start the step the call was saved in. */
  resume(): void {
    const snapshot = this.actor.getSnapshot();
    if (snapshot.matches({ session: 'verb' })) this.startVerb();
    else if (snapshot.matches({ session: 'fetching' })) this.startFetch();
    else if (snapshot.matches({ session: 'fallingBack' }))
      this.startFallback({ type: 'FETCH.FAILED', code: this.failedCode ?? 0 });
    else if (snapshot.matches({ session: 'starting' })) this.deferGo();
  }

  // ----- what steps and verbs use ----------------------------------------------------------

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

  /** An inbound call's `answer` operation completed (from the verb's scope). */
  answeredNow(): void {
    this.actor.send({ type: 'ANSWERED' });
  }

  /** Report a progress event (once), sending it when subscribed. */
  report(event: ProgressEvent): void {
    const { data, ctx } = this;
    reportProgress(ctx, { data, reporter: this.reporter, event, now: ctx.clock.now() });
  }

  /**
   * Queue a notification that is not a progress event (recordingStatusCallback): delivered
   * in order with its own retries, never behind a progress callback being retried.
   */
  notify(url: string, method: HttpMethod, params: Readonly<Record<string, string>>): void {
    this.notificationQueue().enqueue(url, method, params);
  }

  /** A channel event for the machine (hang-up, answer, ...), ignored once the call is over. */
  send(event: CallEvent): void {
    if (!this.finalized) this.actor.send(event);
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

  private attach(channel: Channel): void {
    this.channel = channel;
    this.events = new ChannelEvents(this);
    channel.listen(this.events);
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

  /** The controller of a new step (a spare one from the engine when there is one). */
  private beginStep(): AbortController {
    const step = this.ctx.controllers.take();
    this.step = step;
    return step;
  }

  /** The step settled: its controller goes back to the engine unless it fired; tell the machine. */
  private settle(step: AbortController, event: CallEvent): void {
    if (this.released) return;
    if (this.step === step) this.step = null;
    this.ctx.controllers.give(step);
    this.actor.send(event);
  }

  /** Continue from a saved call's records (its state is the actor's). */
  private restoreRecords(saved: PersistedCall): void {
    const { data } = this;
    const call = saved.call;
    data.status = call.status;
    data.answeredBy = call.answeredBy;
    data.voicemailDetector = call.voicemailDetector;
    data.dateUpdated = call.dateUpdated;
    data.startTime = call.startTime;
    data.endTime = call.endTime;
    data.duration = call.duration;
    this.reporter.restore(saved.progress);
    this.document = saved.document;
    this.index = saved.index;
    this.next = saved.next;
    this.failedCode = saved.failedCode;
    this.fetchTimes.push(...saved.fetchTimes);
    this.pickedUpAt = saved.pickedUpAt;
    this.digits = saved.digits;
    this.resumeProgress = saved.verb;
  }

  private verbEnded(step: AbortController, verb: Verb, event: CallEvent): void {
    if (this.released) return;
    this.listener = null;
    this.verbProgress = null;
    if (this.step === step) this.step = null;
    this.ctx.controllers.give(step);
    if (this.ctx.hasListeners()) this.trace('end', verb);
    // The machine's `VERB.DONE [nextVerb]` transition, taken without an event: it changes no
    // state, and an event per verb cost about a quarter of a call's engine CPU (docs/decisions.md).
    const next = event.type === 'VERB.DONE' && event.outcome.kind === 'next';
    if (next && this.hasNextVerb() && this.inVerb()) {
      this.advance();
      this.startVerb();
      return;
    }
    this.actor.send(event);
  }

  /** Whether the machine is running a verb (not stopping it, not after a hang-up). */
  private inVerb(): boolean {
    const value = this.actor.getSnapshot().value as { readonly session?: unknown };
    return value.session === 'verb';
  }

  private fetchOnce(
    url: string | null,
    written: string,
    method: HttpMethod,
    extra: Readonly<Record<string, string>>,
  ): void {
    const { ctx, data } = this;
    const step = this.beginStep();
    if (url === null) {
      this.failSoon(step, 11200, `"${written}" is not an http(s) URL`);
      return;
    }
    if (!takeFetchSlot(this.fetchTimes, ctx.clock.now(), ctx.limits.maxFetchesPerMinute)) {
      const max = ctx.limits.maxFetchesPerMinute;
      this.failSoon(step, 14100, `more than ${max} document fetches in a minute; the call ends`);
      return;
    }
    const params = callParams(data);
    for (const key in extra) params[key] = extra[key]!;
    fetchDocument(
      ctx.fetch,
      { url, method, params, callSid: data.sid, accountSid: data.accountSid },
      step,
    ).then(
      (result) => this.fetched(step, result),
      (error: unknown) => {
        if (isAborted(error)) return this.settle(step, { type: 'STEP.ABORTED' });
        // A bug in the fetch path: the call cannot have its document.
        ctx.logger.error('document fetch failed', { callSid: data.sid, error });
        this.fetched(step, {
          ok: false,
          code: 14120,
          message: `the engine failed fetching ${written}: ${describe(error)}`,
        });
      },
    );
  }

  private failSoon(step: AbortController, code: 11200 | 14100, message: string): void {
    Promise.resolve().then(() => this.fetched(step, { ok: false, code, message }));
  }

  private fetched(step: AbortController, result: FetchResult): void {
    if (result.ok) {
      this.settle(step, { type: 'FETCH.DONE', loaded: result });
      return;
    }
    this.notice(result.code, result.message);
    this.settle(step, { type: 'FETCH.FAILED', code: result.code });
  }

  private hangupFailed(error: unknown): void {
    this.ctx.notice(this.data.sid, 14103, `the media driver could not hang up: ${describe(error)}`, 'error');
  }

  private notice(
    code: Parameters<CallContext['notice']>[1],
    message: string,
    level: 'warning' | 'error' = 'error',
  ) {
    this.ctx.notice(this.data.sid, code, message, level);
  }

  private trace(phase: 'start' | 'end', verb: Verb): void {
    const { ctx, data } = this;
    const detail = { path: verb.position.path };
    ctx.emit({ type: 'verb', phase, callSid: data.sid, verb: verb.kind, detail, at: ctx.clock.now() });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
