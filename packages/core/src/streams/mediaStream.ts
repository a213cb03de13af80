/**
 * One media stream: the WebSocket to the application (through the `StreamPort`) joined to the
 * channel's audio (through the driver's `mediaStream`), speaking TwiML's protocol. It sends
 * `connected` and `start` once the socket is open, then the frames of its tracks, the party's
 * keys (bidirectional) and marks back when their audio has played; the application's `media`,
 * `mark` and `clear` go to the driver. It ends when the application closes the socket, when
 * the engine stops it (`stop` message, then close), or when it fails; the status callback
 * hears `stream-started`, `stream-stopped` and `stream-error`.
 */
import { rfc2822 } from '../callbacks/timestamp.js';
import type { HttpMethod, StreamNoun } from '../document/ast.js';
import { isRcmlError } from '../errors.js';
import type { Channel, Clock, MediaStreamSession, MediaTrack, StreamPort, StreamSocket } from '../ports.js';
import {
  connectedMessage,
  dtmfMessage,
  markMessage,
  mediaMessage,
  readAppMessage,
  startMessage,
  stopMessage,
} from './protocol.js';

/**
 * Bytes a socket may hold unsent before the stream drops `media` frames: about 20 s of one
 * track's messages. An application that stops reading must not make the engine buffer a whole
 * call; `start`, `dtmf`, `mark` and `stop` are never dropped.
 */
export const MAX_BUFFERED_BYTES = 256 * 1024;

/** WebSocket close code of a connection lost without a close frame (RFC 6455 7.4.1). */
const ABNORMAL_CLOSURE = 1006;

/** What one stream needs from its call. */
export interface StreamDeps {
  readonly port: StreamPort | undefined;
  readonly channel: Channel;
  readonly clock: Clock;
  readonly callSid: string;
  readonly accountSid: string;
  notice(
    code: 14103 | 14107 | 31920 | 31921 | 31924 | 11210 | 11205,
    message: string,
    level: 'warning' | 'error',
  ): void;
  notify(url: string, method: HttpMethod, params: Readonly<Record<string, string>>): void;
}

/** What to stream. */
export interface StreamSpec {
  readonly sid: string;
  readonly noun: StreamNoun;
  /** Absolute ws(s) URL (null: the reference could not be resolved; the stream fails). */
  readonly url: string | null;
  /** Resolved statusCallback, or null. */
  readonly statusCallback: string | null;
  readonly bidirectional: boolean;
}

const TRACKS: Readonly<Record<StreamNoun['track'], readonly MediaTrack[]>> = {
  inbound_track: ['inbound'],
  outbound_track: ['outbound'],
  both_tracks: ['inbound', 'outbound'],
};

/** A running media stream. */
export class MediaStream {
  readonly sid: string;
  readonly name: string | null;
  /** Settles once the stream ended (closed by the application, stopped by the engine, or failed). */
  readonly ended: Promise<void>;
  private resolveEnded!: () => void;
  private socket: StreamSocket | null = null;
  private session: MediaStreamSession | null = null;
  private readonly media = new AbortController();
  private readonly connecting = new AbortController();
  private state: 'connecting' | 'open' | 'ended' = 'connecting';
  private sequence = 0;
  private readonly chunks = { inbound: 0, outbound: 0 };
  private protocolErrorReported = false;
  private dropping = false;

  constructor(
    private readonly deps: StreamDeps,
    private readonly spec: StreamSpec,
  ) {
    this.sid = spec.sid;
    this.name = spec.noun.name;
    this.ended = new Promise<void>((resolve) => {
      this.resolveEnded = resolve;
    });
    this.connect();
  }

  /** The engine ends the stream (`<Stop>`, the verb was left, the call ended). */
  stop(): void {
    // Stryker disable next-line StringLiteral: an ended stream has no socket (the stop message goes nowhere) and finish() returns at once for it
    if (this.state === 'ended') return;
    if (this.state === 'connecting') {
      this.connecting.abort();
      this.finish(null);
      return;
    }
    this.send(stopMessage(++this.sequence, this.ids()));
    this.finish(null);
  }

  /** A key from the party (bidirectional streams). */
  dtmf(digit: string): void {
    if (this.state !== 'open' || !this.spec.bidirectional) return;
    this.send(dtmfMessage(++this.sequence, this.sid, digit));
  }

  private connect(): void {
    const { deps, spec } = this;
    const { channel, port } = deps;
    if (port === undefined || channel.mediaStream === undefined) {
      const why =
        port === undefined ? 'no stream port is configured' : 'the media driver cannot stream audio';
      deps.notice(14107, `<Stream> ${this.label()}: ${why}`, 'error');
      this.finish(why);
      return;
    }
    if (spec.url === null) {
      const why = `url "${spec.noun.url}" does not resolve to a ws:// or wss:// URL`;
      deps.notice(31920, `<Stream> ${this.label()}: ${why}`, 'error');
      this.finish(why);
      return;
    }
    const request = {
      url: spec.url,
      callSid: deps.callSid,
      streamSid: this.sid,
      name: this.name,
      accountSid: deps.accountSid,
      signal: this.connecting.signal,
    };
    port
      .open(request, {
        message: (text) => this.received(text),
        closed: (code) => this.socketClosed(code),
      })
      .then(
        (socket) => this.opened(socket),
        (error: unknown) => {
          if (this.state !== 'connecting') return;
          const code = isRcmlError(error) && error.code === 11210 ? 11210 : 31920;
          const why = error instanceof Error ? error.message : String(error);
          deps.notice(code, `<Stream> ${this.label()}: could not connect to ${spec.url}: ${why}`, 'error');
          this.finish(why);
        },
      );
  }

