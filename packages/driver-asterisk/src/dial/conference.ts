/**
 * `<Dial><Conference>`: a named mixing bridge per room (`POST /bridges/{id}` creates it or
 * returns the existing one). The caller's conference "leg" reports `answered` as soon as the
 * caller has joined; hanging the leg up takes the caller out of the room. The last one out
 * destroys the bridge; a member with `endConferenceOnExit` ends the room for everyone.
 * `startConferenceOnEnter="false"` is not modelled: the room starts at once.
 */
import type {
  Channel,
  ChannelHandler,
  DialSession,
  DialTarget,
  PlayOutcome,
  RecordingSession,
} from '@rcml/core';
import { RcmlError } from '@rcml/core';
import { segment } from '../ari/query.js';
import type { AriChannel } from '../channel/ariChannel.js';

/** The rooms of one driver. */
export class ConferenceRooms {
  private readonly rooms = new Map<string, Set<ConferenceLeg>>();

  members(room: string): Set<ConferenceLeg> {
    let set = this.rooms.get(room);
    if (set === undefined) {
      set = new Set();
      this.rooms.set(room, set);
    }
    return set;
  }

  forget(room: string): void {
    if (this.rooms.get(room)?.size === 0) this.rooms.delete(room);
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
  private left = false;
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
  }

  private call(fn: (handler: ChannelHandler) => void): void {
    queueMicrotask(() => {
      if (this.handler !== null) fn(this.handler);
    });
  }

  private async join(): Promise<void> {
    const { ctx } = this.parent;
    const parentId = await this.parent.ready();
    if (parentId === null) return;
    const members = ctx.conferences.members(this.room);
    const options = this.target.conference;
    if (options !== undefined && options.maxParticipants > 0 && members.size >= options.maxParticipants) {
      this.call((h) => h.failed('conference-full'));
      return;
    }
    const bridge = `/bridges/${segment(this.bridgeId)}`;
    await ctx.rest.request('POST', bridge, { query: { type: 'mixing', name: this.room } });
    if (options?.muted === true) {
      await this.parent.ari('POST', this.parent.path('/mute'), { direction: 'in' });
    }
    await ctx.rest.request('POST', `${bridge}/addChannel`, { query: { channel: parentId } });
    members.add(this);
    this.joined = true;
    if (options?.beep === 'true' || options?.beep === 'onEnter') this.beep();
    this.call((h) => h.answered());
  }

  private beep(): void {
    const { ctx } = this.parent;
    void ctx.rest
      .request('POST', `/bridges/${segment(this.bridgeId)}/play`, {
        query: { media: 'sound:beep', playbackId: `pb-${ctx.newId()}` },
      })
      .catch(() => undefined);
  }

  /** Take the caller out; `removeChannel` only when the caller is still there. */
  private async leave(remove: boolean): Promise<void> {
    if (this.left) return;
    this.left = true;
    const { ctx } = this.parent;
    const members = ctx.conferences.members(this.room);
    members.delete(this);
    const bridge = `/bridges/${segment(this.bridgeId)}`;
    const parentId = this.parent.ariChannelId;
    if (remove && this.joined && parentId !== null && !this.parent.gone) {
      await ctx.rest
        .request('POST', `${bridge}/removeChannel`, { query: { channel: parentId } })
        .catch(() => undefined);
      if (this.target.conference?.muted === true) {
        await this.parent
          .ari('DELETE', this.parent.path('/mute'), { direction: 'in' })
          .catch(() => undefined);
      }
    }
    const options = this.target.conference;
    if (this.joined && (options?.beep === 'true' || options?.beep === 'onExit') && members.size > 0)
      this.beep();
    if (options?.endConferenceOnExit === true) {
      for (const other of [...members]) other.ended();
    }
    if (members.size === 0) {
      ctx.conferences.forget(this.room);
      await ctx.rest.request('DELETE', bridge).catch(() => undefined);
    }
  }

  /** The room was ended by someone else. */
  private ended(): void {
    this.call((h) => h.hangup());
  }

  listen(handler: ChannelHandler): void {
    this.handler = handler;
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
