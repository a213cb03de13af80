/**
 * The recordings registry on its own (what the Recordings resource shows): which recordings
 * are kept and listed, where their audio comes from (the store, else the media driver), and
 * what deleting one does.
 */
import { describe, expect, it } from 'vitest';
import type { Logger, MediaDriver, RecordingStore } from '../../src/ports.js';
import {
  createMemoryRecordingStore,
  createRecordings,
  type RecordingMade,
  type RecordingsOptions,
} from '../../src/recordings/recordings.js';

const WAV_A = new Uint8Array([1, 2, 3]);
const WAV_B = new Uint8Array([9, 9]);

interface Warning {
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

function recordingLogger(): { logger: Logger; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn(message, fields) {
      warnings.push({ message, fields });
    },
    error() {},
  };
  return { logger, warnings };
}

/** A driver that only knows how to hand out recording audio (or not at all). */
function audioDriver(
  recordingAudio?: (ref: { recordingSid: string; url: string }) => Promise<Uint8Array>,
): MediaDriver {
  return (recordingAudio === undefined ? {} : { recordingAudio }) as unknown as MediaDriver;
}

/** A store that remembers what it was asked to save. */
function spyStore(): { store: RecordingStore; saved: Array<[string, unknown]> } {
  const inner = createMemoryRecordingStore();
  const saved: Array<[string, unknown]> = [];
  return {
    saved,
    store: {
      async save(sid, audio) {
        saved.push([sid, audio]);
        await inner.save(sid, audio);
      },
      load: (sid) => inner.load(sid),
      remove: (sid) => inner.remove(sid),
    },
  };
}

function made(sid: string, extra: Partial<RecordingMade> = {}): RecordingMade {
  return {
    sid,
    accountSid: 'AC1',
    callSid: 'CA1',
    source: 'RecordVerb',
    channels: 1,
    startTime: 0,
    duration: 3,
    mediaUrl: `file:///rec/${sid}.wav`,
    ...extra,
  };
}

function registry(options: Partial<RecordingsOptions> = {}) {
  const { logger, warnings } = recordingLogger();
  const recordings = createRecordings({ driver: audioDriver(), logger, now: () => 1000, ...options });
  return { recordings, warnings };
}

