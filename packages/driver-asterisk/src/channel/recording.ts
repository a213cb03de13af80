/**
 * `<Record>` over an ARI live recording. Asterisk is given the verb's limits (max duration,
 * max silence, a terminate key, the beep) as a safety net, but the engine decides when the
 * recording ends and calls `stop()`; the voice activity it needs comes from `TALK_DETECT`,
 * switched on when the call is answered (see `AriChannel`). Known behaviours:
 * - `RecordingStarted` may beat the 201, and comes before the beep has played;
 * - a recording nearly always ends as `RecordingFinished` `done` (also when silent or empty),
 *   and its `duration` is whole seconds rounded down: the engine measures time itself;
 * - `GET /recordings/stored/{name}` holds only `{name, format}`; the audio is
 *   `GET /recordings/stored/{name}/file`, which the driver hands to its recording store.
 */
import type { RecordingSession, RecordRequest } from '@rcml/core';
import { RcmlError } from '@rcml/core';
import { segment } from '../ari/query.js';
import { ariStatus } from '../ari/restClient.js';
import type { AriRecordingJson } from '../ari/types.js';
import type { AriChannel } from './ariChannel.js';
import { deferred, wait } from './context.js';

/** How long a stopped recording's `RecordingFinished` is awaited before the file is fetched. */
const FINISH_WAIT_MS = 5000;

/** ARI's `terminateOn` takes one of `none`, `any`, `*`, `#`: anything else stays with the engine. */
export function terminateOnFor(finishOnKey: string): string {
  if (finishOnKey === '') return 'none';
  if (finishOnKey === '#' || finishOnKey === '*') return finishOnKey;
  if (/^[0-9*#]+$/.test(finishOnKey) && finishOnKey.length >= 12) return 'any';
  return 'none';
}

/** A recording name ARI accepts as a file name. */
function recordingName(recordingSid: string): string {
  return recordingSid.replace(/[^A-Za-z0-9_-]/g, '_');
}

export async function startRecording(
  channel: AriChannel,
  request: RecordRequest,
  signal: AbortSignal,
): Promise<RecordingSession> {
  const id = await channel.ready();
  if (id === null) throw new RcmlError(14103, 'cannot record: the channel has hung up');
  const { ctx } = channel;
  const name = recordingName(request.recordingSid);
  await channel.mediaIdle();
  const started = deferred<void>();
  const finished = deferred<AriRecordingJson | null>();
  let isFinished = false;
  const off = ctx.router.onRecording(name, (event) => {
    if (event.type === 'RecordingStarted') started.resolve();
    else if (event.type === 'RecordingFinished' || event.type === 'RecordingFailed') {
      isFinished = true;
      started.resolve();
      finished.resolve(event.recording ?? null);
    }
  });
  void channel.whenGone.then(() => started.resolve());
  const live = `/recordings/live/${segment(name)}`;
  // After a WebSocket gap: a recording ARI no longer has live has finished.
  const unsync = channel.onResync(async () => {
    try {
      await ctx.rest.request('GET', live);
    } catch (error) {
      if (ariStatus(error) === 404) {
        isFinished = true;
        finished.resolve(null);
      }
    }
  });
  void finished.promise.then(() => {
    off();
    unsync();
  });

  const discard = () => {
    finished.resolve(null);
    void ctx.rest.request('DELETE', live).catch(() => undefined);
  };
  try {
    await channel.ari('POST', channel.path('/record'), {
      name,
      format: 'wav',
      maxDurationSeconds: Math.max(0, Math.floor(request.maxLength)),
      // Asterisk trims the silence that ends a recording on maxSilenceSeconds: with
      // trim="do-not-trim" it gets none, and the engine ends the recording on silence itself.
      maxSilenceSeconds: request.trim === 'do-not-trim' ? 0 : Math.max(0, Math.floor(request.timeout)),
      beep: request.playBeep,
      terminateOn: terminateOnFor(request.finishOnKey),
      ifExists: 'overwrite',
    });
  } catch (error) {
    off();
    throw error;
  }
  if (signal.aborted) discard();
  else signal.addEventListener('abort', discard, { once: true });
  await Promise.race([started.promise, finished.promise]);

  let result: Promise<{ url: string }> | null = null;
  return {
    stop() {
      result ??= finish();
      return result;
    },
  };

  async function finish(): Promise<{ url: string }> {
    signal.removeEventListener('abort', discard);
    if (!isFinished) {
      try {
        await ctx.rest.request('POST', `${live}/stop`);
      } catch (error) {
        // It ended by itself (terminate key, limit, hang-up) and its event is on the way:
        // 404 once Asterisk has forgotten it, 409 while it is still closing the file (the
        // terminate key and the engine's stop race). Either way the file is there.
        const status = ariStatus(error);
        if (status !== 404 && status !== 409) throw error;
      }
      // Asterisk closes the file and reports it; do not wait forever when that event is
      // lost (a WebSocket drop).
      const never = new AbortController().signal;
      await Promise.race([finished.promise, wait(ctx, FINISH_WAIT_MS, never)]);
    }
    await ctx.rest.request('GET', `/recordings/stored/${segment(name)}`);
    const file = await ctx.rest.request('GET', `/recordings/stored/${segment(name)}/file`, { raw: true });
    return { url: await ctx.recordings.save(name, file.bytes ?? new Uint8Array()) };
  }
}
