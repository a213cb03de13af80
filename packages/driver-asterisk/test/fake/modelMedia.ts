/**
 * The media side of the fake Asterisk: ARI external media channels (`POST
 * /channels/externalMedia`, RTP over UDP on 127.0.0.1) and snoop channels (`POST
 * /channels/{id}/snoop`), on the simulated clock. Every 20 ms each external media channel in a
 * bridge sends one RTP packet (160 bytes of μ-law, sequence +1, timestamp +160) to its
 * `external_host`, carrying what Asterisk would mix for it:
 * - bridged with a call: the call's party (a 400 Hz tone while it talks, `farSpeak`, else
 *   silence);
 * - bridged with a snoop channel: the snooped call's party (`spy=in`) or what the call is
 *   hearing (`spy=out`: a tone while a playback runs, else the application's audio last
 *   received for it, else silence).
 * RTP received on an external media channel's port is what its bridge's calls hear: kept per
 * call (`heard`) and per external channel (`received`), so tests see what reached the caller
 * and how it was paced.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { SimulatedClock } from '@rcml/core';
import { MULAW_FRAME_BYTES, SILENT_FRAME, toneFrame } from '@rcml/driver';
import { decodeRtp, encodeRtp, type RtpPacket } from '../../src/media/rtp.js';
import type { ModelChannel, ModelState } from './modelState.js';

/** A packet an external media channel received, with its simulated arrival time. */
export interface ReceivedPacket extends RtpPacket {
  readonly at: number;
}

/** One external media channel of the fake. */
export interface ModelExternal {
  readonly channel: ModelChannel;
  readonly socket: Socket;
  readonly port: number;
  readonly target: { readonly host: string; readonly port: number };
  readonly received: ReceivedPacket[];
  sequence: number;
  timestamp: number;
  readonly ssrc: number;
  /** Packets sent to the driver. */
  sent: number;
}

const TONE = toneFrame(400, 8000);

export class ModelMedia {
  readonly externals = new Map<string, ModelExternal>();
  /** Snoop channel id → the call it spies on and the direction. */
  readonly snoops = new Map<string, { target: ModelChannel; spy: 'in' | 'out' | 'both' }>();
  /** Call channel id → μ-law frames the call heard from external media (the application's audio). */
  readonly heard = new Map<string, Uint8Array[]>();
  private ticker: unknown = null;
  /** When set, `POST /channels/externalMedia` fails with 500 and this message (no `chan_rtp`). */
  refuse: string | null = null;

  constructor(
    private readonly clock: SimulatedClock,
    private readonly state: ModelState,
    private readonly onActivity: () => void,
  ) {}

  /** `POST /channels/externalMedia`: answers the channel with its `UNICASTRTP_*` variables. */
  async createExternal(q: URLSearchParams): Promise<{ status: number; body: unknown }> {
    if (this.refuse !== null) return { status: 500, body: { message: this.refuse } };
    const host = q.get('external_host') ?? '';
    const match = /^(.+):(\d+)$/.exec(host);
    if (q.get('app') === null || match === null) {
      return { status: 400, body: { message: 'external_host and app are required' } };
    }
    if (q.get('encapsulation') !== 'rtp' || q.get('format') !== 'ulaw') {
      return { status: 400, body: { message: 'the fake models rtp with ulaw only' } };
    }
    const id = q.get('channelId') ?? `em-${this.externals.size}`;
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    const channel = this.state.helperChannel('external', id, `UnicastRTP/${host}-0x${port.toString(16)}`);
    const external: ModelExternal = {
      channel,
      socket,
      port,
      target: { host: (match[1] as string).replace(/^\[|\]$/g, ''), port: Number(match[2]) },
      received: [],
      sequence: 1000,
      timestamp: 50_000,
      ssrc: 0x5eed0000 + this.externals.size,
      sent: 0,
    };
    socket.on('message', (datagram) => this.receive(external, datagram));
    this.externals.set(id, external);
    this.clock.setTimeout(() => this.state.enterStasis(channel, ''), 0);
    this.startTicker();
    return {
      status: 200,
      body: {
        ...this.state.channelJson(channel),
        channelvars: { UNICASTRTP_LOCAL_ADDRESS: '127.0.0.1', UNICASTRTP_LOCAL_PORT: String(port) },
      },
    };
  }

