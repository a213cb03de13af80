/**
 * What an outbound call does around its answer, besides running its documents: the
 * who-answered values of each detection mode (spec 6, 9.3) and the whole-call recording of
 * `Record=true` (spec 9.4). (`SendDigits` is a step of the call machine: session.ts.)
 */
import type { CallRecordingSettings } from '../engine/validateAnswerOptions.js';
import type { AnsweredBy, DetectionMode, RecordingSession } from '../ports.js';
import { ABORTED } from './abort.js';
import type { CallSession } from './session.js';

const MACHINE_END: ReadonlySet<AnsweredBy> = new Set([
  'machine_end_beep',
  'machine_end_silence',
  // Stryker disable next-line StringLiteral: without it detectionResult gives machine_end_other for machine_end_other anyway (the fallback of MACHINE_END.has)
  'machine_end_other',
]);

/**
 * A driver's detection result in the values of `mode`: `DetectVoicemail` knows only `human`,
 * `machine` and `unknown`; `Enable` reports a machine as `machine_start`; `DetectMessageEnd`
 * reports a machine by how its greeting ended (`machine_end_other` when the driver did not say).
 */
export function detectionResult(mode: DetectionMode, by: AnsweredBy): AnsweredBy {
  if (by === 'human' || by === 'unknown') return by;
  if (mode === 'voicemail') return 'machine';
  if (by === 'fax') return 'fax';
  if (mode === 'Enable') return 'machine_start';
  return MACHINE_END.has(by) ? by : 'machine_end_other';
}

/** The whole-call recording of `Record=true` (spec 9.4): from the answer to the end of the call. */
export class CallRecording {
  private readonly sid: string;
  private readonly controller = new AbortController();
  private session: Promise<RecordingSession | null>;

  /** Start recording `call` now (the call was just answered). */
  constructor(
    private readonly call: CallSession,
    private readonly settings: CallRecordingSettings,
  ) {
    const { ctx, data, channel } = call;
    this.sid = ctx.ids.next('RE');
    // Stryker disable next-line OptionalChaining: a call is picked up on its channel's answered event, so its channel is attached by then
    if (channel?.recordCall === undefined) {
      ctx.notice(
        data.sid,
        14103,
        'Record: the media driver cannot record a whole call; the call goes on unrecorded',
        'error',
      );
      this.session = Promise.resolve(null);
      return;
    }
    const request = { recordingSid: this.sid, dual: settings.channels === 'dual' };
    this.session = channel.recordCall(request, this.controller.signal).catch((error: unknown) => {
      ctx.notice(
        data.sid,
        14103,
        `Record: the media driver could not record the call: ${String(error)}`,
        'error',
      );
      return null;
    });
  }

  /**
   * The call ended: stop the recording and, when the file is ready, notify
   * `RecordingStatusCallback` (before the call's `completed` callback, which waits for this).
   */
  async finish(): Promise<void> {
    const { call, settings } = this;
    const { data, ctx } = call;
    const recording = await this.session;
    if (recording === null) return;
    let mediaUrl: string;
    try {
      mediaUrl = (await recording.stop()).url;
    } catch (error) {
      ctx.notice(
        data.sid,
        14103,
        `Record: the media driver could not stop recording ${this.sid}: ${String(error)}`,
        'error',
      );
      this.controller.abort(ABORTED);
      return;
    }
    const start = data.startTime ?? data.endTime ?? 0;
    const duration = Math.max(0, Math.floor(((data.endTime ?? start) - start) / 1000));
    const url = ctx.recordingMade({
      sid: this.sid,
      accountSid: data.accountSid,
      callSid: data.sid,
      source: 'OutboundAPI',
      channels: settings.channels === 'dual' ? 2 : 1,
      startTime: start,
      duration,
      mediaUrl,
    });
    if (settings.statusCallback === null) return;
    call.notify(settings.statusCallback, settings.statusCallbackMethod, {
      AccountSid: data.accountSid,
      CallSid: data.sid,
      RecordingSid: this.sid,
      RecordingUrl: url,
      RecordingStatus: 'completed',
      RecordingDuration: String(duration),
      RecordingChannels: settings.channels === 'dual' ? '2' : '1',
      RecordingSource: 'OutboundAPI',
    });
  }
}
