/**
 * Media streams on Asterisk (`Channel.mediaStream`: `<Connect><Stream>`, `<Start><Stream>`)
 * through ARI external media channels (`POST /channels/externalMedia`, RTP, 8 kHz μ-law, to a
 * UDP socket the driver opens on `mediaStreamHost`):
 * - bidirectional (`<Connect>`): an external media channel in a mixing bridge with the call.
 *   What Asterisk sends on it is the caller's audio (the inbound track); the application's
 *   audio is paced (20 ms frames, `pacer.ts`) and sent back on it, so the caller hears it.
 * - a forked track (`<Start>`, and the outbound track of a `<Connect>`): a snoop channel on
 *   the call (`POST /channels/{id}/snoop`, `spy=in` for the inbound track, `spy=out` for the
 *   outbound one) in a bridge of its own with an external media channel. One leg per track,
 *   so the two tracks of `both_tracks` stay apart (a `spy=both` snoop mixes them).
 * The payload is μ-law on both sides, so no conversion is needed. Everything the stream made
 * (channels, bridges, sockets) is removed when its signal aborts or the call ends; the call's
 * next operation waits for that (`addCleanup`).
 */
import { randomBytes } from 'node:crypto';
import type { MediaStreamHandler, MediaStreamRequest, MediaStreamSession, MediaTrack } from '@rcml/core';
import { segment } from '../ari/query.js';
import { ariStatus } from '../ari/restClient.js';
import type { AriEvent } from '../ari/types.js';
import { FRAME_MS, Pacer } from '../media/pacer.js';
import { RtpReceiver, RtpSender } from '../media/rtp.js';
import { openRtpSocket, type RtpSocket } from '../media/rtpSocket.js';
import type { AriChannel } from './ariChannel.js';
import { type Deferred, type DriverContext, deferred } from './context.js';

/** The socket of a bidirectional external media channel and the numbering of what it sends. */
interface Leg {
  readonly socket: RtpSocket;
  readonly sender: RtpSender;
}

/** How long after the clean-up a helper channel's events are still claimed without its `ChannelDestroyed`. */
const RELEASE_AFTER_MS = 10_000;

/** The application's audio or mark, waiting for the bidirectional leg. */
type Queued = { readonly audio: Uint8Array } | { readonly mark: string };

function feed(pacer: Pacer, item: Queued): void {
  if ('audio' in item) pacer.play(item.audio);
  else pacer.mark(item.mark);
}

/** Start streaming `channel` (see the module comment). */
export function startMediaStream(
  channel: AriChannel,
  request: MediaStreamRequest,
  handler: MediaStreamHandler,
  signal: AbortSignal,
): MediaStreamSession {
  return new AriMediaStream(channel, request, handler, signal).session;
}

class AriMediaStream {
  private readonly ctx: DriverContext;
  private readonly started: number;
  private active = true;
  /** Asterisk channels and bridges made for this stream, removed at the end. */
  private readonly channels: string[] = [];
  private readonly bridges: string[] = [];
  private readonly sockets: RtpSocket[] = [];
  /** Helper channels whose events are ours until they are destroyed. */
  private readonly claimed = new Set<string>();
  private readonly pacer: Pacer | null;
  /** The leg the application's audio goes out on (bidirectional), once it is up. */
  private connectLeg: Leg | null = null;
  /** Audio and marks queued before the bidirectional leg is up. */
  private backlog: Queued[] | null = [];
  private readonly setupDone: Promise<void>;
  readonly session: MediaStreamSession;

