/** The scope a verb runs in: the session's ports and state, seen through one verb's signal. */

import type { ConferenceDesk } from '../conferences/conferences.js';
import type { HttpMethod } from '../document/ast.js';
import type { EngineLimits } from '../engine/types.js';
import type { ErrorCode } from '../errors.js';
import { resolveUrl } from '../fetch/url.js';
import type { Channel, Clock, DriverCapabilities, SmsRequest, TimerId } from '../ports.js';
import type { QueueDesk } from '../queues/queues.js';
import type { RecordingMade } from '../recordings/recordings.js';
import type { CallStreams } from '../streams/callStreams.js';
import type {
  DialLegHandle,
  DialLegSpec,
  DocumentLoad,
  LoadedDocument,
  MediaListener,
  VerbScope,
  WhisperResult,
  WhisperStart,
} from '../verbs/types.js';
import { untilAborted } from './abort.js';
import type { CallData } from './callData.js';
import { DialLeg } from './dialLeg.js';
import { loadDocument } from './loadDocument.js';
import type { VerbProgress } from './persisted.js';
import type { CallSession } from './session.js';
import { runWhisper } from './whisper.js';

export class SessionScope implements VerbScope {
  readonly clock: Clock;
  readonly channel: Channel;
  readonly capabilities: DriverCapabilities;
  readonly call: CallData;
  readonly limits: EngineLimits;

  constructor(
    private readonly session: CallSession,
    readonly signal: AbortSignal,
    readonly documentUrl: string,
    resumed: VerbProgress | null = null,
  ) {
    if (resumed !== null) this.resumed = resumed;
    const { ctx } = session;
    this.clock = ctx.clock;
    this.channel = session.channel!;
    this.capabilities = ctx.driver.capabilities;
    this.call = session.data;
    this.limits = ctx.limits;
  }

  /** Progress saved before the call was persisted (its first verb after `restore` only). */
  readonly resumed?: VerbProgress;

  progress(state: VerbProgress): void {
    this.session.steps.verbProgress = state;
  }

  get answered(): boolean {
    return this.session.answered;
  }

  get hungUp(): boolean {
    return this.session.hungUp;
  }

  get voiceActive(): boolean {
    return this.session.voiceActive;
  }

  get streams(): CallStreams {
    return this.session.streams;
  }

  async answer(): Promise<void> {
    const { session, signal } = this;
    // Only an inbound call is answered here: an outbound one is in progress (picked up) before its first verb.
    if (session.answered) return;
    await untilAborted(this.channel.answer(signal), signal);
    session.answeredNow();
  }

  listen(listener: MediaListener): void {
    this.session.listener = listener;
  }

  notice(code: ErrorCode, message: string, level: 'warning' | 'error' = 'error'): void {
    this.session.ctx.notice(this.call.sid, code, message, level);
  }

  resolveUrl(reference: string): string | null {
    return resolveUrl(reference, this.documentUrl);
  }

  nextSid(prefix: 'CA' | 'RE' | 'SM' | 'MZ'): string {
    return this.session.ctx.ids.next(prefix);
  }

  notify(url: string, method: HttpMethod, params: Readonly<Record<string, string>>): void {
    this.session.notify(url, method, params);
  }

  get conferences(): ConferenceDesk {
    return this.session.ctx.conferences;
  }

  get queues(): QueueDesk {
    return this.session.ctx.queues;
  }

  load(request: DocumentLoad, signal: AbortSignal): Promise<LoadedDocument> {
    return loadDocument(this.session, request, signal);
  }

  recorded(recording: Omit<RecordingMade, 'accountSid' | 'callSid'>): string {
    return this.session.ctx.recordingMade({
      ...recording,
      accountSid: this.call.accountSid,
      callSid: this.call.sid,
    });
  }

  async sendSms(request: SmsRequest): Promise<'sent' | 'failed'> {
    const messaging = this.session.ctx.messaging;
    if (messaging === undefined) {
      this.notice(14104, 'Sms: no messaging port is configured; the message is reported failed', 'warning');
      return 'failed';
    }
    try {
      return (await messaging.send(request)).status;
    } catch (error) {
      this.notice(14104, `Sms: the messaging port failed: ${String(error)}`);
      return 'failed';
    }
  }

  createLeg(spec: DialLegSpec): DialLegHandle {
    return new DialLeg(this.session.ctx, spec, this.call);
  }

  whisper(request: WhisperStart): Promise<WhisperResult> {
    return runWhisper(this.session.ctx, { ...request, accountSid: this.call.accountSid });
  }

  setTimer(fn: () => void, ms: number): TimerId {
    return this.clock.setTimeout(fn, ms);
  }

  clearTimer(id: TimerId): void {
    this.clock.clearTimeout(id);
  }
}
