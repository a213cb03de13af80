/**
 * A fake Asterisk: an ARI server on 127.0.0.1 that simulates channels, playbacks, recordings
 * and bridges on a simulated clock, with the request shapes, response bodies, event sequences
 * and quirks of the recorded traces (see `fixtures/ari-traces/README.md`):
 * - events before responses: `PlaybackStarted` and `RecordingStarted` are sent before the
 *   HTTP answer; a created leg's `StasisStart` comes after it (on the clock, as on an idle
 *   real Asterisk), and until then the leg refuses `dial` and variables with 409;
 * - 409 for `POST /bridges/{id}` of an existing bridge, for stopping a recording Asterisk has
 *   just ended itself, and for a `channelId` that is a prefix of a live channel's id;
 * - hang-up order: `ChannelHangupRequest` (soft 32 for a DELETE), `StasisEnd`,
 *   `ChannelDestroyed` with the Q.850 cause; a playback cut by a hang-up finishes `failed`;
 * - DTMF does not stop a playback; DTMF sent to a playing channel goes out after it;
 * - deleting a queued playback answers 204 but its `PlaybackFinished` comes at its turn;
 * - dial timeout: soft hang-up, `StasisEnd`, `ChannelDestroyed` cause 19, no NOANSWER;
 *   busy: `Dial BUSY` and the leg stays; unreachable: destroyed with no `Dial` status;
 * - inbound calls are Local pairs: `;2` enters with `["inbound"]`, `;1` with `["caller"]`;
 * - recording durations are whole seconds rounded down.
 * The test drives the far end through the methods at the bottom.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimulatedClock } from '@rcml/core';
import { type WebSocket, WebSocketServer } from 'ws';
import { wav8k } from '../helpers.js';
import { ModelMedia } from './modelMedia.js';
import { type ModelChannel, ModelState } from './modelState.js';

export interface ModelOptions {
  readonly clock: SimulatedClock;
  readonly user?: string;
  readonly password?: string;
  readonly app?: string;
  /** Length of every media item in ms (default 1000). */
  readonly mediaMs?: number;
  /** Simulated ms between a `POST /channels/create`'s 200 and the leg's `StasisStart` (default 0: due at once, fired by `settle` once the client's immediate requests are in). */
  readonly stasisStartDelayMs?: number;
}

type Query = URLSearchParams;

export class ModelAri {
  /** `REQ METHOD path`, `EV Type id` and `DTMF-OUT id digits` lines, in order. */
  readonly log: string[] = [];
  /** Requests answered with an error: `STATUS METHOD path`. */
  readonly refusals: string[] = [];
  activity = 0;
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private socket: WebSocket | null = null;
  readonly state: ModelState;
  /** External media and snoop channels, and the RTP they exchange (`modelMedia.ts`). */
  readonly media: ModelMedia;

