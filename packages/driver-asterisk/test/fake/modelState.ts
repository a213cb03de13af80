/**
 * The state behind the fake Asterisk (`modelAri.ts`): channels, playbacks, recordings and
 * bridges, with event sequences shaped like the recorded traces. Time is the simulated clock.
 */
import type { SimulatedClock } from '@rcml/core';

export interface Playback {
  readonly id: string;
  readonly channel: ModelChannel;
  readonly media: string[];
  index: number;
  cancelled: boolean;
  timer: unknown;
}

export interface ModelChannel {
  readonly id: string;
  readonly name: string;
  state: 'Down' | 'Ring' | 'Ringing' | 'Up';
  readonly caller: { name: string; number: string };
  readonly exten: string;
  readonly endpoint: string;
  readonly kind: 'inbound' | 'caller' | 'originated' | 'created' | 'external' | 'snoop';
  inStasis: boolean;
  destroyed: boolean;
  talkDetect: boolean;
  /** Music on hold playing to the channel (`POST`/`DELETE /channels/{id}/moh`). */
  moh: boolean;
  /** `POST`/`DELETE /channels/{id}/mute`: `in` silences what the channel sends to a bridge. */
  muted: { in: boolean; out: boolean };
  dialing: boolean;
  answered: boolean;
  /** The other half of a Local pair. */
  peer: ModelChannel | null;
  playbacks: Playback[];
  recording: { name: string; startedAt: number; timer: unknown; terminateOn: string } | null;
  bridge: string | null;
  dialTimer: unknown;
  idleWaiters: (() => void)[];
}

type Emit = (event: Record<string, unknown>) => void;

export class ModelState {
  readonly channels = new Map<string, ModelChannel>();
  readonly bridges = new Map<string, { id: string; name: string; channels: string[] }>();
  readonly stored = new Map<string, number>();
  /** Recordings Asterisk ended itself (terminate key, limit); a stop then answers 409. */
  readonly recentlyEnded = new Set<string>();
  /** Live recordings of bridges, by recording name. */
  readonly bridgeRecordings = new Map<string, { bridge: string; startedAt: number }>();
  private readonly playbacks = new Map<string, Playback>();
  private seq = 0;
  private readonly epoch = 1795870000;

  constructor(
    private readonly clock: SimulatedClock,
    private readonly mediaMs: number,
    private readonly emit: Emit,
  ) {}

  // -- JSON shapes -------------------------------------------------------------------------

  channelJson(c: ModelChannel): Record<string, unknown> {
    return {
      id: c.id,
      name: c.name,
      state: c.state,
      protocol_id: '',
      caller: c.caller,
      connected: c.caller,
      accountcode: '',
      dialplan: { context: 'from-trunk', exten: c.exten, priority: 1, app_name: 'Stasis', app_data: 'rcml' },
      creationtime: new Date(this.clock.now()).toISOString().replace('Z', '+0000'),
      language: 'en',
    };
  }

  playbackJson(p: Playback, state = 'playing'): Record<string, unknown> {
    const next = p.media[p.index + 1];
    return {
      id: p.id,
      media_uri: p.media[p.index],
      ...(next === undefined ? {} : { next_media_uri: next }),
      target_uri: `channel:${p.channel.id}`,
      language: 'en',
      state,
    };
  }

  bridgeJson(b: { id: string; name: string; channels: string[] }): Record<string, unknown> {
    return {
      id: b.id,
      technology: 'simple_bridge',
      bridge_type: 'mixing',
      bridge_class: 'stasis',
      creator: 'Stasis',
      name: b.name,
      channels: [...b.channels],
    };
  }

  private event(type: string, fields: Record<string, unknown> = {}): void {
    this.emit({
      type,
      timestamp: new Date(this.clock.now()).toISOString().replace('Z', '+0000'),
      ...fields,
      asterisk_id: '02:fc:00:00:00:01',
      application: 'rcml',
    });
  }

  private chan(type: string, c: ModelChannel, fields: Record<string, unknown> = {}): void {
    this.event(type, { ...fields, channel: this.channelJson(c) });
  }

