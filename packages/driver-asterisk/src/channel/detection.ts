/**
 * Who answered an outbound call (`DetectVoicemail`, `MachineDetection`), judged from Asterisk's
 * voice activity events (`TALK_DETECT`: `ChannelTalkingStarted`/`Finished`) with TwiML's
 * thresholds, no dialplan needed:
 * - no voice within `silenceTimeoutMs` of the answer → `unknown`;
 * - voice that lasts `speechThresholdMs` (counted from its start, pauses shorter than
 *   `speechEndThresholdMs` included) → a machine; with `DetectMessageEnd` the result waits
 *   for the greeting to end (`speechEndThresholdMs` of silence) and is `machine_end_silence`
 *   (a beep is voice to `TALK_DETECT`, so the end is always found by silence);
 * - voice that ends sooner, followed by `speechEndThresholdMs` of silence → `human`.
 * Asterisk reports `ChannelTalkingFinished` only after its own silence time (`talkDetect.silenceMs`),
 * so that much of the silence has already passed when the event arrives.
 */
import type { AnsweredBy, Clock, DetectionMode, TimerId } from '@rcml/core';

/** TwiML's `MachineDetection*` defaults, in milliseconds. */
export interface DetectionThresholds {
  /** Voice at least this long is a machine's greeting (TwiML default 2400). */
  readonly speechThresholdMs: number;
  /** Silence that ends an utterance (TwiML default 1200). */
  readonly speechEndThresholdMs: number;
  /** No voice at all for this long after the answer: `unknown` (TwiML default 5000). */
  readonly silenceTimeoutMs: number;
}

export const DEFAULT_DETECTION: DetectionThresholds = {
  speechThresholdMs: 2400,
  speechEndThresholdMs: 1200,
  silenceTimeoutMs: 5000,
};

export class AnswerDetector {
  private timer: TimerId | null = null;
  private speechStartedAt: number | null = null;
  private talking = false;
  private machine = false;
  private done = false;

  constructor(
    private readonly mode: DetectionMode,
    private readonly clock: Clock,
    private readonly thresholds: DetectionThresholds,
    /** Milliseconds of silence Asterisk waits before `ChannelTalkingFinished`. */
    private readonly talkDetectSilenceMs: number,
    private readonly report: (by: AnsweredBy) => void,
  ) {}

  /** The call was answered: listening starts. */
  start(): void {
    if (this.done) return;
    this.arm(this.thresholds.silenceTimeoutMs, () => this.finish('unknown'));
  }

  talkingStarted(): void {
    if (this.done) return;
    this.talking = true;
    const now = this.clock.now();
    this.speechStartedAt ??= now;
    if (this.machine) {
      this.clear(); // the greeting goes on
      return;
    }
    const left = this.thresholds.speechThresholdMs - (now - this.speechStartedAt);
    this.arm(Math.max(0, left), () => this.longSpeech());
  }

  talkingFinished(): void {
    if (this.done || !this.talking) return;
    this.talking = false;
    const silenceLeft = Math.max(0, this.thresholds.speechEndThresholdMs - this.talkDetectSilenceMs);
    this.arm(silenceLeft, () => this.finish(this.machine ? 'machine_end_silence' : 'human'));
  }

  /** The call ended or the result is no longer wanted. */
  cancel(): void {
    this.done = true;
    this.clear();
  }

  private longSpeech(): void {
    this.machine = true;
    if (this.mode !== 'DetectMessageEnd') this.finish('machine');
    // DetectMessageEnd: wait for the greeting's end (talkingFinished).
  }

  private finish(by: AnsweredBy): void {
    if (this.done) return;
    this.done = true;
    this.clear();
    this.report(by);
  }

  private arm(ms: number, fn: () => void): void {
    this.clear();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      fn();
    }, ms);
  }

  private clear(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