  private constructor(readonly options: ModelOptions) {
    this.state = new ModelState(options.clock, options.mediaMs ?? 1000, (event) => this.send(event));
    this.media = new ModelMedia(options.clock, this.state, () => {
      this.activity += 1;
    });
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      if (!this.authorized(req) || !req.url?.startsWith(`/ari/events?app=${options.app ?? 'rcml'}`)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.activity += 1;
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.activity += 1;
        this.socket = ws;
        ws.on('close', () => {
          if (this.socket === ws) this.socket = null;
        });
      });
    });
  }

  /** Listen on 127.0.0.1 (`port`: a fixed one, to come back where a killed fake was). */
  static async start(options: ModelOptions, port = 0): Promise<ModelAri> {
    const fake = new ModelAri(options);
    await new Promise<void>((resolve) => fake.server.listen(port, '127.0.0.1', resolve));
    return fake;
  }

  private get stasisDelayMs(): number {
    return this.options.stasisStartDelayMs ?? 0;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get connected(): boolean {
    return this.socket !== null;
  }

  /** Drop the WebSocket from the server side (the channels stay, as in Asterisk). */
  dropSocket(): void {
    this.socket?.terminate();
    this.socket = null;
  }

  /** Refuse REST connections from now on, leaving the event WebSocket open. */
  stopHttp(): void {
    // No wait for `close`: it would wait for the upgraded WebSocket connection too.
    this.server.close();
    this.server.closeAllConnections();
  }

  async close(): Promise<void> {
    this.media.close();
    for (const ws of this.wss.clients) ws.terminate();
    this.server.closeAllConnections();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(event: Record<string, unknown>): void {
    this.activity += 1;
    const id =
      (event.channel as { id?: string } | undefined)?.id ??
      (event.peer as { id?: string } | undefined)?.id ??
      (event.playback as { id?: string } | undefined)?.id ??
      (event.recording as { name?: string } | undefined)?.name ??
      '';
    const status = typeof event.dialstatus === 'string' ? ` ${event.dialstatus}` : '';
    this.log.push(`EV ${String(event.type)} ${id}${status}`);
    // Events of a time without a socket are lost for good, as in Asterisk.
    this.socket?.send(JSON.stringify(event));
  }

  private authorized(req: IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${this.options.user ?? 'rcml'}:${this.options.password ?? 'secret'}`).toString('base64')}`;
    return req.headers.authorization === expected;
  }

  /** Cut the connection of the next request whose path contains `part` (a dead connection). */
  dropNext(part: string): void {
    this.drops.push(part);
  }

  private readonly drops: string[] = [];

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.activity += 1;
    req.resume();
    const drop = this.drops.findIndex((part) => (req.url ?? '').includes(part));
    if (drop >= 0) {
      this.drops.splice(drop, 1);
      req.socket.destroy();
      return;
    }
    if (!this.authorized(req)) {
      res.writeHead(401).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    this.log.push(
      `REQ ${method} ${decodeURIComponent(url.pathname)}${url.search === '' ? '' : decodeURIComponent(url.search)}`,
    );
    const reply = (status: number, body?: unknown, type = 'application/json') => {
      this.activity += 1;
      if (status >= 400) this.refusals.push(`${status} ${method} ${url.pathname}`);
      if (body === undefined) res.writeHead(status).end();
      else if (Buffer.isBuffer(body)) res.writeHead(status, { 'content-type': type }).end(body);
      else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    try {
      this.route(
        method,
        url.pathname
          .replace(/^\/ari/, '')
          .split('/')
          .filter(Boolean)
          .map(decodeURIComponent),
        url.searchParams,
        reply,
      );
    } catch (error) {
      reply(500, { message: (error as Error).message });
    }
  }

  private route(
    method: string,
    parts: string[],
    q: Query,
    reply: (status: number, body?: unknown, type?: string) => void,
  ): unknown {
    const s = this.state;
    const notFound = (what: string) => reply(404, { message: `${what} not found` });
    const [root, id, action] = parts;
    if (root === 'channels') {
      if (method === 'POST' && id === undefined) {
        const refused = s.refusedChannelId(q.get('channelId'));
        if (refused !== null) return reply(409, { message: refused });
        return reply(200, s.originate(q));
      }
      if (method === 'POST' && id === 'create' && action === undefined) {
        // As on an idle real Asterisk: the 200 first, the leg's StasisStart a moment later
        // (until then `dial` and variables answer 409 "Channel not in Stasis application").
        const refused = s.refusedChannelId(q.get('channelId'));
        if (refused !== null) return reply(409, { message: refused });
        const channel = s.create(q);
        reply(200, s.channelJson(channel));
        this.options.clock.setTimeout(
          () => s.enterStasis(channel, q.get('appArgs') ?? ''),
          this.stasisDelayMs,
        );
        return;
      }
      if (method === 'POST' && id === 'externalMedia' && action === undefined) {
        const refused = s.refusedChannelId(q.get('channelId'));
        if (refused !== null) return reply(409, { message: refused });
        void this.media.createExternal(q).then(({ status, body }) => reply(status, body));
        return;
      }
      const channel = id === undefined ? undefined : s.channels.get(id);
      if (channel === undefined || channel.destroyed) return notFound('Channel');
      return this.channelAction(method, channel, action, q, reply);
    }
    if (root === 'playbacks' && id !== undefined && method === 'GET') {
      return s.hasPlayback(id) ? reply(200, { id, state: 'playing' }) : notFound('Playback');
    }
    if (root === 'playbacks' && id !== undefined && method === 'DELETE') {
      return s.stopPlayback(id) ? reply(204) : notFound('Playback');
    }
    if (root === 'recordings' && id === 'live' && parts[2] !== undefined) {
      const name = parts[2];
      if (method === 'POST' && parts[3] === 'stop') {
        if (s.stopRecording(name, 'done')) return reply(204);
        // Ended by Asterisk itself a moment ago (terminate key, limit): still closing.
        if (s.recentlyEnded.has(name)) return reply(409, { message: 'Recording not in session' });
        return notFound('Recording');
      }
      if (method === 'DELETE') return s.stopRecording(name, 'canceled') ? reply(204) : notFound('Recording');
    }
    if (root === 'recordings' && id === 'stored' && parts[2] !== undefined && method === 'GET') {
      const stored = s.stored.get(parts[2]);
      if (stored === undefined) return notFound('Recording');
      return parts[3] === 'file'
        ? reply(200, wav8k(8000 * stored), 'audio/wav')
        : reply(200, { name: parts[2], format: 'wav' });
    }
    if (root === 'asterisk' && id === 'ping' && method === 'GET') {
      return reply(200, { asterisk_id: '02:fc:00:00:00:01', ping: 'pong', timestamp: '' });
    }
    if (root === 'bridges') return this.bridgeAction(method, id, action, q, reply);
    if (root === 'applications' && method === 'GET' && id === (this.options.app ?? 'rcml')) {
      const inApp = [...s.channels.values()].filter(
        (c) => !c.destroyed && (c.inStasis || c.kind === 'originated'),
      );
      return reply(200, { name: id, channel_ids: inApp.map((c) => c.id), bridge_ids: [...s.bridges.keys()] });
    }
    return reply(404, { message: 'Resource not found' });
  }

  private channelAction(
    method: string,
    channel: ModelChannel,
    action: string | undefined,
    q: Query,
    reply: (status: number, body?: unknown) => void,
  ): unknown {
    const s = this.state;
    const needStasis = () => {
      if (!channel.inStasis) {
        reply(409, { message: 'Channel not in Stasis application' });
        return false;
      }
      return true;
    };
    switch (`${method} ${action ?? ''}`) {
      case 'GET ':
        return reply(200, s.channelJson(channel));
      case 'DELETE ':
        reply(204);
        return s.hangup(channel, { soft: true, cause: causeOfReason(q.get('reason')) });
      case 'POST answer':
        if (!needStasis()) return;
        s.answerInbound(channel);
        return reply(204);
      case 'POST dial':
        if (!needStasis()) return;
        reply(204);
        return s.dial(channel, Number(q.get('timeout') ?? 30));
      case 'POST play': {
        if (!needStasis()) return;
        const playback = s.play(
          channel,
          (q.get('media') ?? '').split(','),
          q.get('playbackId') ?? randomUUID(),
        );
        return reply(201, { ...s.playbackJson(playback), state: 'queued' });
      }
      case 'POST dtmf':
        if (!needStasis()) return;
        reply(204);
        return s.whenIdle(channel, () => this.log.push(`DTMF-OUT ${channel.id} ${q.get('dtmf') ?? ''}`));
      case 'POST variable':
        if (!needStasis()) return;
        if (q.get('variable') === 'TALK_DETECT(set)') channel.talkDetect = true;
        if (q.get('variable') === 'TALK_DETECT(remove)') channel.talkDetect = false;
        return reply(204);
      case 'POST record': {
        if (!needStasis()) return;
        const name = q.get('name') ?? randomUUID();
        s.record(channel, name, q);
        return reply(201, { name, format: 'wav', state: 'queued', target_uri: `channel:${channel.id}` });
      }
      case 'POST snoop':
        if (!needStasis()) return;
        return reply(200, this.media.snoop(channel, q));
      case 'POST mute':
      case 'DELETE mute': {
        // As res_ari: only a channel in Stasis; `direction` in/out/both (default both).
        if (!needStasis()) return;
        const direction = q.get('direction') ?? 'both';
        if (!['in', 'out', 'both'].includes(direction))
          return reply(400, { message: 'Invalid direction specified' });
        const muting = method === 'POST';
        if (direction !== 'out') channel.muted.in = muting;
        if (direction !== 'in') channel.muted.out = muting;
        return reply(204);
      }
      case 'POST moh':
        if (!needStasis()) return;
        channel.moh = true;
        return reply(204);
      case 'DELETE moh':
        if (!needStasis()) return;
        channel.moh = false;
        return reply(204);
      default:
        return reply(404, { message: 'Resource not found' });
    }
  }

  private bridgeAction(
    method: string,
    id: string | undefined,
    action: string | undefined,
    q: Query,
    reply: (status: number, body?: unknown) => void,
  ): unknown {
    const s = this.state;
    if (method === 'POST' && action === undefined) {
      // Asterisk does not hand back an existing bridge: it refuses the id.
      if (id !== undefined && s.bridges.has(id))
        return reply(409, { message: `Bridge with id '${id}' already exists` });
      return reply(200, s.bridgeJson(s.bridge(id ?? randomUUID(), q.get('name') ?? '')));
    }
    const bridge = id === undefined ? undefined : s.bridges.get(id);
    if (bridge === undefined) return reply(404, { message: 'Bridge not found' });
    if (method === 'GET' && action === undefined) return reply(200, s.bridgeJson(bridge));
    if (method === 'DELETE' && action === undefined) {
      reply(204);
      return s.destroyBridge(bridge);
    }
    if (method === 'POST' && (action === 'addChannel' || action === 'removeChannel')) {
      const ids = (q.get('channel') ?? '').split(',');
      const channels = ids.map((c) => s.channels.get(c));
      if (channels.some((c) => c === undefined || c.destroyed))
        return reply(422, { message: 'Channel not found' });
      // As res_ari: a channel of another bridge is refused on removal; a recording one on adding.
      if (action === 'removeChannel' && channels.some((c) => c?.bridge !== bridge.id))
        return reply(422, { message: 'Channel not in this bridge' });
      const recording = channels.find((c) => c?.recording !== null);
      if (action === 'addChannel' && recording !== undefined)
        return reply(409, { message: `Channel ${recording.id} currently recording` });
      for (const c of channels as ModelChannel[]) {
        if (action === 'addChannel') s.enterBridge(bridge, c);
        else s.leaveBridge(c);
      }
      return reply(204);
    }
    if (method === 'POST' && action === 'play')
      return reply(201, { id: q.get('playbackId'), state: 'queued' });
    if (method === 'POST' && action === 'record')
      return reply(201, s.recordBridge(bridge, q.get('name') ?? randomUUID()));
    return reply(404, { message: 'Resource not found' });
  }
}

function causeOfReason(reason: string | null): number {
  switch (reason) {
    case 'busy':
      return 17;
    case 'rejected':
      return 21;
    case 'no_answer':
      return 19;
    case 'congestion':
      return 34;
    default:
      return 16;
  }
}
