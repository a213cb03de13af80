/**
 * A media driver with no media time: every operation completes on the next macrotask. The far
 * end answers outbound calls at once and presses the gather finish key as soon as input
 * collection starts (an empty result, so no action request); dial targets answer at once and
 * hang up on the next macrotask after the bridge. What remains is the engine's own cost.
 *
 * A "held" call (B2) is one whose far end never presses a key: its `<Gather>` waits for the
 * engine's own timeout, the way an idle caller does.
 */
import type {
  Channel,
  ChannelHandler,
  DialRequest,
  DialSession,
  GatherRequest,
  MediaDriver,
  OriginateRequest,
  PlayOutcome,
  RecordingSession,
} from '@rcml/core';

export interface ZeroLatencyOptions {
  /** Calls whose far end never presses a key (default: none). */
  readonly hold?: (request: OriginateRequest) => boolean;
  /** Told when a held call starts waiting for input (B2 counts parked calls with it). */
  readonly onHold?: (channelId: string) => void;
}

const PLAYED: PlayOutcome = { ok: true };

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One leg. `leg` is a `<Dial>` target: it reports its own hang-up after the bridge. */
class ZeroChannel implements Channel {
  private handler: ChannelHandler | undefined;
  private ended = false;

  constructor(
    readonly id: string,
    private readonly role: 'call' | 'leg' | 'held',
    private readonly onHold: ((id: string) => void) | undefined,
  ) {}

  listen(handler: ChannelHandler): void {
    const first = this.handler === undefined;
    this.handler = handler;
    // Outbound calls and dial legs ring and answer at once (never synchronously from listen).
    if (first) setImmediate(() => this.answerNow());
  }

  private answerNow(): void {
    this.handler?.ringing();
    if (!this.ended) this.handler?.answered();
  }

  answer(): Promise<void> {
    return nextMacrotask();
  }
  say(): Promise<void> {
    return nextMacrotask();
  }
  async play(): Promise<PlayOutcome> {
    await nextMacrotask();
    return PLAYED;
  }
  sendDigits(): Promise<void> {
    return nextMacrotask();
  }
  pause(): Promise<void> {
    return nextMacrotask();
  }

  async gather(request: GatherRequest): Promise<void> {
    if (this.role === 'held') {
      this.onHold?.(this.id);
      return;
    }
    // The caller presses the finish key at once: input ends with nothing collected.
    const key = request.finishOnKey === '' ? null : request.finishOnKey;
    if (key !== null) setImmediate(() => this.emitDtmf(key));
  }

  private emitDtmf(key: string): void {
    if (!this.ended) this.handler?.dtmf(key);
  }

  async record(request: { readonly recordingSid: string }): Promise<RecordingSession> {
    const url = `http://127.0.0.1/recordings/${request.recordingSid}`;
    return { stop: async () => ({ url }) };
  }

  dial(request: DialRequest): DialSession {
    const legs = request.targets.map((t) => new ZeroChannel(t.callSid, 'leg', undefined));
    return {
      legs,
      async bridge(index) {
        const leg = legs[index];
        // The dialled party hangs up right after being connected.
        if (leg !== undefined) setImmediate(() => leg.farEndHangup());
      },
    };
  }

  /** The far end of a dial leg hangs up. */
  farEndHangup(): void {
    if (this.ended) return;
    this.ended = true;
    this.handler?.hangup();
  }

  async hangup(): Promise<void> {
    // The engine ends the channel: nothing to report back.
    this.ended = true;
  }

  async cancel(): Promise<void> {
    this.ended = true;
  }

  async reject(): Promise<void> {
    this.ended = true;
  }
}

/** The zero-latency driver. */
export function createZeroLatencyDriver(options: ZeroLatencyOptions = {}): MediaDriver {
  const hold = options.hold;
  return {
    capabilities: { ssml: true, speech: false, voicemailDetection: false },
    originate(request: OriginateRequest): Channel {
      const role = hold?.(request) === true ? 'held' : 'call';
      return new ZeroChannel(request.callSid, role, options.onHold);
    },
  };
}
