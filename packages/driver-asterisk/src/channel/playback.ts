/**
 * Playing media on a channel (`<Say>` audio and `<Play>` files). ARI quirks handled here:
 * - `PlaybackStarted` may beat the 201 of the play, so the listener is registered before
 *   the request, under a playback id the driver chooses;
 * - DTMF does not stop a playback: when the engine aborts (barge-in, live change, hang-up)
 *   the driver sends `DELETE /playbacks/{id}` itself;
 * - `PlaybackFinished` says `done` for a stopped playback and for one that ran to the end,
 *   and `failed` for a missing file or a playback cut off by a hang-up;
 * - several media in one request give `PlaybackContinuing` between them and one final
 *   `PlaybackFinished`, so a loop is sent as lists of up to {@link MEDIA_PER_REQUEST} items.
 */
import { segment } from '../ari/query.js';
import { ariStatus } from '../ari/restClient.js';
import type { AriChannel } from './ariChannel.js';
import { deferred } from './context.js';

/** How a playback ended. */
export type PlayResult = 'done' | 'failed' | 'stopped' | 'gone';

/** Media items per play request: keeps the query short for `loop="1000"`. */
const MEDIA_PER_REQUEST = 10;

/** Play `uri` `loop` times (at least once); stops early on abort, failure or hang-up. */
export async function playLooped(
  channel: AriChannel,
  uri: string,
  loop: number,
  signal: AbortSignal,
): Promise<PlayResult> {
  let remaining = Math.max(1, Math.floor(loop));
  let result: PlayResult = 'done';
  while (remaining > 0 && result === 'done') {
    const count = Math.min(remaining, MEDIA_PER_REQUEST);
    remaining -= count;
    result = await playOnce(
      channel,
      Array.from({ length: count }, () => uri),
      signal,
    );
  }
  return result;
}

/**
 * One play request. Settles at once when `signal` aborts (the engine's contract), while the
 * channel's media gate stays closed until ARI confirms the playback has finished.
 */
async function playOnce(
  channel: AriChannel,
  media: readonly string[],
  signal: AbortSignal,
): Promise<PlayResult> {
  if (signal.aborted || channel.gone) return signal.aborted ? 'stopped' : 'gone';
  const { ctx } = channel;
  const playbackId = `pb-${ctx.newId()}`;
  const finished = deferred<PlayResult>();
  const off = ctx.router.onPlayback(playbackId, (event) => {
    if (event.type === 'PlaybackFinished')
      finished.resolve(event.playback?.state === 'failed' ? 'failed' : 'done');
  });
  void channel.whenGone.then(() => finished.resolve('gone'));
  channel.trackPlayback(finished.promise);
  // After a WebSocket gap: a playback ARI no longer knows has finished.
  const unsync = channel.onResync(async () => {
    try {
      await ctx.rest.request('GET', `/playbacks/${segment(playbackId)}`);
    } catch (error) {
      if (ariStatus(error) === 404) finished.resolve('done');
    }
  });
  void finished.promise.then(() => {
    off();
    unsync();
  });

  let posted = false;
  let stopSent = false;
  const stop = () => {
    if (!posted || stopSent) return;
    stopSent = true;
    ctx.rest.request('DELETE', `/playbacks/${segment(playbackId)}`).catch((error: unknown) => {
      // 404: it had already finished (its event may be in flight or lost).
      if (ariStatus(error) === 404) finished.resolve('stopped');
      else ctx.logger.warn('stopping a playback failed', { playbackId, error: (error as Error).message });
    });
  };
  const aborted = new Promise<PlayResult>((resolve) => {
    signal.addEventListener(
      'abort',
      () => {
        stop();
        resolve('stopped');
      },
      { once: true },
    );
  });

  try {
    const response = await channel.ari('POST', channel.path('/play'), { media: media.join(','), playbackId });
    posted = true;
    if (response === null) finished.resolve('gone');
    else if (signal.aborted) stop();
  } catch (error) {
    finished.resolve('failed');
    if (signal.aborted) return 'stopped';
    throw error;
  }
  return Promise.race([finished.promise, aborted]);
}