  /** `POST /channels/{id}/snoop`. */
  snoop(target: ModelChannel, q: URLSearchParams): Record<string, unknown> {
    const spy = (q.get('spy') ?? 'none') as 'in' | 'out' | 'both';
    const id = q.get('snoopId') ?? `snoop-${this.snoops.size}`;
    const channel = this.state.helperChannel('snoop', id, `Snoop/${target.id}-${this.snoops.size}`);
    this.snoops.set(id, { target, spy });
    this.clock.setTimeout(() => this.state.enterStasis(channel, q.get('appArgs') ?? ''), 0);
    return this.state.channelJson(channel);
  }

  /** Close every socket (the fake is closing). */
  close(): void {
    for (const e of this.externals.values()) e.socket.close();
    this.externals.clear();
    this.clock.clearTimeout(this.ticker);
  }

  private receive(external: ModelExternal, datagram: Buffer): void {
    if (external.channel.destroyed) return;
    const packet = decodeRtp(datagram);
    if (packet === null) return;
    this.onActivity();
    external.received.push({ ...packet, payload: new Uint8Array(packet.payload), at: this.clock.now() });
    for (const peer of this.bridgePeers(external.channel)) {
      if (peer.kind === 'external' || peer.kind === 'snoop') continue;
      const list = this.heard.get(peer.id) ?? [];
      list.push(new Uint8Array(packet.payload));
      this.heard.set(peer.id, list);
    }
  }

  private startTicker(): void {
    if (this.ticker !== null) return;
    this.ticker = this.clock.setTimeout(() => this.tick(), 20);
  }

  private tick(): void {
    this.ticker = null;
    for (const [id, snoop] of this.snoops) {
      const channel = this.state.channels.get(id);
      // A snoop channel goes with the call it spies on.
      if (channel !== undefined && !channel.destroyed && snoop.target.destroyed) {
        this.state.hangup(channel, { soft: false, cause: 16 });
      }
    }
    for (const [id, e] of this.externals) {
      if (e.channel.destroyed) {
        e.socket.close();
        this.externals.delete(id);
        continue;
      }
      const frame = this.frameFor(e.channel);
      if (frame === null) continue;
      const packet = encodeRtp(
        { payloadType: 0, sequence: e.sequence, timestamp: e.timestamp, ssrc: e.ssrc, marker: e.sent === 0 },
        frame,
      );
      e.sequence = (e.sequence + 1) & 0xffff;
      e.timestamp += MULAW_FRAME_BYTES;
      e.sent += 1;
      this.onActivity();
      e.socket.send(packet, e.target.port, e.target.host);
    }
    if (this.externals.size > 0) this.startTicker();
  }

  /** What Asterisk would send on an external media channel now; null outside a bridge. */
  private frameFor(external: ModelChannel): Uint8Array | null {
    const peers = this.bridgePeers(external);
    if (peers.length === 0) return null;
    const peer = peers[0] as ModelChannel;
    const snoop = this.snoops.get(peer.id);
    if (snoop === undefined) return this.partyFrame(peer);
    if (snoop.spy === 'in') return this.partyFrame(snoop.target);
    return this.hearingFrame(snoop.target);
  }

  private partyFrame(call: ModelChannel): Uint8Array {
    return (this.state.speakingUntil.get(call.id) ?? 0) > this.clock.now() ? TONE : SILENT_FRAME;
  }

  private hearingFrame(call: ModelChannel): Uint8Array {
    if (call.playbacks.length > 0) return TONE;
    const heard = this.heard.get(call.id);
    return heard !== undefined && heard.length > 0 ? (heard[heard.length - 1] as Uint8Array) : SILENT_FRAME;
  }

  private bridgePeers(c: ModelChannel): ModelChannel[] {
    if (c.bridge === null) return [];
    const bridge = this.state.bridges.get(c.bridge);
    if (bridge === undefined) return [];
    return bridge.channels
      .filter((id) => id !== c.id)
      .map((id) => this.state.channels.get(id))
      .filter((x): x is ModelChannel => x !== undefined && !x.destroyed);
  }
}