  /**
   * The socket closed. An application that goes away without a close frame (1006: it crashed,
   * terminated or destroyed the socket) is a `stream-error` with notice 31921, as on TwiML,
   * where applications watch for it to start the stream again; any close frame is a
   * `stream-stopped`.
   */
  private socketClosed(code: number): void {
    if (code !== ABNORMAL_CLOSURE || this.state !== 'open') {
      this.finish(null);
      return;
    }
    const why = 'the application closed the WebSocket abnormally (1006, no close frame)';
    this.deps.notice(31921, `<Stream> ${this.label()}: ${why}`, 'error');
    this.finish(why);
  }

  private opened(socket: StreamSocket): void {
    if (this.state !== 'connecting') {
      socket.close();
      return;
    }
    this.state = 'open';
    this.socket = socket;
    const { spec, deps } = this;
    const tracks = TRACKS[spec.noun.track];
    const customParameters: Record<string, string> = {};
    for (const p of spec.noun.parameters) customParameters[p.name] = p.value;
    socket.send(connectedMessage());
    socket.send(startMessage(++this.sequence, { ...this.ids(), tracks, customParameters }));
    this.callback('stream-started', null);
    try {
      this.session = this.startMedia(tracks);
    } catch (error) {
      const why = `the media driver could not stream: ${error instanceof Error ? error.message : String(error)}`;
      deps.notice(14103, `<Stream> ${this.label()}: ${why}`, 'error');
      this.send(stopMessage(++this.sequence, this.ids()));
      this.finish(why);
    }
  }

  /** Ask the driver for the channel's audio; its frames and played marks go to the socket. */
  private startMedia(tracks: readonly MediaTrack[]): MediaStreamSession {
    return this.deps.channel.mediaStream!(
      { tracks, bidirectional: this.spec.bidirectional },
      {
        media: (track, payload, timestamp) => {
          if (this.state !== 'open') return;
          const chunk = ++this.chunks[track];
          if (this.backedUp()) return;
          this.send(mediaMessage(++this.sequence, this.sid, { track, chunk, timestamp, payload }));
        },
        markPlayed: (name) => {
          if (this.state === 'open') this.send(markMessage(++this.sequence, this.sid, name));
        },
      },
      this.media.signal,
    );
  }

  private received(text: string): void {
    if (this.state !== 'open') return;
    const message = readAppMessage(text, this.sid);
    const session = this.session;
    if (message.event === 'invalid' || !this.spec.bidirectional || session === null) {
      if (this.protocolErrorReported) return;
      this.protocolErrorReported = true;
      const why =
        message.event === 'invalid'
          ? message.reason
          : this.spec.bidirectional
            ? `a ${message.event} message before the stream's audio started`
            : `a ${message.event} message on a one-way (<Start>) stream`;
      this.deps.notice(
        31924,
        `<Stream> ${this.label()}: ignored a message from the application: ${why}`,
        'warning',
      );
      return;
    }
    switch (message.event) {
      case 'media':
        session.play(message.payload);
        return;
      case 'mark':
        session.mark(message.name);
        return;
      case 'clear':
        session.clear();
        return;
    }
  }

  /** Whether the application stopped reading: media frames are dropped while it is so. */
  private backedUp(): boolean {
    // Stryker disable next-line OptionalChaining: only called for a frame while the stream is open, when the socket is set
    const buffered = this.socket?.bufferedBytes ?? 0;
    if (buffered <= MAX_BUFFERED_BYTES) return false;
    if (!this.dropping) {
      this.dropping = true;
      this.deps.notice(
        31924,
        `<Stream> ${this.label()}: the application is not reading (${buffered} bytes unsent); media frames are dropped until it catches up`,
        'warning',
      );
    }
    return true;
  }

  private send(text: string): void {
    // Stryker disable next-line OptionalChaining: every caller sends while the stream is open (stop and dtmf check it, so do the driver's handlers), when the socket is set
    this.socket?.send(text);
  }

  private finish(error: string | null): void {
    // Stryker disable next-line StringLiteral: finish() runs again only with error null (stop, a late close) and the socket gone: it would abort the aborted signal and send no callback
    if (this.state === 'ended') return;
    const wasOpen = this.state === 'open';
    // Stryker disable next-line StringLiteral: every reader compares the state with 'open' or 'connecting' (which an ended stream is not) or 'ended' in the redundant guards above
    this.state = 'ended';
    this.media.abort();
    this.session = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    if (error !== null) this.callback('stream-error', error);
    else if (wasOpen) this.callback('stream-stopped', null);
    this.resolveEnded();
  }

  private callback(event: 'stream-started' | 'stream-stopped' | 'stream-error', error: string | null): void {
    const { spec, deps } = this;
    if (spec.statusCallback === null) return;
    const params: Record<string, string> = {
      AccountSid: deps.accountSid,
      CallSid: deps.callSid,
      StreamSid: this.sid,
      StreamName: this.name ?? this.sid,
      StreamEvent: event,
    };
    if (error !== null) params.StreamError = error;
    params.Timestamp = rfc2822(deps.clock.now());
    deps.notify(spec.statusCallback, spec.noun.statusCallbackMethod, params);
  }

  private ids() {
    return { streamSid: this.sid, accountSid: this.deps.accountSid, callSid: this.deps.callSid };
  }

  private label(): string {
    return this.name === null ? this.sid : `"${this.name}" (${this.sid})`;
  }
}
