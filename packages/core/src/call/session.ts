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
import type { HttpMethod, ProgressEvent } from '../document/ast.js';
import type { CallMachineState, CallStatus } from '../engine/types.js';
import { RcmlError } from '../errors.js';
import type { AnsweredBy, Channel, DetectionMode } from '../ports.js';
import { CallStreams } from '../streams/callStreams.js';
import type { MediaListener } from '../verbs/types.js';
import { fireAndForget } from './abort.js';
import { CallRecording, detectionResult } from './answerActions.js';
import { CallData, type CallDataInit } from './callData.js';
import { type CallEvent, callMachine } from './callMachine.js';
import type { CallRuntime, DocumentTarget, EndKind } from './callRuntime.js';
import type { CallSettings, RedirectTarget } from './callSettings.js';
import { CallSteps } from './callSteps.js';
import { ChannelEvents } from './channelEvents.js';
import type { CallContext } from './context.js';
import { type PersistedCall, persistCall, restoreRecords } from './persisted.js';
import { reportProgress } from './reportProgress.js';

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
  { session: 'fetching' },
  { session: 'fallingBack' },
  { session: 'verb' },
];

export class CallSession implements CallRuntime {
  readonly data: CallData;
  /** Progress events (status callbacks): one in flight at a time, `SequenceNumber` order. */
  readonly queue: CallbackQueue;
  /** Other notifications of the call, created on first use. */
  private notifications: CallbackQueue | null = null;
  /** Numbers and sends the progress events. */
  readonly reporter: ProgressReporter;
  readonly actor: Actor<typeof callMachine>;
  channel: Channel | null = null;
  /** The running verb's listener for channel events (a media handle). */
  listener: MediaListener | null = null;
  /** Whether the party is talking right now (the channel's last voice event). */
  voiceActive = false;
  /** Handed over to another engine (`persist` with release): nothing more happens here. */
  released = false;
  /** Outbound: when the far end picked up (the call's duration counts from it, spec 9.3). */
  pickedUpAt: number | null = null;
  private recording: CallRecording | null = null;
  private events: ChannelEvents | null = null;
  /** The call's media streams, made on first use (streams/callStreams.ts). */
  private streamSet: CallStreams | null = null;
  readonly ringTimeoutMs: number;
  readonly detectionTimeoutMs: number;
  /** The steps the machine starts, and their records (callSteps.ts). */
  readonly steps: CallSteps;

  constructor(
    readonly ctx: CallContext,
    readonly settings: CallSettings,
    init: CallDataInit,
    options: SessionOptions = {},
  ) {
    this.data = new CallData(init);
    this.steps = new CallSteps(this);
    this.queue = new CallbackQueue(ctx.callbacks, init.sid, init.accountSid);
    this.reporter = new ProgressReporter(
      {
        url: settings.statusCallback,
        method: settings.statusCallbackMethod,
        events: settings.statusCallbackEvents,
      },
      this.queue,
    );
    this.ringTimeoutMs = settings.timeout * 1000;
    this.detectionTimeoutMs =
      (settings.machineDetection ? (settings.machineDetectionTimeout ?? 30) : 30) * 1000;
    const { inspect, restored } = options;
    if (restored !== undefined) restoreRecords(this, restored);
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
    return persistCall(this, snapshot.value as CallMachineState);
  }

  /**
   * Hand the call over (it was persisted and another engine takes it): stop the actor and the
   * running step without a media operation or a request; the channel is left as it is.
   */
  release(): void {
    this.released = true;
    this.actor.stop();
    // Stryker disable next-line OptionalChaining: only a call in a session state is saved, and each is reached with a channel attached (so `events` is set)
    this.events?.detach();
    this.events = null;
    this.listener = null;
    this.steps.abortStep();
  }

  /** A restored call: take the channel back and restart the step it was in (`RESUME`). */
  resumeOn(channel: Channel): void {
    // The step starts before the channel's events are heard: a hang-up the driver reports as
    // soon as it is listened to then abandons that step, instead of leaving the call waiting
    // in `afterHangup` for a step that never started.
    this.channel = channel;
    this.actor.send({ type: 'RESUME' });
    this.events = new ChannelEvents(this);
    channel.listen(this.events);
  }

  // ----- facts the machine reads -----------------------------------------------------------

  get answered(): boolean {
    return this.data.startTime !== null;
  }

  /** Document fetch times within the last minute (spec 8), shared with verbs' own fetches. */
  get fetchTimes(): number[] {
    return this.steps.fetchTimes;
  }

  /**
   * Whether the far end hung up while a verb runs (one that finishes itself: the machine waits
   * in `afterHangup`). Read by verbs only, so never in `requesting`, where none runs.
   */
  get hungUp(): boolean {
    return this.actor.getSnapshot().matches({ session: 'afterHangup' });
  }