  constructor(
    private readonly channel: AriChannel,
    private readonly request: MediaStreamRequest,
    private readonly handler: MediaStreamHandler,
    private readonly signal: AbortSignal,
  ) {
    this.ctx = channel.ctx;
    const clock = this.ctx.options.clock;
    this.started = clock.now();
    this.pacer = request.bidirectional
      ? new Pacer(clock, {
          frame: (payload, startOfSpurt, idleFrames) => {
            const leg = this.connectLeg;
            if (leg !== null) leg.socket.send(leg.sender.packet(payload, startOfSpurt, idleFrames));
          },
          markPlayed: (name) => {
            if (this.active) this.handler.markPlayed(name);
          },
        })
      : null;
    const queue = (item: Queued) => {
      if (this.pacer === null || !this.active) return;
      if (this.backlog !== null) this.backlog.push(item);
      else feed(this.pacer, item);
    };
    this.session = {
      play: (payload) => queue({ audio: payload }),
      mark: (name) => queue({ mark: name }),
      clear: () => {
        if (this.backlog === null) {
          this.pacer?.clear();
          return;
        }
        // Nothing has been played yet: drop the queued audio, report the marks now.
        const marks = this.backlog.splice(0).flatMap((item) => ('mark' in item ? [item.mark] : []));
        for (const name of marks) if (this.active) this.handler.markPlayed(name);
      },
    };
    this.setupDone = this.setup().catch((error: unknown) => {
      if (!this.active || this.channel.gone) return;
      this.ctx.logger.error('media stream could not be set up; the stream carries no audio', {
        channel: this.channel.ariChannelId,
        error: (error as Error).message,
      });
      // The application's audio still takes its time and its marks still come back.
      this.releaseBacklog();
    });
    const end = () => this.end();
    if (signal.aborted) queueMicrotask(end);
    else signal.addEventListener('abort', end, { once: true });
    void channel.whenGone.then(end);
  }

  // -- set-up ------------------------------------------------------------------------------

