/**
 * The default recording store of a server: one WAV file per recording in a folder
 * (`<folder>/<RecordingSid>.wav`).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingStore } from '@rcml/core';

const SID = /^RE[0-9a-fA-F]{32}$/;

function fileOf(folder: string, sid: string): string {
  // Only SIDs name files: nothing from outside can point the store elsewhere.
  if (!SID.test(sid)) throw new Error(`not a recording SID: ${sid.slice(0, 40)}`);
  return join(folder, `${sid}.wav`);
}

/** A store keeping each recording as `<folder>/<RecordingSid>.wav` (the folder is created). */
export function createFolderRecordingStore(folder: string): RecordingStore {
  let made: Promise<unknown> | null = null;
  return {
    async save(sid, wav) {
      made ??= mkdir(folder, { recursive: true });
      await made;
      await writeFile(fileOf(folder, sid), wav);
    },
    async load(sid) {
      if (!SID.test(sid)) return undefined;
      try {
        return new Uint8Array(await readFile(fileOf(folder, sid)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async remove(sid) {
      if (!SID.test(sid)) return;
      await rm(fileOf(folder, sid), { force: true });
    },
  };
}