  /** Far ends talking: channel id → when the voice stops (the media model sends a tone until then). */
  readonly speakingUntil = new Map<string, number>();

  /** A channel of an ARI external media or snoop request (`modelMedia.ts`), in Stasis at once. */
  helperChannel(kind: 'external' | 'snoop', id: string, name: string): ModelChannel {
    return this.newChannel({ kind, name, endpoint: '', state: 'Up', answered: true }, id);
  }

  private newChannel(
    fields: Partial<ModelChannel> & Pick<ModelChannel, 'name' | 'kind' | 'endpoint'>,
    id?: string,
  ): ModelChannel {
    const channel: ModelChannel = {
      id: id ?? `${this.epoch}.${this.seq++}`,
      state: 'Down',
      caller: { name: '', number: '' },
      exten: 's',
      inStasis: false,
      destroyed: false,
      talkDetect: false,
      moh: false,
      muted: { in: false, out: false },
      dialing: false,
      answered: false,
      peer: null,
      playbacks: [],
      recording: null,
      bridge: null,
      dialTimer: null,
      idleWaiters: [],
      ...fields,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  // -- calls ---------------------------------------------------------------------------------

  /** A call arriving through the dialplan: a Local pair whose `;2` half runs Stasis(rcml,inbound). */
  inbound(from: string, to: string): ModelChannel {
    const n = String(this.seq).padStart(8, '0');
    const caller = this.newChannel({
      name: `Local/${to}@from-trunk-${n};1`,
      kind: 'caller',
      endpoint: '',
      caller: { name: 'Alice', number: from },
      exten: to,
    });
    const inbound = this.newChannel({
      name: `Local/${to}@from-trunk-${n};2`,
      kind: 'inbound',
      endpoint: '',
      caller: { name: 'Alice', number: from },
      exten: to,
      state: 'Ring',
    });
    caller.peer = inbound;
    inbound.peer = caller;
    this.chan('ChannelVarset', inbound, { variable: 'STASISSTATUS', value: '' });
    this.event('Dial', {
      dialstatus: '',
      forward: '',
      dialstring: `${to}@from-trunk/n`,
      peer: this.channelJson(caller),
    });
    inbound.inStasis = true;
    this.chan('StasisStart', inbound, { args: ['inbound'] });
    return inbound;
  }

  answerInbound(c: ModelChannel): void {
    if (c.state === 'Up') return;
    c.state = 'Up';
    c.answered = true;
    this.chan('ChannelStateChange', c);
    const caller = c.peer;
    if (caller !== null && c.kind === 'inbound') {
      caller.state = 'Up';
      this.chan('ChannelStateChange', caller);
      this.event('Dial', {
        dialstatus: 'ANSWER',
        forward: '',
        dialstring: '',
        peer: this.channelJson(caller),
      });
      caller.inStasis = true;
      this.chan('StasisStart', caller, { args: ['caller'] });
    }
  }

  originate(q: URLSearchParams): Record<string, unknown> {
    const endpoint = q.get('endpoint') ?? '';
    const c = this.newChannel(
      {
        name: `${endpoint}-${this.seq}`,
        kind: 'originated',
        endpoint,
        caller: { name: '', number: q.get('callerId') ?? '' },
      },
      q.get('channelId') ?? undefined,
    );
    c.dialing = true;
    this.event('Dial', { dialstatus: '', forward: '', dialstring: endpoint, peer: this.channelJson(c) });
    const timeout = Number(q.get('timeout') ?? 30);
    c.dialTimer = this.clock.setTimeout(() => {
      if (!c.answered && !c.destroyed) {
        this.event('Dial', {
          dialstatus: 'NOANSWER',
          forward: '',
          dialstring: '',
          peer: this.channelJson(c),
        });
        this.destroy(c, 19, 'User alerting, no answer');
      }
    }, timeout * 1000);
    return this.channelJson(c);
  }

  /** `POST /channels/create`: the leg exists, but is in Stasis only after `enterStasis`. */
  create(q: URLSearchParams): ModelChannel {
    const endpoint = q.get('endpoint') ?? '';
    return this.newChannel(
      {
        name: `${endpoint.replace(/\/n$/, '')}-${String(this.seq).padStart(8, '0')};1`,
        kind: 'created',
        endpoint,
      },
      q.get('channelId') ?? undefined,
    );
  }

  enterStasis(c: ModelChannel, appArgs: string): void {
    if (c.destroyed || c.inStasis) return;
    c.inStasis = true;
    this.chan('StasisStart', c, { args: [appArgs] });
  }

  /**
   * Why Asterisk refuses a caller-chosen channel id, or null: it is taken, or it is a prefix
   * of a live channel's id (Asterisk finds channels by id prefix, so it would be ambiguous).
   */
  refusedChannelId(id: string | null): string | null {
    if (id === null || id === '') return null;
    for (const c of this.channels.values()) {
      if (!c.destroyed && c.id.startsWith(id)) return 'Channel with given unique ID already exists';
    }
    return null;
  }

  dial(c: ModelChannel, timeout: number): void {
    if (c.endpoint.startsWith('Local/nosuch')) {
      c.inStasis = false;
      this.chan('StasisEnd', c);
      this.destroy(c, 16, 'Normal Clearing');
      return;
    }
    c.dialing = true;
    this.event('Dial', { dialstatus: '', forward: '', dialstring: c.endpoint, peer: this.channelJson(c) });
    c.dialTimer = this.clock.setTimeout(() => {
      if (c.answered || c.destroyed) return;
      // A dial timeout: soft hang-up, StasisEnd, cause 19; no NOANSWER event.
      this.chan('ChannelHangupRequest', c, { cause: 32, soft: true });
      c.inStasis = false;
      this.chan('StasisEnd', c);
      this.destroy(c, 19, 'User alerting, no answer');
    }, timeout * 1000);
  }

  /** The far end of an outbound channel acts. */
  far(c: ModelChannel, what: 'ring' | 'answer' | 'busy' | 'fail'): void {
    if (c.destroyed || !c.dialing) throw new Error(`channel ${c.id} is not being dialled`);
    const dialEvent = (status: string) =>
      this.event('Dial', { dialstatus: status, forward: '', dialstring: '', peer: this.channelJson(c) });
    if (what === 'ring') {
      c.state = 'Ringing';
      this.chan('ChannelStateChange', c);
      dialEvent('RINGING');
    } else if (what === 'answer') {
      this.clock.clearTimeout(c.dialTimer);
      c.state = 'Up';
      c.answered = true;
      c.dialing = false;
      this.chan('ChannelStateChange', c);
      dialEvent('ANSWER');
      if (c.kind === 'originated') {
        c.inStasis = true;
        this.chan('StasisStart', c, { args: ['outbound'] });
      }
    } else if (what === 'busy') {
      this.clock.clearTimeout(c.dialTimer);
      c.dialing = false;
      if (c.kind === 'originated') {
        this.chan('ChannelHangupRequest', c, { cause: 17 });
        dialEvent('BUSY');
        this.destroy(c, 17, 'User busy');
      } else {
        dialEvent('BUSY'); // the leg stays in Stasis until someone hangs it up
      }
    } else {
      this.clock.clearTimeout(c.dialTimer);
      c.dialing = false;
      dialEvent('CHANUNAVAIL');
      if (c.inStasis) {
        c.inStasis = false;
        this.chan('StasisEnd', c);
      }
      this.destroy(c, 20, 'Subscriber absent');
    }
  }

  /** Hang a channel up: `soft` for a DELETE, else the far end with `cause`. */
  hangup(c: ModelChannel, how: { soft: boolean; cause: number }): void {
    if (c.destroyed) return;
    this.clock.clearTimeout(c.dialTimer);
    this.chan('ChannelHangupRequest', c, how.soft ? { cause: 32, soft: true } : { cause: how.cause });
    for (const p of c.playbacks.splice(0)) {
      this.clock.clearTimeout(p.timer);
      this.playbacks.delete(p.id);
      this.event('PlaybackFinished', { playback: this.playbackJson(p, 'failed') });
    }
    if (c.recording !== null) this.finishRecording(c, 'done');
    if (c.bridge !== null) this.leaveBridge(c);
    if (c.inStasis) {
      c.inStasis = false;
      this.chan('StasisEnd', c);
    }
    this.destroy(c, how.soft ? how.cause : how.cause, causeText(how.cause));
    const peer = c.peer;
    if (peer !== null && !peer.destroyed) {
      this.chan('ChannelHangupRequest', peer, { cause: how.cause });
      if (peer.inStasis) {
        peer.inStasis = false;
        this.chan('StasisEnd', peer);
      }
      this.destroy(peer, how.cause, causeText(how.cause));
    }
  }

  private destroy(c: ModelChannel, cause: number, text: string): void {
    if (c.destroyed) return;
    c.destroyed = true;
    c.dialing = false;
    this.chan('ChannelDestroyed', c, { cause, cause_txt: text });
    for (const w of c.idleWaiters.splice(0)) w();
  }

  // -- media -----------------------------------------------------------------------------

  play(c: ModelChannel, media: string[], id: string): Playback {
    const p: Playback = { id, channel: c, media, index: 0, cancelled: false, timer: null };
    this.playbacks.set(id, p);
    c.playbacks.push(p);
    if (c.playbacks.length === 1) this.startPlayback(p);
    return p;
  }

  private startPlayback(p: Playback): void {
    if (p.cancelled) {
      this.finishPlayback(p, 'done');
      return;
    }
    this.event('PlaybackStarted', { playback: this.playbackJson(p) });
    if ((p.media[p.index] ?? '').includes('no-such')) {
      this.finishPlayback(p, 'failed');
      return;
    }
    p.timer = this.clock.setTimeout(() => {
      if (p.index + 1 < p.media.length) {
        this.event('PlaybackContinuing', { playback: this.playbackJson(p, 'continuing') });
        p.index += 1;
        this.startPlayback(p);
      } else {
        this.finishPlayback(p, 'done');
      }
    }, this.mediaMs);
  }

  private finishPlayback(p: Playback, state: 'done' | 'failed'): void {
    const c = p.channel;
    this.playbacks.delete(p.id);
    c.playbacks = c.playbacks.filter((x) => x !== p);
    this.event('PlaybackFinished', { playback: this.playbackJson(p, state) });
    const next = c.playbacks[0];
    if (next !== undefined) this.startPlayback(next);
    else for (const w of c.idleWaiters.splice(0)) w();
  }

  hasPlayback(id: string): boolean {
    return this.playbacks.has(id);
  }

  stopPlayback(id: string): boolean {
    const p = this.playbacks.get(id);
    if (p === undefined) return false;
    if (p.channel.playbacks[0] === p) {
      this.clock.clearTimeout(p.timer);
      this.finishPlayback(p, 'done');
    } else {
      p.cancelled = true; // finishes "done" when its turn comes
    }
    return true;
  }

  /** Run `fn` once nothing plays on the channel (where Asterisk queues DTMF and records). */
  whenIdle(c: ModelChannel, fn: () => void): void {
    if (c.playbacks.length === 0) fn();
    else c.idleWaiters.push(fn);
  }

  record(c: ModelChannel, name: string, q: URLSearchParams): void {
    const max = Number(q.get('maxDurationSeconds') ?? 0);
    this.event('RecordingStarted', {
      recording: { name, format: 'wav', state: 'recording', target_uri: `channel:${c.id}` },
    });
    c.recording = {
      name,
      startedAt: this.clock.now(),
      timer: null,
      terminateOn: q.get('terminateOn') ?? 'none',
    };
    if (max > 0) c.recording.timer = this.clock.setTimeout(() => this.finishRecording(c, 'done'), max * 1000);
  }

  private finishRecording(c: ModelChannel, state: 'done' | 'canceled'): void {
    const rec = c.recording;
    if (rec === null) return;
    c.recording = null;
    this.clock.clearTimeout(rec.timer);
    const duration = Math.floor((this.clock.now() - rec.startedAt) / 1000);
    if (state === 'done') this.stored.set(rec.name, duration);
    this.event('RecordingFinished', {
      recording: { name: rec.name, format: 'wav', state, target_uri: `channel:${c.id}`, duration },
    });
  }

  stopRecording(name: string, state: 'done' | 'canceled'): boolean {
    if (this.bridgeRecordings.has(name)) {
      this.finishBridgeRecording(name, state);
      return true;
    }
    for (const c of this.channels.values()) {
      if (c.recording?.name === name) {
        this.finishRecording(c, state);
        return true;
      }
    }
    return false;
  }

  /** Keys from the far end, `duration + between` (220 ms) apart. */
  farDtmf(c: ModelChannel, digits: string): void {
    if (c.destroyed) throw new Error(`channel ${c.id} is gone`);
    [...digits].forEach((digit, i) => {
      this.clock.setTimeout(
        () => {
          if (c.destroyed) return;
          this.chan('ChannelDtmfReceived', c, { digit, duration_ms: 120 });
          const rec = c.recording;
          if (rec !== null && (rec.terminateOn === 'any' || rec.terminateOn === digit)) {
            this.finishRecording(c, 'done');
            this.recentlyEnded.add(rec.name);
          }
        },
        220 * (i + 1),
      );
    });
  }

  farSpeak(c: ModelChannel, seconds: number): void {
    if (c.destroyed) throw new Error(`channel ${c.id} is gone`);
    this.speakingUntil.set(c.id, this.clock.now() + seconds * 1000);
    if (!c.talkDetect) return;
    this.chan('ChannelTalkingStarted', c);
    this.clock.setTimeout(() => {
      if (!c.destroyed) this.chan('ChannelTalkingFinished', c, { duration: seconds * 1000 });
    }, seconds * 1000);
  }

  // -- bridges -------------------------------------------------------------------------------

  bridge(id: string, name: string): { id: string; name: string; channels: string[] } {
    let b = this.bridges.get(id);
    if (b === undefined) {
      b = { id, name, channels: [] };
      this.bridges.set(id, b);
    }
    return b;
  }

  enterBridge(b: { id: string; channels: string[] }, c: ModelChannel): void {
    if (c.bridge !== null) this.leaveBridge(c);
    c.bridge = b.id;
    b.channels.push(c.id);
    this.chan('ChannelEnteredBridge', c, { bridge: this.bridgeJson(b as never) });
  }

  leaveBridge(c: ModelChannel): void {
    const b = c.bridge === null ? undefined : this.bridges.get(c.bridge);
    c.bridge = null;
    if (b === undefined) return;
    b.channels = b.channels.filter((x) => x !== c.id);
    this.chan('ChannelLeftBridge', c, { bridge: this.bridgeJson(b as never) });
  }

  /** `POST /bridges/{id}/record`: the bridge's mix, until stopped or the bridge goes. */
  recordBridge(b: { id: string }, name: string): Record<string, unknown> {
    const recording = { name, format: 'wav', state: 'queued', target_uri: `bridge:${b.id}` };
    this.bridgeRecordings.set(name, { bridge: b.id, startedAt: this.clock.now() });
    this.event('RecordingStarted', { recording: { ...recording, state: 'recording' } });
    return recording;
  }

  private finishBridgeRecording(name: string, state: 'done' | 'canceled'): void {
    const rec = this.bridgeRecordings.get(name);
    if (rec === undefined) return;
    this.bridgeRecordings.delete(name);
    const duration = Math.floor((this.clock.now() - rec.startedAt) / 1000);
    if (state === 'done') this.stored.set(name, duration);
    this.event('RecordingFinished', {
      recording: { name, format: 'wav', state, target_uri: `bridge:${rec.bridge}`, duration },
    });
  }

  destroyBridge(b: { id: string; name: string; channels: string[] }): void {
    for (const [name, rec] of [...this.bridgeRecordings]) {
      if (rec.bridge === b.id) this.finishBridgeRecording(name, 'done');
    }
    for (const id of [...b.channels]) {
      const c = this.channels.get(id);
      if (c !== undefined) this.leaveBridge(c);
    }
    this.bridges.delete(b.id);
    this.event('BridgeDestroyed', { bridge: this.bridgeJson(b) });
  }
}

function causeText(cause: number): string {
  return cause === 17
    ? 'User busy'
    : cause === 21
      ? 'Call Rejected'
      : cause === 19
        ? 'User alerting, no answer'
        : 'Normal Clearing';
}
