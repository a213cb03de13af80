/**
 * The recordings the engine made (`<Record>`, `<Dial record>`, `Record=true`, a conference's
 * `record`): their metadata for the Recordings resource, and their audio, kept in the
 * embedding server's {@link RecordingStore} when it has one, else asked of the media driver.
 */

import { checkPaging } from '../engine/paging.js';
import type { Logger, MediaDriver, RecordingStore } from '../ports.js';

/** Where a recording comes from (`RecordingSource` / the resource's `source`). */
export type RecordingSource = 'RecordVerb' | 'DialVerb' | 'OutboundAPI' | 'Conference';

/** What a verb (or the call) tells the engine when one of its recordings is complete. */
export interface RecordingMade {
  readonly sid: string;
  readonly accountSid: string;
  /** The call (or, for a conference, the call that started the recording). */
  readonly callSid: string;
  readonly conferenceSid?: string | null;
  readonly source: RecordingSource;
  readonly channels: 1 | 2;
  /** Epoch ms the recording started. */
  readonly startTime: number;
  /** Whole seconds. */
  readonly duration: number;
  /** Where the media driver said the file is. */
  readonly mediaUrl: string;
}

/** One recording as the Recordings resource shows it. */
export interface RecordingRecord extends RecordingMade {
  readonly conferenceSid: string | null;
  readonly status: 'completed';
  /** Epoch ms it was registered (the end of the recording). */
  readonly dateUpdated: number;
  /** The URL given to the application (`RecordingUrl`). */
  readonly url: string;
}

/** Which recordings `Recordings.list` returns. */
export interface RecordingFilter {
  readonly accountSid?: string;
  readonly callSid?: string;
  readonly conferenceSid?: string;
  /** Default 50, at most 1000. */
  readonly pageSize?: number;
  /** From 0. */
  readonly page?: number;
}

/** One page of recordings, newest first. */
export interface RecordingPage {
  readonly recordings: readonly RecordingRecord[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
}

/** The engine's recordings (`engine.recordings`). */
export interface Recordings {
  /** The recording with this SID, or undefined (deleted or never made). */
  get(sid: string): RecordingRecord | undefined;
  /** Newest first. */
  list(filter?: RecordingFilter): RecordingPage;
  /** Forget the recording and delete its audio; false when unknown. */
  remove(sid: string): Promise<boolean>;
  /**
   * The recording's audio as a WAV file, from the store (or the driver); null when the
   * recording is unknown or its audio cannot be had.
   */
  audio(sid: string): Promise<Uint8Array | null>;
}

/** How the registry is built by the engine. */
export interface RecordingsOptions {
  readonly driver: MediaDriver;
  readonly store?: RecordingStore | undefined;
  readonly logger: Logger;
  readonly now: () => number;
  /** The `RecordingUrl` to give out; default: the driver's URL. */
  readonly url?: ((recording: { readonly sid: string; readonly accountSid: string }) => string) | undefined;
  /** Recordings kept (default 10,000; the oldest are forgotten, their audio stays in the store). */
  readonly retain?: number;
}

/** The registry the engine keeps; `made` is what the calls report into. */
export interface RecordingRegistry extends Recordings {
  /** A recording is complete: register it, copy its audio into the store; returns its `RecordingUrl`. */
  made(recording: RecordingMade): string;
}

/** Create the registry. */
export function createRecordings(options: RecordingsOptions): RecordingRegistry {
  const bySid = new Map<string, RecordingRecord>();
  /** Audio copies into the store still running, by SID. */
  const saving = new Map<string, Promise<void>>();
  const retain = options.retain ?? 10_000;
  const { driver, store, logger } = options;

  async function fromDriver(record: RecordingRecord): Promise<Uint8Array | null> {
    if (driver.recordingAudio === undefined) return null;
    return driver.recordingAudio({ recordingSid: record.sid, url: record.mediaUrl });
  }

  function copy(record: RecordingRecord): void {
    if (store === undefined) return;
    const done = fromDriver(record)
      .then((audio) => (audio === null ? undefined : store.save(record.sid, audio)))
      .catch((error: unknown) => {
        logger.warn('recording audio could not be stored', { recordingSid: record.sid, error });
      })
      .finally(
        // Stryker disable next-line ArrowFunction: an entry left behind is a settled promise; awaiting it in remove/audio gives the same result
        () => saving.delete(record.sid),
      );
    saving.set(record.sid, done);
  }

  return {
    made(recording) {
      const url =
        options.url?.({ sid: recording.sid, accountSid: recording.accountSid }) ?? recording.mediaUrl;
      const record: RecordingRecord = {
        ...recording,
        conferenceSid: recording.conferenceSid ?? null,
        status: 'completed',
        dateUpdated: options.now(),
        url,
      };
      bySid.set(record.sid, record);
      while (bySid.size > retain) {
        const oldest = bySid.keys().next().value as string;
        bySid.delete(oldest);
      }
      copy(record);
      return url;
    },
    get(sid) {
      return bySid.get(sid);
    },
    list(filter = {}) {
      const { page, pageSize } = checkPaging(filter);
      const all = [...bySid.values()]
        .filter(
          (r) =>
            (filter.accountSid === undefined || r.accountSid === filter.accountSid) &&
            (filter.callSid === undefined || r.callSid === filter.callSid) &&
            (filter.conferenceSid === undefined || r.conferenceSid === filter.conferenceSid),
        )
        .reverse();
      const start = page * pageSize;
      return { recordings: all.slice(start, start + pageSize), page, pageSize, total: all.length };
    },
    async remove(sid) {
      const record = bySid.get(sid);
      if (record === undefined) return false;
      bySid.delete(sid);
      await saving.get(sid);
      if (store !== undefined) await store.remove(sid);
      return true;
    },
    async audio(sid) {
      const record = bySid.get(sid);
      if (record === undefined) return null;
      await saving.get(sid);
      if (store !== undefined) {
        const stored = await store.load(sid);
        if (stored !== undefined) return stored;
      }
      try {
        return await fromDriver(record);
      } catch (error) {
        logger.warn('recording audio could not be read from the driver', { recordingSid: sid, error });
        return null;
      }
    },
  };
}

/** A store in memory (tests, embedding without disk). */
export function createMemoryRecordingStore(): RecordingStore {
  const files = new Map<string, Uint8Array>();
  return {
    async save(sid, audio) {
      files.set(sid, audio);
    },
    async load(sid) {
      return files.get(sid);
    },
    async remove(sid) {
      files.delete(sid);
    },
  };
}