/** Let the background copy into the store finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('which recordings are kept', () => {
  it('keeps 10,000 recordings by default and forgets the oldest beyond that', () => {
    const { recordings } = registry();
    for (let i = 0; i <= 10_000; i++) recordings.made(made(`RE${i}`));
    expect(recordings.get('RE0')).toBeUndefined();
    expect(recordings.get('RE1')).toBeDefined();
    expect(recordings.list().total).toBe(10_000);
  });

  it('keeps exactly as many recordings as it is told to retain', () => {
    const { recordings } = registry({ retain: 2 });
    recordings.made(made('RE1'));
    recordings.made(made('RE2'));
    expect(recordings.list().total).toBe(2);
    recordings.made(made('RE3'));
    expect(recordings.get('RE1')).toBeUndefined();
    expect(recordings.list().recordings.map((r) => r.sid)).toEqual(['RE3', 'RE2']);
  });

  it('gives no audio for a forgotten recording even though the store still has it', async () => {
    const store = createMemoryRecordingStore();
    const { recordings, warnings } = registry({ retain: 1, store, driver: audioDriver(async () => WAV_A) });
    recordings.made(made('RE1'));
    await settle();
    recordings.made(made('RE2'));
    expect(await store.load('RE1')).toEqual(WAV_A);
    expect(await recordings.audio('RE1')).toBeNull();
    expect(warnings).toEqual([]);
  });
});

describe('listing recordings', () => {
  it('lists newest first, filtered by account, call and conference', () => {
    const { recordings } = registry();
    recordings.made(made('RE1'));
    recordings.made(made('RE2', { accountSid: 'AC2' }));
    recordings.made(made('RE3', { callSid: 'CA2', conferenceSid: 'CF1', source: 'Conference' }));
    recordings.made(made('RE4'));
    expect(recordings.list().recordings.map((r) => r.sid)).toEqual(['RE4', 'RE3', 'RE2', 'RE1']);
    expect(recordings.list({ accountSid: 'AC2' }).recordings.map((r) => r.sid)).toEqual(['RE2']);
    expect(recordings.list({ accountSid: 'AC1' }).recordings.map((r) => r.sid)).toEqual([
      'RE4',
      'RE3',
      'RE1',
    ]);
    expect(recordings.list({ callSid: 'CA2' }).recordings.map((r) => r.sid)).toEqual(['RE3']);
    expect(recordings.list({ conferenceSid: 'CF1' }).recordings.map((r) => r.sid)).toEqual(['RE3']);
  });

  it('returns the page asked for and the total of the whole list', () => {
    const { recordings } = registry();
    for (let i = 1; i <= 5; i++) recordings.made(made(`RE${i}`));
    const page = recordings.list({ page: 1, pageSize: 2 });
    expect(page.recordings.map((r) => r.sid)).toEqual(['RE3', 'RE2']);
    expect(page).toMatchObject({ page: 1, pageSize: 2, total: 5 });
    expect(recordings.list({ page: 2, pageSize: 2 }).recordings.map((r) => r.sid)).toEqual(['RE1']);
  });
});

describe('copying audio into the store', () => {
  it('copies the driver audio of a finished recording into the store', async () => {
    const { store, saved } = spyStore();
    const { recordings } = registry({ store, driver: audioDriver(async () => WAV_A) });
    recordings.made(made('RE1'));
    await settle();
    expect(saved).toEqual([['RE1', WAV_A]]);
  });

  it('stores nothing when the driver has no audio for the recording', async () => {
    const { store, saved } = spyStore();
    const { recordings, warnings } = registry({
      store,
      driver: audioDriver(async () => null as unknown as Uint8Array),
    });
    recordings.made(made('RE1'));
    await settle();
    expect(saved).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('copies nothing and warns of nothing without a store', async () => {
    const { recordings, warnings } = registry({ driver: audioDriver(async () => WAV_A) });
    recordings.made(made('RE1'));
    await settle();
    expect(warnings).toEqual([]);
    expect(await recordings.audio('RE1')).toEqual(WAV_A);
  });

  it('warns, naming the recording, when its audio cannot be stored', async () => {
    const error = new Error('disk full');
    const { recordings, warnings } = registry({
      store: createMemoryRecordingStore(),
      driver: audioDriver(async () => {
        throw error;
      }),
    });
    recordings.made(made('RE1'));
    await settle();
    expect(warnings).toEqual([
      { message: 'recording audio could not be stored', fields: { recordingSid: 'RE1', error } },
    ]);
  });
});

describe('reading a recording audio', () => {
  it('prefers the audio in the store to asking the driver', async () => {
    const store = createMemoryRecordingStore();
    await store.save('RE1', WAV_B);
    const { recordings } = registry({ store });
    recordings.made(made('RE1'));
    expect(await recordings.audio('RE1')).toEqual(WAV_B);
  });

  it('asks the driver when the store has no audio for the recording', async () => {
    const store = createMemoryRecordingStore();
    const { recordings } = registry({ store, driver: audioDriver(async () => WAV_A) });
    recordings.made(made('RE1'));
    await settle();
    await store.remove('RE1');
    expect(await recordings.audio('RE1')).toEqual(WAV_A);
  });

  it('gives null, silently, when neither a store nor the driver has audio', async () => {
    const { recordings, warnings } = registry();
    recordings.made(made('RE1'));
    expect(await recordings.audio('RE1')).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('gives null, silently, for an unknown recording', async () => {
    const { recordings, warnings } = registry({ driver: audioDriver(async () => WAV_A) });
    expect(await recordings.audio('RE404')).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('gives null and warns, naming the recording, when the driver fails to read it', async () => {
    const error = new Error('gone');
    const { recordings, warnings } = registry({
      driver: audioDriver(async () => {
        throw error;
      }),
    });
    recordings.made(made('RE1'));
    expect(await recordings.audio('RE1')).toBeNull();
    expect(warnings).toEqual([
      {
        message: 'recording audio could not be read from the driver',
        fields: { recordingSid: 'RE1', error },
      },
    ]);
  });
});

describe('deleting a recording', () => {
  it('forgets the recording and deletes its audio from the store', async () => {
    const store = createMemoryRecordingStore();
    const { recordings } = registry({ store, driver: audioDriver(async () => WAV_A) });
    recordings.made(made('RE1'));
    expect(await recordings.remove('RE1')).toBe(true);
    expect(recordings.get('RE1')).toBeUndefined();
    expect(await store.load('RE1')).toBeUndefined();
  });

  it('deletes a recording when there is no store', async () => {
    const { recordings } = registry();
    recordings.made(made('RE1'));
    expect(await recordings.remove('RE1')).toBe(true);
    expect(recordings.list().total).toBe(0);
  });

  it('answers false for an unknown recording and leaves the store alone', async () => {
    const store = createMemoryRecordingStore();
    await store.save('RE9', WAV_B);
    const { recordings } = registry({ store });
    expect(await recordings.remove('RE9')).toBe(false);
    expect(await store.load('RE9')).toEqual(WAV_B);
  });
});

describe('the memory recording store', () => {
  it('keeps, gives back and deletes audio by recording SID', async () => {
    const store = createMemoryRecordingStore();
    expect(await store.load('RE1')).toBeUndefined();
    await store.save('RE1', WAV_A);
    await store.save('RE2', WAV_B);
    expect(await store.load('RE1')).toEqual(WAV_A);
    await store.remove('RE1');
    expect(await store.load('RE1')).toBeUndefined();
    expect(await store.load('RE2')).toEqual(WAV_B);
  });
});
