/**
 * Paces the audio a media-stream application sends (`<Connect><Stream>`) to the caller: one
 * 160-byte μ-law frame every 20 ms on the driver's clock, with the deadlines counted from the
 * start of each talk spurt (`start + n × 20 ms`), so timer lateness never accumulates into drift
 * or jitter. Marks are reported once the audio queued before them has been sent and its 20 ms
 * have passed; `clear` drops the queued audio and reports the pending marks at once, in order.
 */
import type { Clock, TimerId } from '@rcml/core';

/** Bytes of one 20 ms frame of 8 kHz μ-law. */
export const FRAME_BYTES = 160;
/** Milliseconds of one frame. */
export const FRAME_MS = 20;
/** μ-law digital silence, used to fill the last frame of a clip. */
export const MULAW_SILENCE = 0xff;
/**
 * A tick this late (the event loop was blocked) starts a new spurt instead of sending the
 * missed frames in a burst.
 */
const MAX_LATE_MS = 3 * FRAME_MS;

/** What the pacer calls. */
export interface PacerSink {
  /**
   * Send one frame. `startOfSpurt`: the first frame after a silence (or a late tick);
   * `idleFrames`: the 20 ms slots that passed without audio before it (0 inside a spurt).
   */
  frame(payload: Uint8Array, startOfSpurt: boolean, idleFrames: number): void;
  /** The audio before mark `name` has been played (or was cleared). */
  markPlayed(name: string): void;
}

type Item =
  | { readonly kind: 'audio'; readonly bytes: Uint8Array }
  | { readonly kind: 'mark'; readonly name: string };

/** Sends queued μ-law audio in 20 ms frames on a clock and reports marks (see the module comment). */
export class Pacer {
  private readonly queue: Item[] = [];
  /** Bytes of the queue's first audio item already sent. */
  private offset = 0;
  private timer: TimerId | null = null;
  /** Start of the running spurt and frames sent in it; null while idle. */
  private spurtStart: number | null = null;
  private slots = 0;
  /** When the last spurt's last frame ended (for the RTP timestamp gap). */
  private lastEnd: number | null = null;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly sink: PacerSink,
  ) {}

  /** Queue audio after what is queued. */
  play(bytes: Uint8Array): void {
    if (this.stopped || bytes.length === 0) return;
    this.queue.push({ kind: 'audio', bytes });
    this.kick();
  }

  /** Queue a mark: reported once the audio before it has been played. */
  mark(name: string): void {
    if (this.stopped) return;
    this.queue.push({ kind: 'mark', name });
    this.kick();
  }

  /** Drop the queued audio; report every pending mark now, in order. */
  clear(): void {
    if (this.stopped) return;
    const marks = this.queue.flatMap((item) => (item.kind === 'mark' ? [item.name] : []));
    this.queue.length = 0;
    this.offset = 0;
    for (const name of marks) this.sink.markPlayed(name);
  }

  /** Stop for good: nothing more is sent or reported. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Frames queued and not yet sent (for tests and logs). */
  get queuedFrames(): number {
    let bytes = 0 - this.offset;
    for (const item of this.queue) if (item.kind === 'audio') bytes += item.bytes.length;
    return Math.ceil(bytes / FRAME_BYTES);
  }

  private kick(): void {
    if (this.timer !== null || this.stopped) return;
    // Idle: the next tick is now (never inside the caller's stack: a mark is reported later).
    this.timer = this.clock.setTimeout(() => this.tick(), 0);
  }

  private tick(): void {
    this.timer = null;
    if (this.stopped) return;
    // Marks at the head follow audio that has finished playing by now.
    while (this.queue[0]?.kind === 'mark') {
      const item = this.queue.shift() as { name: string };
      this.sink.markPlayed(item.name);
      if (this.stopped) return;
    }
    const frame = this.takeFrame();
    const now = this.clock.now();
    if (frame === null) {
      // Idle until more audio or a mark comes.
      if (this.spurtStart !== null) this.lastEnd = this.spurtStart + this.slots * FRAME_MS;
      this.spurtStart = null;
      return;
    }
    let startOfSpurt = false;
    let idleFrames = 0;
    if (this.spurtStart === null || now - (this.spurtStart + this.slots * FRAME_MS) > MAX_LATE_MS) {
      startOfSpurt = true;
      const previousEnd = this.spurtStart === null ? this.lastEnd : this.spurtStart + this.slots * FRAME_MS;
      idleFrames = previousEnd === null ? 0 : Math.max(0, Math.round((now - previousEnd) / FRAME_MS));
      this.spurtStart = now;
      this.slots = 0;
    }
    this.sink.frame(frame, startOfSpurt, idleFrames);
    this.slots += 1;
    if (this.stopped) return;
    const due = this.spurtStart + this.slots * FRAME_MS;
    this.timer = this.clock.setTimeout(() => this.tick(), Math.max(0, due - this.clock.now()));
  }

  /** The next 160 bytes of queued audio (the last frame of a clip filled with silence). */
  private takeFrame(): Uint8Array | null {
    const head = this.queue[0];
    if (head === undefined || head.kind !== 'audio') return null;
    const frame = new Uint8Array(FRAME_BYTES).fill(MULAW_SILENCE);
    let filled = 0;
    while (filled < FRAME_BYTES) {
      const item = this.queue[0];
      if (item === undefined || item.kind !== 'audio') break;
      const take = Math.min(FRAME_BYTES - filled, item.bytes.length - this.offset);
      frame.set(item.bytes.subarray(this.offset, this.offset + take), filled);
      filled += take;
      this.offset += take;
      if (this.offset >= item.bytes.length) {
        this.queue.shift();
        this.offset = 0;
      }
    }
    return frame;
  }
}