  private async setup(): Promise<void> {
    const callId = await this.channel.ready();
    if (callId === null || !this.active) return;
    const tracks = new Set<MediaTrack>(this.request.tracks);
    const work: Promise<void>[] = [];
    if (this.request.bidirectional) {
      const withInbound = tracks.delete('inbound');
      work.push(this.connectLegUp(callId, withInbound));
    }
    for (const track of tracks) work.push(this.forkLegUp(callId, track));
    // Every leg settles before the set-up counts as done, so the clean-up sees all it made.
    const failed = (await Promise.allSettled(work)).find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /** `<Connect>`: the call and an external media channel in one bridge. */
  private async connectLegUp(callId: string, withInbound: boolean): Promise<void> {
    const leg = await this.externalMedia('connect', withInbound ? 'inbound' : null);
    if (leg === null) return;
    const bridge = await this.bridge('connect');
    if (bridge === null) return;
    await this.addToBridge(bridge, [callId, leg.id]);
    if (!this.active) return;
    this.connectLeg = leg.leg;
    this.releaseBacklog();
  }

  /** Hand what the application queued so far to the pacer. */
  private releaseBacklog(): void {
    const backlog = this.backlog ?? [];
    this.backlog = null;
    for (const item of backlog) if (this.pacer !== null) feed(this.pacer, item);
  }

  /** A track forked through a snoop channel bridged with an external media channel. */
  private async forkLegUp(callId: string, track: MediaTrack): Promise<void> {
    const snoopId = this.newChannelId(`snoop-${track}`);
    const inStasis = this.claim(snoopId);
    this.channels.push(snoopId);
    await this.ctx.rest.request('POST', `/channels/${segment(callId)}/snoop`, {
      query: {
        spy: track === 'inbound' ? 'in' : 'out',
        whisper: 'none',
        app: this.ctx.options.app,
        appArgs: 'stream',
        snoopId,
      },
    });
    const [leg] = await Promise.all([this.externalMedia(track, track), this.waitStasis(inStasis)]);
    if (leg === null || !this.active) return;
    const bridge = await this.bridge(track);
    if (bridge === null) return;
    await this.addToBridge(bridge, [snoopId, leg.id]);
  }

  /** An external media channel sending to a new socket; its frames go to `track` (if any). */
  private async externalMedia(
    role: string,
    track: MediaTrack | null,
  ): Promise<{ id: string; leg: Leg } | null> {
    const receiver = new RtpReceiver();
    let offset: number | null = null;
    const socket = await openRtpSocket(this.ctx.options.mediaStreamHost, (packet) => {
      if (!this.active || track === null) return;
      for (const frame of receiver.push(packet)) {
        // A track's first frame is placed on the stream's clock, the rest by RTP timestamps.
        offset ??= Math.round((this.ctx.options.clock.now() - this.started) / FRAME_MS) * FRAME_MS - frame.ms;
        this.handler.media(track, frame.payload, offset + frame.ms);
        if (!this.active) return;
      }
    });
    this.sockets.push(socket);
    if (!this.active) {
      socket.close();
      return null;
    }
    const id = this.newChannelId(`media-${role}`);
    const inStasis = this.claim(id);
    this.channels.push(id);
    const host = socket.host.includes(':') ? `[${socket.host}]` : socket.host;
    const response = await this.ctx.rest.request('POST', '/channels/externalMedia', {
      query: {
        app: this.ctx.options.app,
        external_host: `${host}:${socket.port}`,
        encapsulation: 'rtp',
        transport: 'udp',
        connection_type: 'client',
        format: 'ulaw',
        direction: 'both',
        channelId: id,
      },
    });
    const vars = (response.body as { channelvars?: Record<string, string> } | null)?.channelvars ?? {};
    const address = vars.UNICASTRTP_LOCAL_ADDRESS;
    const port = Number(vars.UNICASTRTP_LOCAL_PORT);
    if (address !== undefined && Number.isInteger(port) && port > 0) socket.connectTo(address, port);
    await this.waitStasis(inStasis);
    return { id, leg: { socket, sender: new RtpSender(randomSsrc()) } };
  }

  private async bridge(role: string): Promise<string | null> {
    if (!this.active) return null;
    const id = this.newChannelId(`bridge-${role}`);
    this.bridges.push(id);
    await this.ctx.rest.request('POST', `/bridges/${segment(id)}`, {
      query: { type: 'mixing', name: `rcml-stream-${role}` },
    });
    return this.active ? id : null;
  }

  private async addToBridge(bridge: string, ids: string[]): Promise<void> {
    if (!this.active) return;
    await this.ctx.rest.request('POST', `/bridges/${segment(bridge)}/addChannel`, {
      query: { channel: ids.join(',') },
    });
  }

  /**
   * Own a helper channel's events until it is destroyed (so its last events are not left
   * waiting among the unclaimed ones); resolves when it is in the application (or has ended).
   */
  private claim(id: string): Deferred<void> {
    const ready = deferred<void>();
    this.claimed.add(id);
    this.ctx.router.claimChannel(id, (event: AriEvent) => {
      if (event.type === 'StasisStart') ready.resolve();
      if (event.type === 'StasisEnd') ready.resolve();
      if (event.type === 'ChannelDestroyed') {
        ready.resolve();
        this.claimed.delete(id);
        this.ctx.router.releaseChannel(id);
        if (this.active) this.ctx.logger.debug('a media stream channel ended', { channel: id });
      }
    });
    return ready;
  }

  private async waitStasis(ready: Deferred<void>): Promise<void> {
    const stop = deferred<void>();
    const onAbort = () => stop.resolve();
    this.signal.addEventListener('abort', onAbort, { once: true });
    await Promise.race([ready.promise, stop.promise, this.channel.whenGone]);
    this.signal.removeEventListener('abort', onAbort);
  }

  private newChannelId(role: string): string {
    // The dot ends the id: no id is a prefix of another (Asterisk finds channels by prefix).
    return `rcml-stream-${this.ctx.newId()}.${role}`;
  }

  // -- tear-down ---------------------------------------------------------------------------

  private end(): void {
    if (!this.active) return;
    this.active = false;
    this.pacer?.stop();
    this.backlog = null;
    for (const socket of this.sockets) socket.close();
    this.channel.addCleanup(this.teardown());
  }

  private async teardown(): Promise<void> {
    await this.setupDone;
    // Sockets opened while the set-up was finishing.
    for (const socket of this.sockets) socket.close();
    const rest = this.ctx.rest;
    const quiet = (error: unknown) => {
      // 404: gone already (a snoop channel goes with its call); 0: Asterisk itself is gone.
      const status = ariStatus(error);
      if (status !== 404 && status !== 0) {
        this.ctx.logger.warn('media stream clean-up failed', { error: (error as Error).message });
      }
    };
    // Bridges first (the call leaves the <Connect> bridge at once), each request on its own:
    // one that is slow or fails never keeps the others from being sent.
    await Promise.all([
      ...this.bridges.map((id) => rest.request('DELETE', `/bridges/${segment(id)}`).catch(quiet)),
      ...this.channels.map((id) => rest.request('DELETE', `/channels/${segment(id)}`).catch(quiet)),
    ]);
    // A channel whose ChannelDestroyed never comes (ARI gone) is let go after a while.
    if (this.claimed.size > 0) {
      this.ctx.options.clock.setTimeout(() => {
        for (const id of this.claimed) this.ctx.router.releaseChannel(id);
        this.claimed.clear();
      }, RELEASE_AFTER_MS);
    }
  }
}

function randomSsrc(): number {
  return randomBytes(4).readUInt32BE(0);
}
