/**
 * The simulated driver's media streams (`Channel.mediaStream`). Every 20 ms of clock time
 * each requested track gets a frame: the inbound track is a tone while the scripted party
 * talks (`speak`) and silence otherwise; the outbound track is what the party hears (the
 * application's queued audio, a tone while the engine's `<Say>`/`<Play>` runs, else silence).
 * On a bidirectional stream the application's audio is played 160 bytes per 20 ms, in order;
 * a mark is reported once the audio queued before it has been played; `clear` drops the
 * queued audio and reports the pending marks. What was played is kept for tests.
 */
import type { MediaStreamHandler, MediaStreamRequest, MediaStreamSession, MediaTrack } from '@rcml/core';
import { MULAW_FRAME_BYTES, SILENT_FRAME, toneFrame } from './mulaw.js';
import { DRIVER_PRIORITY, type TimerGroup } from './scheduler.js';

/** The tone a talking party or the engine's own media sends (400 Hz). */
const TONE = toneFrame();

/** What a stream asks of its channel, each frame. */
export interface StreamSource {
  readonly timers: TimerGroup;
  /** The party is talking now. */
  readonly partyTalking: boolean;
  /** The engine's own media (`<Say>`, `<Play>`, `<Play digits>`) is playing now. */
  readonly enginePlaying: boolean;
}

type Queued = { readonly audio: Uint8Array } | { readonly mark: string };

/** One simulated media stream, with what it played to the party. */
export class SimMediaStream implements MediaStreamSession {
  readonly request: MediaStreamRequest;
  /** Clock time (epoch ms) the stream started. */
  readonly startedAt: number;
  /** Clock time it ended, or null while it runs. */
  endedAt: number | null = null;
  /** The application's audio played to the party, one 160-byte frame per 20 ms (last may be shorter). */
  readonly played: Uint8Array[] = [];
  /** Marks reported played, in order. */
  readonly marksPlayed: string[] = [];
  /** Frames delivered per track. */
  readonly framesSent: Record<MediaTrack, number> = { inbound: 0, outbound: 0 };
  private queue: Queued[] = [];
  private offset = 0;
  /** Whether the frame of the last tick played application audio (it sounds until the next tick). */
  private playingFrame = false;
  private tick = 0;
  private cancelTimer: (() => void) | null = null;

  constructor(
    private readonly source: StreamSource,
    request: MediaStreamRequest,
    private readonly handler: MediaStreamHandler,
    signal: AbortSignal,
  ) {
    this.request = request;
    this.startedAt = source.timers.now();
    if (signal.aborted) {
      this.endedAt = this.startedAt;
      return;
    }
    signal.addEventListener('abort', () => this.end(), { once: true });
    this.schedule();
  }

  /** Whether the stream still runs. */
  get running(): boolean {
    return this.endedAt === null;
  }

  /** Bytes of application audio waiting to be played. */
  get queuedBytes(): number {
    let n = -this.offset;
    for (const item of this.queue) if ('audio' in item) n += item.audio.length;
    return Math.max(0, n);
  }

  play(payload: Uint8Array): void {
    if (!this.running || !this.request.bidirectional || payload.length === 0) return;
    this.queue.push({ audio: payload });
  }

  mark(name: string): void {
    if (!this.running || !this.request.bidirectional) return;
    if (this.queue.length === 0 && !this.playingFrame) {
      // Nothing queued or sounding: the audio before the mark has been played already.
      queueMicrotask(() => this.markPlayed(name));
      return;
    }
    this.queue.push({ mark: name });
  }

  clear(): void {
    if (!this.running) return;
    const marks = this.queue.flatMap((item) => ('mark' in item ? [item.mark] : []));
    this.queue = [];
    this.offset = 0;
    for (const name of marks) this.markPlayed(name);
  }

  /** Stop: no frame after this (the engine's signal, or the channel ended). */
  end(): void {
    if (!this.running) return;
    this.endedAt = this.source.timers.now();
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.queue = [];
  }

  private schedule(): void {
    // Absolute instants: a late timer on a real clock does not push every later frame back.
    const at = this.startedAt + this.tick * 20;
    this.cancelTimer = this.source.timers.at(at, () => this.frame(), DRIVER_PRIORITY);
  }

  private frame(): void {
    if (!this.running) return;
    const timestamp = this.tick * 20;
    this.tick++;
    this.ackLeadingMarks();
    const heard = this.request.bidirectional ? this.takeFrame() : null;
    this.playingFrame = heard !== null;
    if (heard !== null) this.played.push(heard);
    const { tracks } = this.request;
    for (const track of tracks) {
      const payload =
        track === 'inbound'
          ? this.source.partyTalking
            ? TONE
            : SILENT_FRAME
          : (heard ?? (this.source.enginePlaying ? TONE : SILENT_FRAME));
      this.framesSent[track]++;
      this.handler.media(track, payload, timestamp);
      if (!this.running) return;
    }
    this.schedule();
  }

  /** Marks at the head of the queue: the audio before them has finished playing. */
  private ackLeadingMarks(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0] as Queued;
      if (!('mark' in head)) return;
      this.queue.shift();
      this.markPlayed(head.mark);
    }
  }

  /** The next 160 bytes of queued audio (across queued payloads, stopping at a mark), or null. */
  private takeFrame(): Uint8Array | null {
    const out = new Uint8Array(MULAW_FRAME_BYTES);
    let filled = 0;
    while (filled < MULAW_FRAME_BYTES && this.queue.length > 0) {
      const head = this.queue[0] as Queued;
      if ('mark' in head) break;
      const take = Math.min(MULAW_FRAME_BYTES - filled, head.audio.length - this.offset);
      out.set(head.audio.subarray(this.offset, this.offset + take), filled);
      filled += take;
      this.offset += take;
      if (this.offset >= head.audio.length) {
        this.queue.shift();
        this.offset = 0;
      }
    }
    if (filled === 0) return null;
    return filled === MULAW_FRAME_BYTES ? out : out.subarray(0, filled);
  }

  private markPlayed(name: string): void {
    if (!this.running) return;
    this.marksPlayed.push(name);
    this.handler.markPlayed(name);
  }
}
