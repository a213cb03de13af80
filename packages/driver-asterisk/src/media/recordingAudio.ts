/**
 * `MediaDriver.recordingAudio`: the WAV of a recording the driver made, for the Recordings
 * resource's media. Every recording is kept under its SID as a safe file name (`<Record>`,
 * `<Dial record>`, a conference's `record`): first from the driver's recording store when it
 * can read back (the default folder store can), else from Asterisk's own copy,
 * `GET /recordings/stored/{name}/file` (a `<Dial record>` in parts has its first part there,
 * so the store is asked first).
 */
import type { RecordingRef } from '@rcml/core';
import { RcmlError } from '@rcml/core';
import { segment } from '../ari/query.js';
import { ariStatus } from '../ari/restClient.js';
import type { DriverContext } from '../channel/context.js';
import { dialRecordingName } from '../dial/dialRecording.js';

/** The recording's WAV; rejects (14103) when neither the store nor Asterisk has it. */
export async function recordingAudio(ctx: DriverContext, recording: RecordingRef): Promise<Uint8Array> {
  const name = dialRecordingName(recording.recordingSid);
  const kept = await ctx.recordings.load?.(name);
  if (kept !== undefined) return kept;
  try {
    const file = await ctx.rest.request('GET', `/recordings/stored/${segment(name)}/file`, { raw: true });
    return file.bytes ?? new Uint8Array();
  } catch (error) {
    if (ariStatus(error) === 404) {
      throw new RcmlError(14103, `recording ${recording.recordingSid}: Asterisk has no file of that name`);
    }
    throw error;
  }
}
