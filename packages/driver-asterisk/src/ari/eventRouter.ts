/**
 * Routes ARI events to the object that owns them, in arrival order, so nothing is lost
 * between a command and its event:
 * - playbacks and recordings carry ids the driver chose itself, so their listeners are
 *   registered before the request is sent, and an event that beats the HTTP answer (ARI does
 *   that: `PlaybackStarted` before the 201 of the play) still finds its listener;
 * - channels get ids from Asterisk, so events of a channel nobody has claimed yet (the
 *   `StasisStart` of an outbound leg arrives before the answer to `POST /channels/create`)
 *   wait in a bounded buffer and are replayed, in order, when the channel is claimed.
 * `Dial` events belong to their `peer` (the dialled channel); they carry no `caller`.
 */
import type { AriEvent } from './types.js';

export type EventListener = (event: AriEvent) => void;

/** Unclaimed channels kept at most (oldest dropped first); each keeps at most 64 events. */
const MAX_UNCLAIMED_CHANNELS = 256;
const MAX_EVENTS_PER_CHANNEL = 64;

export class EventRouter {
  private readonly channels = new Map<string, EventListener>();
  private readonly playbacks = new Map<string, EventListener>();
  private readonly recordings = new Map<string, EventListener>();
  private readonly unclaimed = new Map<string, AriEvent[]>();

  /**
   * @param onUnclaimedStart Offered each `StasisStart` of a channel nobody owns; returns true
   *   when it took the channel (an inbound call), false to leave it buffered.
   */
  constructor(private readonly onUnclaimedStart: (event: AriEvent) => boolean) {}

  dispatch(event: AriEvent): void {
    if (event.playback !== undefined) {
      this.playbacks.get(event.playback.id)?.(event);
      return;
    }
    if (event.recording !== undefined) {
      this.recordings.get(event.recording.name)?.(event);
      return;
    }
    const channelId = event.type === 'Dial' ? event.peer?.id : event.channel?.id;
    if (channelId === undefined) return;
    const listener = this.channels.get(channelId);
    if (listener !== undefined) {
      listener(event);
      return;
    }
    if (event.type === 'StasisStart' && this.onUnclaimedStart(event)) return;
    this.buffer(channelId, event);
  }

  /** Own a channel: buffered events are delivered at once, in order, then live ones. */
  claimChannel(id: string, listener: EventListener): void {
    this.channels.set(id, listener);
    const buffered = this.unclaimed.get(id);
    if (buffered === undefined) return;
    this.unclaimed.delete(id);
    for (const event of buffered) {
      if (this.channels.get(id) !== listener) return;
      listener(event);
    }
  }

  releaseChannel(id: string): void {
    this.channels.delete(id);
  }

  onPlayback(id: string, listener: EventListener): () => void {
    this.playbacks.set(id, listener);
    return () => {
      if (this.playbacks.get(id) === listener) this.playbacks.delete(id);
    };
  }

  onRecording(name: string, listener: EventListener): () => void {
    this.recordings.set(name, listener);
    return () => {
      if (this.recordings.get(name) === listener) this.recordings.delete(name);
    };
  }

  /** Channel ids currently owned. */
  ownedChannels(): string[] {
    return [...this.channels.keys()];
  }

  private buffer(channelId: string, event: AriEvent): void {
    let list = this.unclaimed.get(channelId);
    if (list === undefined) {
      if (this.unclaimed.size >= MAX_UNCLAIMED_CHANNELS) {
        const oldest = this.unclaimed.keys().next();
        if (!oldest.done) this.unclaimed.delete(oldest.value);
      }
      list = [];
      this.unclaimed.set(channelId, list);
    }
    if (list.length < MAX_EVENTS_PER_CHANNEL) list.push(event);
  }
}
