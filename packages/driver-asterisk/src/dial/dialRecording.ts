/**
 * `<Dial record>` over ARI live recordings (the engine's `DialSession.record`).
 * - from the answer: `POST /bridges/{bridgeId}/record` once the caller and the answered leg
 *   are in their mixing bridge;
 * - from ringing: `POST /channels/{caller}/record` from the start of the dial. Asterisk cannot
 *   record a channel that is in a bridge, so at the bridge that part is stopped and the bridge
 *   is recorded from then on; the parts are joined into one file when the dial ends.
 * Each part ends with `POST /recordings/live/{name}/stop`; the files are downloaded through
 * ARI and handed to the driver's recording store, as for `<Record>`, under the RecordingSid.
 * Asterisk mixes a bridge into one channel: `…-dual` modes give a mono file (documented).
 */
import { RcmlError, type RecordingSession } from '@rcml/core';
import { segment } from '../ari/query.js';
import { ariStatus } from '../ari/restClient.js';
import { type DriverContext, deferred, wait } from '../channel/context.js';
import { pcmWavTo8kMono } from '../media/pcm.js';
import { wavFile } from '../media/wavFile.js';

/** One ARI live recording of a channel or a bridge. */
interface LivePart {
  readonly name: string;
  /** Stop it and wait (bounded) for Asterisk to close the file. */
  stop(): Promise<void>;
  /** Cancel it: Asterisk deletes the file. */
  discard(): void;
}

/** A recording name ARI accepts as a file name. */
export function dialRecordingName(recordingSid: string): string {
  return recordingSid.replace(/[^A-Za-z0-9_-]/g, '_');
}

async function startPart(ctx: DriverContext, target: string, name: string): Promise<LivePart> {
  const finished = deferred<void>();
  const off = ctx.router.onRecording(name, (event) => {
    if (event.type === 'RecordingFinished' || event.type === 'RecordingFailed') finished.resolve();
  });
  try {
    await ctx.rest.request('POST', `${target}/record`, {
      query: {
        name,
        format: 'wav',
        maxDurationSeconds: 0,
        maxSilenceSeconds: 0,
        beep: false,
        terminateOn: 'none',
        ifExists: 'overwrite',
      },
    });
  } catch (error) {
    off();
    throw error;
  }
  const live = `/recordings/live/${segment(name)}`;
  let stopping: Promise<void> | null = null;
  return {
    name,
    stop() {
      stopping ??= (async () => {
        try {
          await ctx.rest.request('POST', `${live}/stop`);
        } catch (error) {
          // 404: it already ended (the bridge or the channel went); its file is there.
          if (ariStatus(error) !== 404) {
            off();
            throw error;
          }
        }
        // Asterisk reports the closed file; do not wait forever when that event is lost.
        const never = new AbortController().signal;
        await Promise.race([finished.promise, wait(ctx, 5000, never)]);
        off();
      })();
      return stopping;
    },
    discard() {
      off();
      void ctx.rest.request('DELETE', live).catch(() => undefined);
    },
  };
}

/** The recording of one dial: its parts in order, joined at the end. */
export class DialRecorder {
  private readonly parts: LivePart[] = [];
  /** Operations run one after another (a bridge switch may race the engine's stop). */
  private chain: Promise<void> = Promise.resolve();
  private discarded = false;
  private result: Promise<{ url: string }> | null = null;

  constructor(
    private readonly ctx: DriverContext,
    private readonly name: string,
  ) {}

  private run<T>(step: () => Promise<T>): Promise<T> {
    const next = this.chain.then(step);
    this.chain = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  /** Record `target` (`/channels/{id}` or `/bridges/{id}`) as the next part. */
  add(target: string): Promise<void> {
    return this.run(async () => {
      if (this.discarded || this.result !== null) return;
      const name = this.parts.length === 0 ? this.name : `${this.name}-${this.parts.length + 1}`;
      const part = await startPart(this.ctx, target, name);
      this.parts.push(part);
      // Discarded while Asterisk was starting it: it goes too.
      if (this.discarded) part.discard();
    });
  }

  /** Stop the current part (before its channel enters a bridge). */
  pause(): Promise<void> {
    return this.run(async () => {
      await this.parts.at(-1)?.stop();
    });
  }

  /** The engine's session: `stop` ends the recording and stores the file. */
  session(): RecordingSession {
    return { stop: () => (this.result ??= this.run(() => this.finish())) };
  }

  discard(): void {
    this.discarded = true;
    for (const part of this.parts) part.discard();
  }

  private async finish(): Promise<{ url: string }> {
    if (this.parts.length === 0) throw new RcmlError(14103, 'Dial recording: nothing was recorded');
    for (const part of this.parts) await part.stop();
    const files: Uint8Array[] = [];
    for (const part of this.parts) {
      const path = `/recordings/stored/${segment(part.name)}/file`;
      files.push((await this.ctx.rest.request('GET', path, { raw: true })).bytes ?? new Uint8Array());
    }
    return { url: await this.ctx.recordings.save(this.name, join(files)) };
  }
}

/** One wav of the parts one after another (8 kHz mono, the format Asterisk records). */
function join(files: readonly Uint8Array[]): Uint8Array {
  if (files.length === 1) return files[0]!;
  const samples: Buffer[] = [];
  for (const file of files) {
    // The converter returns a whole wav: keep its samples, after the 44-byte header.
    const wav = pcmWavTo8kMono(file);
    if (wav !== null) samples.push(wav.subarray(44));
  }
  return wavFile(Buffer.concat(samples));
}

/** The `RecordingSession` rejection when the dial can no longer be recorded. */
export function notRecordable(reason: string): RcmlError {
  return new RcmlError(14103, `Dial recording: ${reason}`);
}
