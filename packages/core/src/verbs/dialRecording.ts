/**
 * `<Dial record>` (spec 4.6, decisions "Dial recording"): the dial's recording through the
 * driver's optional `DialSession.record`. `record-from-answer[-dual]` starts when the answered
 * leg is bridged, `record-from-ringing[-dual]` when the dial starts; the recording stops when
 * the dial ends. The `RE…` SID is taken only when a recording actually starts, so a dial
 * without `record` (or never bridged, from-answer) takes no SID and changes nothing.
 */

import { ABORTED, childController, untilAborted } from '../call/abort.js';
import type { DialRecord } from '../document/ast.js';
import type { DialSession, RecordingSession } from '../ports.js';
import type { VerbScope } from './types.js';

/** The recording of one dial; inert for `do-not-record`. */
export interface DialRecording {
  /** Whether this mode records from the start of the dial (else from the bridge). */
  readonly fromRinging: boolean;
  /** Start recording now (at most once; later calls do nothing). */
  start(): void;
  /**
   * The dial is over: stop the recording and resolve with the `action` parameters
   * (`RecordingUrl`, `RecordingSid`, `RecordingDuration`), or none when the recording failed.
   * Rejects with the abandonment marker when `signal` fires. `null` when nothing was started:
   * the caller then goes on synchronously, exactly as a dial without `record`.
   */
  finish(endedAt: number, signal: AbortSignal): Promise<Record<string, string>> | null;
  /** The dial was abandoned (live change, engine end): discard the recording. */
  discard(): void;
}

/** The recording of a dial in `mode`, made through `session` (or a warning if it cannot). */
export function dialRecording(mode: DialRecord, session: DialSession, scope: VerbScope): DialRecording {
  const fromRinging = mode === 'record-from-ringing' || mode === 'record-from-ringing-dual';
  const dual = mode === 'record-from-answer-dual' || mode === 'record-from-ringing-dual';
  // The recording op has its own signal (made at start): aborting it discards the file.
  let op: ReturnType<typeof childController> | null = null;
  let started: Promise<RecordingSession> | null = null;
  // Stryker disable next-line StringLiteral: start() sets the SID before anything (fail, stop) can read it
  let recordingSid = '';
  let startedAt = 0;
  let failed = false;
  const fail = () => {
    if (failed) return;
    failed = true;
    scope.notice(14103, `Dial: the driver could not record ${recordingSid}`);
  };

  async function stop(
    recording: Promise<RecordingSession>,
    endedAt: number,
    signal: AbortSignal,
  ): Promise<Record<string, string>> {
    try {
      const mediaUrl = (await untilAborted((await untilAborted(recording, signal)).stop(), signal)).url;
      const duration = Math.floor(Math.max(0, endedAt - startedAt) / 1000);
      const url = scope.recorded({
        sid: recordingSid,
        source: 'DialVerb',
        channels: dual ? 2 : 1,
        startTime: startedAt,
        duration,
        mediaUrl,
      });
      return { RecordingUrl: url, RecordingSid: recordingSid, RecordingDuration: String(duration) };
    } catch (error) {
      if (signal.aborted) throw error;
      fail();
      return {};
    } finally {
      // Stryker disable next-line OptionalChaining: stop() runs only for a started recording, and start() sets op before started
      op?.dispose();
    }
  }

  return {
    fromRinging,
    start() {
      if (mode === 'do-not-record' || started !== null || failed) return;
      if (session.record === undefined) {
        // Marked as failed so the warning is given once; no SID is taken for nothing.
        // Stryker disable next-line BooleanLiteral: start() runs once per dial (at its start, or at its single bridge)
        failed = true;
        scope.notice(14105, `Dial: record="${mode}" but the media driver cannot record a dial`, 'warning');
        return;
      }
      recordingSid = scope.nextSid('RE');
      startedAt = scope.clock.now();
      const own = childController(scope.signal);
      op = own;
      try {
        started = session.record({ recordingSid, fromRinging, dual }, own.controller.signal);
      } catch (error) {
        started = Promise.reject(error);
      }
      // A start failure is reported when it happens, not only at the end of the dial.
      started.catch(() => {
        if (!own.controller.signal.aborted) fail();
      });
    },
    finish(endedAt, signal) {
      if (started === null) return null;
      return stop(started, endedAt, signal);
    },
    discard() {
      op?.controller.abort(ABORTED);
      op?.dispose();
    },
  };
}
