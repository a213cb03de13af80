/**
 * `<Say>` and `<Play>` on a channel: text through the TTS port or a URL through the media
 * cache, then ARI playback (`playback.ts`). ARI reports a file it cannot open as a playback
 * that finished `failed`, most often a cache directory the Asterisk user cannot read: the
 * driver logs that, and a `<Play>` reports the media unavailable (notice 13227).
 */
import type { PlayOutcome, PlayRequest, SayRequest } from '@rcml/core';
import { RcmlError } from '@rcml/core';
import type { AriChannel } from './ariChannel.js';
import { playLooped } from './playback.js';

/** Media URIs ARI plays itself, passed through as they are. */
const ARI_MEDIA = /^(sound|recording|tone|digits|number|characters):/;

export async function sayOn(channel: AriChannel, request: SayRequest, signal: AbortSignal): Promise<void> {
  const id = await channel.ready();
  if (id === null || signal.aborted || request.text.trim() === '') return;
  let uri: string;
  try {
    uri = await channel.ctx.tts.synthesize(request, signal);
  } catch (cause) {
    if (signal.aborted) return;
    throw new RcmlError(14103, `text to speech failed: ${(cause as Error).message}`, { cause });
  }
  if ((await playLooped(channel, uri, request.loop, signal)) === 'failed' && !channel.gone) {
    unplayable(channel, uri);
  }
}

export async function playOn(
  channel: AriChannel,
  request: PlayRequest,
  signal: AbortSignal,
): Promise<PlayOutcome> {
  const id = await channel.ready();
  if (id === null || signal.aborted) return { ok: true };
  let uri: string | null;
  if (/^https?:/i.test(request.url)) uri = await channel.ctx.media.resolve(request.url, signal);
  else uri = ARI_MEDIA.test(request.url) ? request.url : null;
  if (signal.aborted) return { ok: true };
  if (uri === null) return { ok: false, reason: 'media-unavailable' };
  if ((await playLooped(channel, uri, request.loop, signal)) === 'failed' && !channel.gone) {
    unplayable(channel, uri);
    return { ok: false, reason: 'media-unavailable' };
  }
  return { ok: true };
}

function unplayable(channel: AriChannel, uri: string): void {
  channel.ctx.logger.warn('Asterisk could not play the media; check that the Asterisk user can read it', {
    channel: channel.ariChannelId,
    media: uri,
  });
}
