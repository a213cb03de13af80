/**
 * What every channel of one driver shares: the ARI clients, the event router, time, media
 * and options. Passed explicitly (no module-level state), one per driver.
 */
import type { Logger } from '@rcml/core';
import type { EventRouter } from '../ari/eventRouter.js';
import type { AriRestClient } from '../ari/restClient.js';
import type { ConferenceRooms } from '../dial/conference.js';
import type { MediaCache } from '../media/mediaCache.js';
import type { RecordingStore } from '../media/recordingStore.js';
import type { TtsPort } from '../media/tts.js';
import type { ResolvedOptions } from '../options.js';

export interface DriverContext {
  readonly rest: AriRestClient;
  readonly router: EventRouter;
  readonly options: ResolvedOptions;
  readonly logger: Logger;
  readonly tts: TtsPort;
  readonly media: MediaCache;
  readonly conferences: ConferenceRooms;
  readonly recordings: RecordingStore;
  /** A fresh id for playbacks and bridges. */
  newId(): string;
}

/** A promise with its resolve function outside. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolve after `ms` on the driver's clock, or at once when `signal` aborts. */
export function wait(ctx: DriverContext, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      ctx.options.clock.clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = ctx.options.clock.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
