/**
 * `<Dial><Conference>`: a named mixing bridge per room (`POST /bridges/{id}` creates it;
 * Asterisk answers 409 when it exists, and the member joins the existing one). The caller's
 * conference "leg" reports `answered` as soon as the caller is in the room. A room starts when
 * a member with `startConferenceOnEnter` (the default) joins; until then members who joined with `startConferenceOnEnter="false"` wait
 * outside the bridge hearing music on hold, and they are moved into the bridge when it starts.
 * Hanging the leg up takes the caller out of the room. The last one out destroys the bridge; a
 * member with `endConferenceOnExit` ends the room for everyone, waiting members included.
 * The engine's conference operations on the leg: `mute` (`POST`/`DELETE
 * /channels/{id}/mute?direction=in`: the room stops hearing the caller), `hold` (out of the
 * bridge with music on hold, back in on unhold; a held member is not moved in when the room
 * starts), `recordCall` (`POST /bridges/{id}/record`: the room's mix) and the caller's voice
 * activity (`TALK_DETECT`) as the leg's `voice` events, for `speaker` callbacks.
 */
import type {
  CallRecordRequest,
  Channel,
  ChannelHandler,
  DialSession,
  DialTarget,
  PlayOutcome,
  RecordingSession,
} from '@rcml/core';
import { RcmlError } from '@rcml/core';
import { segment } from '../ari/query.js';
import { ariStatus } from '../ari/restClient.js';
import type { AriChannel } from '../channel/ariChannel.js';
import { DialRecorder, dialRecordingName } from './dialRecording.js';

interface Room {
  readonly members: Set<ConferenceLeg>;
  /** A member with `startConferenceOnEnter` has joined since the room was last empty. */
  started: boolean;
  /** Joins and leaves of the room, one at a time (each is several ARI requests). */
  turn: Promise<void>;
}

/** The rooms of one driver. */
export class ConferenceRooms {
  private readonly rooms = new Map<string, Room>();

  room(name: string): Room {
    let room = this.rooms.get(name);
    if (room === undefined) {
      room = { members: new Set(), started: false, turn: Promise.resolve() };
      this.rooms.set(name, room);
    }
    return room;
  }

  members(name: string): Set<ConferenceLeg> {
    return this.room(name).members;
  }

  /** Run `work` after the room's earlier joins and leaves have finished. */
  inTurn(name: string, work: () => Promise<void>): Promise<void> {
    const room = this.room(name);
    const done = room.turn.then(work);
    room.turn = done.catch(() => undefined);
    return done;
  }

  forget(name: string): void {
    if (this.rooms.get(name)?.members.size === 0) this.rooms.delete(name);
  }
}