  awaitsDetection(): boolean {
    return (
      this.detection !== null &&
      this.ctx.driver.capabilities.voicemailDetection &&
      this.data.answeredBy === null
    );
  }

  verbFinishesItself(): boolean {
    return this.listener?.hangup !== undefined;
  }

  hasDigitsToSend(): boolean {
    return this.steps.hasDigitsToSend();
  }

  hasFallback(event: CallEvent): boolean {
    return this.steps.hasFallback(event);
  }

  // Stryker disable next-line BlockStatement: read only by the machine's `nextVerb` guard, which sees a `next` outcome in `verb` only when callSteps.verbEnded found no next verb (otherwise it starts it without an event): undefined is as false as the answer
  hasNextVerb(): boolean {
    return this.steps.hasNextVerb();
  }

  // ----- effects the machine causes --------------------------------------------------------

  enter(status: CallStatus): void {
    const { data, ctx } = this;
    // Stryker disable next-line LogicalOperator: only final statuses are entered twice (completed after a hang-up, no-answer and canceled by an action and their final state), and none after another final one, so && returns in the same cases
    if (data.status === status || data.final) return;
    // The duration counts from the pick-up, not from the end of detection (spec 9.3); an
    // inbound call has no pick-up (null): `setStatus` starts it now.
    if (status === 'in-progress') data.startTime ??= this.pickedUpAt;
    data.setStatus(status, ctx.clock.now());
    ctx.statusChanged(data);
    if (status === 'initiated' || status === 'ringing') this.report(status);
    else if (status === 'in-progress') this.report('answered');
  }

  /** An inbound call's answer: `enter` ignores it once the call is answered or over. */
  answeredByVerb(): void {
    this.enter('in-progress');
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
    // A driver that cannot tell who answered: `unknown` at once (`detected` ignores a call
    // that asked for no detection).
    if (!this.ctx.driver.capabilities.voicemailDetection) this.detected('unknown');
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
    this.data.startTime ??= this.pickedUpAt;
  }

  /**
   * The engine gives up on an outbound attempt (ring timeout, cancel; only dialing and
   * detecting do): canceled, or hung up when the channel cannot cancel.
   */
  cancelAttempt(): void {
    const channel = this.channel;
    // Null only when the driver could not place the call and a listener of that notice
    // ended it before `DRIVER.FAILED`.
    if (channel === null) return;
    fireAndForget(
      () => (channel.cancel === undefined ? channel.hangup() : channel.cancel()),
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

  verbHearsHangup(): void {
    // Stryker disable next-line OptionalChaining: the machine calls this only when `verbFinishesItself()`, i.e. the listener has a `hangup`
    this.listener?.hangup?.();
  }

  takeTarget(event: CallEvent): void {
    this.steps.takeTarget(event);
  }

  startSendDigits(): void {
    this.steps.startSendDigits();
  }

  startFetch(): void {
    this.steps.startFetch();
  }

  startFallback(event: CallEvent): void {
    this.steps.startFallback(event);
  }

  loadDocument(event: CallEvent): void {
    this.steps.loadDocument(event);
  }

  startVerb(): void {
    this.steps.startVerb();
  }

  // Stryker disable next-line BlockStatement: the machine's `VERB.DONE [nextVerb]` transition is never taken in the engine: callSteps.verbEnded takes it itself whenever the machine is in `verb` (a verb settles in a promise callback, never during a transition)
  advance(): void {
    this.steps.advance();
  }

  abortStep(): void {
    this.steps.abortStep();
  }

  requestAfterHangup(event: CallEvent): void {
    this.steps.requestAfterHangup(event);
  }

  /**
   * The call is over and every request it causes was issued: `completed` goes last, after
   * any notification (recordingStatusCallback) still being delivered. The entry action of
   * the final states: it runs once (the actor stops in a final state).
   */
  finalize(): void {
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
      this.startFallback({ type: 'FETCH.FAILED', code: this.steps.failedCode ?? 0 });
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

  /**
   * A channel event for the machine (hang-up, answer, ...). None comes once the call is over:
   * `finalize` (and `release`) detach the channel's events first.
   */
  send(event: CallEvent): void {
    this.actor.send(event);
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

  private hangupFailed(error: unknown): void {
    this.ctx.notice(this.data.sid, 14103, `the media driver could not hang up: ${describe(error)}`, 'error');
  }

  /** Report a notice of this call. */
  notice(code: Parameters<CallContext['notice']>[1], message: string, level: 'warning' | 'error' = 'error') {
    this.ctx.notice(this.data.sid, code, message, level);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
