/**
 * Where finished recordings go. ARI keeps recordings in Asterisk's own directory, which the
 * application's web server usually cannot reach, so the driver downloads each file through
 * ARI (`GET /recordings/stored/{name}/file`) and hands it to a store that says at which URL
 * it can be fetched (`RecordingUrl`). The default store writes to a local directory.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Keeps a finished recording and says where it can be fetched. */
export interface RecordingStore {
  /** `name` is a safe file name without extension; resolves with the recording's URL. */
  save(name: string, audio: Uint8Array): Promise<string>;
  /**
   * The audio saved under `name`, or undefined when the store has none. Optional: without it
   * the driver's `recordingAudio` asks Asterisk for its own copy.
   */
  load?(name: string): Promise<Uint8Array | undefined>;
}

/**
 * Write `<dir>/<name>.wav`; the URL is `<baseUrl>/<name>.wav`, or a `file://` URL when no
 * base URL is configured.
 */
export function createFileRecordingStore(dir: string, baseUrl: string | null): RecordingStore {
  return {
    async save(name, audio) {
      await mkdir(dir, { recursive: true });
      const local = join(dir, `${name}.wav`);
      await writeFile(local, audio);
      return baseUrl === null
        ? pathToFileURL(local).toString()
        : `${baseUrl}/${encodeURIComponent(name)}.wav`;
    },
    async load(name) {
      try {
        return new Uint8Array(await readFile(join(dir, `${name}.wav`)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}