/** The bridge id of a room: stable, so every call naming the room meets in one bridge. */
function conferenceBridgeId(room: string): string {
  return `rcml-conf-${room.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export class ConferenceLeg implements Channel {
  readonly id: string;
  private handler: ChannelHandler | null = null;
  private joined = false;
  /** In the mixing bridge (a member waiting for the room to start is not). */
  private inBridge = false;
  private left = false;
  /** Muted in the room (`muted` on joining, or the API). */
  private muted = false;
  /** On hold: out of the bridge, hearing music. */
  private held = false;
  /** The caller's voice, as last reported (`speaker` events). */
  private speaking = false;
  private readonly room: string;
  private readonly bridgeId: string;

  constructor(
    private readonly parent: AriChannel,
    private readonly target: DialTarget,
  ) {
    this.id = target.callSid;
    this.room = target.to;
    this.bridgeId = conferenceBridgeId(target.to);
    this.join().catch((error: unknown) => {
      parent.ctx.logger.warn('Conference: joining failed', {
        room: this.room,
        error: (error as Error).message,
      });
      this.call((h) => h.failed('unreachable'));
    });
    void parent.whenGone.then(() => this.leave(false));
    const untap = parent.tap((event) => {
      if (event.type === 'ChannelTalkingStarted') this.talking(true);
      else if (event.type === 'ChannelTalkingFinished') this.talking(false);
    });
    void parent.whenGone.then(untap);
  }

  /** The caller's voice started or stopped: the leg's `voice`, while in the room. */
  private talking(active: boolean): void {
    if (!this.joined || this.left || this.speaking === active) return;
    this.speaking = active;
    this.call((h) => h.voice(active));
  }

  private call(fn: (handler: ChannelHandler) => void): void {
    queueMicrotask(() => {
      if (this.handler !== null) fn(this.handler);
    });
  }

  private async join(): Promise<void> {
    const parentId = await this.parent.ready();
    if (parentId === null) return;
    await this.parent.ctx.conferences.inTurn(this.room, () => this.enter(parentId));
  }

  /** Join the room (in the room's turn): into the bridge, or waiting outside it. */
  private async enter(parentId: string): Promise<void> {
    const { ctx } = this.parent;
    if (this.left) return;
    const room = ctx.conferences.room(this.room);
    const options = this.target.conference;
    if (
      options !== undefined &&
      options.maxParticipants > 0 &&
      room.members.size >= options.maxParticipants
    ) {
      this.call((h) => h.failed('conference-full'));
      return;
    }
    const bridge = `/bridges/${segment(this.bridgeId)}`;
    await this.ensureBridge();
    if (options?.muted === true) {
      await this.parent.ari('POST', this.parent.path('/mute'), { direction: 'in' });
      this.muted = true;
    }
    const starts = options?.startConferenceOnEnter !== false;
    if (starts || room.started) {
      await ctx.rest.request('POST', `${bridge}/addChannel`, { query: { channel: parentId } });
      this.inBridge = true;
    } else {
      await this.parent.ari('POST', this.parent.path('/moh'));
    }
    room.members.add(this);
    this.joined = true;
    if (starts && !room.started) {
      room.started = true;
      for (const member of room.members) {
        if (member.inBridge) continue;
        await member.admit().catch((error: unknown) => {
          ctx.logger.warn('Conference: moving a waiting member into the room failed', {
            room: this.room,
            error: (error as Error).message,
          });
        });
      }
    }
    if (options?.beep === 'true' || options?.beep === 'onEnter') this.beep();
    this.call((h) => h.answered());
  }

  /**
   * Create the room's bridge, or find it. Asterisk answers 409 "Bridge with id … already
   * exists" to `POST /bridges/{id}` for a bridge it has (it does not return it): the room is
   * there, checked with `GET /bridges/{id}`; a bridge destroyed between the two is made again.
   */
  private async ensureBridge(): Promise<void> {
    const { ctx } = this.parent;
    const bridge = `/bridges/${segment(this.bridgeId)}`;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await ctx.rest.request('POST', bridge, { query: { type: 'mixing', name: this.room } });
        return;
      } catch (error) {
        if (ariStatus(error) !== 409) throw error;
      }
      try {
        await ctx.rest.request('GET', bridge);
        return;
      } catch (error) {
        if (ariStatus(error) !== 404 || attempt >= 2) throw error;
      }
    }
  }

  /** The room started: stop the music and move this waiting member into the bridge. */
  private async admit(): Promise<void> {
    const parentId = this.parent.ariChannelId;
    // A member on hold stays out (with its music) until it is taken off hold.
    if (this.left || this.held || parentId === null || this.parent.gone) return;
    await this.parent.ari('DELETE', this.parent.path('/moh')).catch(() => undefined);
    await this.parent.ctx.rest.request('POST', `/bridges/${segment(this.bridgeId)}/addChannel`, {
      query: { channel: parentId },
    });
    this.inBridge = true;
  }

  private beep(): void {
    const { ctx } = this.parent;
    void ctx.rest
      .request('POST', `/bridges/${segment(this.bridgeId)}/play`, {
        query: { media: 'sound:beep', playbackId: `pb-${ctx.newId()}` },
      })
      .catch(() => undefined);
  }

  /** Take the caller out (in the room's turn); only what applies to a channel still there. */
  private async leave(remove: boolean): Promise<void> {
    if (this.left) return;
    this.left = true;
    await this.parent.ctx.conferences.inTurn(this.room, () => this.exit(remove));
  }

  private async exit(remove: boolean): Promise<void> {
    const { ctx } = this.parent;
    const members = ctx.conferences.members(this.room);
    members.delete(this);
    const bridge = `/bridges/${segment(this.bridgeId)}`;
    const parentId = this.parent.ariChannelId;
    if (remove && this.joined && parentId !== null && !this.parent.gone) {
      if (this.inBridge) {
        await ctx.rest
          .request('POST', `${bridge}/removeChannel`, { query: { channel: parentId } })
          .catch(() => undefined);
      } else {
        await this.parent.ari('DELETE', this.parent.path('/moh')).catch(() => undefined);
      }
      if (this.muted) {
        await this.parent
          .ari('DELETE', this.parent.path('/mute'), { direction: 'in' })
          .catch(() => undefined);
      }
    }
    const options = this.target.conference;
    if (this.joined && (options?.beep === 'true' || options?.beep === 'onExit') && members.size > 0)
      this.beep();
    // Only a member who was in the room ends it (one refused as full, or gone before it
    // joined, never was).
    if (this.joined && options?.endConferenceOnExit === true) {
      for (const other of [...members]) other.ended();
    }
    if (members.size === 0) {
      // Forgotten only once the bridge is gone: a join queued meanwhile waits for that.
      await ctx.rest.request('DELETE', bridge).catch(() => undefined);
      ctx.conferences.forget(this.room);
    }
  }

  /** The room was ended by someone else. */
  private ended(): void {
    this.call((h) => h.hangup());
  }

  listen(handler: ChannelHandler): void {
    this.handler = handler;
  }

  /** Mute (`true`) or unmute the caller in the room: the others stop hearing it. */
  async mute(muted: boolean): Promise<void> {
    const parentId = await this.parent.ready();
    if (parentId === null || this.left) return;
    await this.parent.ari(muted ? 'POST' : 'DELETE', this.parent.path('/mute'), { direction: 'in' });
    this.muted = muted;
  }

  /**
   * Hold (`true`): out of the bridge, hearing music on hold (the engine plays `HoldUrl`
   * documents over it); unhold: back into the bridge when the room has started (else back to
   * waiting, with its music). In the room's turn, like joins and leaves.
   */
  async hold(held: boolean): Promise<void> {
    await this.parent.ctx.conferences.inTurn(this.room, async () => {
      const was = this.held;
      this.held = held;
      const parentId = this.parent.ariChannelId;
      if (was === held || !this.joined || this.left || parentId === null || this.parent.gone) return;
      if (held) {
        if (!this.inBridge) return; // waiting outside: already hearing music
        await this.parent.ctx.rest.request('POST', `/bridges/${segment(this.bridgeId)}/removeChannel`, {
          query: { channel: parentId },
        });
        this.inBridge = false;
        await this.parent.ari('POST', this.parent.path('/moh'));
      } else if (this.parent.ctx.conferences.room(this.room).started) {
        await this.admit();
      }
    });
  }

  /**
   * Record the room (`record="record-from-start"`): the bridge's mix, from now until the
   * engine stops it (or the room's bridge goes); stored under the recording SID.
   */
  async recordCall(request: CallRecordRequest, signal: AbortSignal): Promise<RecordingSession> {
    if (!this.joined || this.left) throw new RcmlError(14103, 'Conference: the caller is not in the room');
    const recorder = new DialRecorder(this.parent.ctx, dialRecordingName(request.recordingSid));
    await recorder.add(`/bridges/${segment(this.bridgeId)}`);
    if (signal.aborted) recorder.discard();
    else signal.addEventListener('abort', () => recorder.discard(), { once: true });
    return recorder.session();
  }

  async hangup(): Promise<void> {
    await this.leave(true);
  }
  async reject(): Promise<void> {
    await this.leave(true);
  }
  async answer(): Promise<void> {}
  async say(): Promise<void> {}
  async play(): Promise<PlayOutcome> {
    return { ok: true };
  }
  async sendDigits(): Promise<void> {}
  async pause(): Promise<void> {}
  async gather(): Promise<void> {}
  async record(): Promise<RecordingSession> {
    throw new RcmlError(14103, 'a conference leg cannot record');
  }
  dial(): DialSession {
    throw new RcmlError(14103, 'a conference leg cannot dial');
  }
}
