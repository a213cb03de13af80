/**
 * `<Record>` (spec 4.5). The recording starts when the driver says so (after the beep) and
 * ends on silence (`timeout` seconds from the start or the end of the last voice activity),
 * a finish key, `maxLength`, or hang-up. A recording with no voice at all requests nothing.
 * `recordingStatusCallback` is issued before the `action` request.
 */

import { ABORTED, childController, untilAborted } from '../call/abort.js';
import type { RecordVerb } from '../document/ast.js';
import type { TimerId } from '../ports.js';
import { fetchOutcome, NEXT, type VerbOutcome, type VerbScope } from './types.js';

type End =
  | { readonly by: 'silence' | 'maxLength' }
  | { readonly by: 'key' | 'hangup'; readonly digits: string };

export async function executeRecord(verb: RecordVerb, scope: VerbScope): Promise<VerbOutcome> {
  await scope.answer();
  const { signal } = scope;
  const recordingSid = scope.nextSid('RE');
  // The record operation has its own signal: aborting it discards the recording.
  const op = childController(signal);
  let voiced = false;
  let talking = scope.voiceActive;
  let started = false;
  let silenceTimer: TimerId | null = null;
  let maxTimer: TimerId | null = null;
  let ended: End | null = null;
  let resolveEnd!: (end: End) => void;
  const finished = new Promise<End>((resolve) => {
    resolveEnd = resolve;
  });
  const clearTimers = () => {
    // Stryker disable next-line ConditionalExpression: clearing a null timer does nothing (the Clock port's clearTimeout ignores unknown ids)
    if (silenceTimer !== null) scope.clearTimer(silenceTimer);
    // Stryker disable next-line ConditionalExpression: as above
    if (maxTimer !== null) scope.clearTimer(maxTimer);
    silenceTimer = maxTimer = null;
  };
  const end = (how: End) => {
    // Stryker disable next-line ConditionalExpression: a second end finds no timer left, resolving a settled promise does nothing, and `ended` is read again only before the recording starts, where every end is a hang-up
    if (ended !== null) return;
    ended = how;
    clearTimers();
    resolveEnd(how);
  };
  const armSilence = () => {
    // Stryker disable next-line ConditionalExpression: clearing a null timer does nothing
    if (silenceTimer !== null) scope.clearTimer(silenceTimer);
    silenceTimer = null;
    if (verb.timeout <= 0 || !started || talking) return;
    // Stryker disable next-line ObjectLiteral,StringLiteral: how.by is only compared with 'key' and 'hangup'; silence and maxLength ends are handled alike
    silenceTimer = scope.setTimer(() => end({ by: 'silence' }), verb.timeout * 1000);
  };

  scope.listen({
    dtmf(digit) {
      if (started && verb.finishOnKey.includes(digit)) end({ by: 'key', digits: digit });
    },
    voice(active) {
      talking = active;
      if (active && started) voiced = true;
      armSilence();
    },
    hangup() {
      end({ by: 'hangup', digits: 'hangup' });
    },
  });

  let startedAt = 0;
  let stoppedAt = 0;
  try {
    const session = await untilAborted(
      scope.channel.record(
        {
          maxLength: verb.maxLength,
          timeout: verb.timeout,
          finishOnKey: verb.finishOnKey,
          playBeep: verb.playBeep,
          trim: verb.trim,
          recordingSid,
        },
        op.controller.signal,
      ),
      signal,
    );
    started = true;
    startedAt = scope.clock.now();
    // Talking when the recording starts counts as voice (the silence timer waits for its end).
    if (talking) voiced = true;
    armSilence();
    // Stryker disable next-line ConditionalExpression,ObjectLiteral,StringLiteral: when already ended (a hang-up) the finally clears the timer before it can fire; how.by is only compared with 'key' and 'hangup'
    if (ended === null) maxTimer = scope.setTimer(() => end({ by: 'maxLength' }), verb.maxLength * 1000);
    const how = await untilAborted(finished, signal);
    stoppedAt = scope.clock.now();
    if (!voiced) {
      op.controller.abort(ABORTED);
      return NEXT;
    }
    const duration = String(Math.floor((stoppedAt - startedAt) / 1000));
    let url = '';
    try {
      const mediaUrl = (await untilAborted(session.stop(), signal)).url;
      url = scope.recorded({
        sid: recordingSid,
        source: 'RecordVerb',
        channels: 1,
        startTime: startedAt,
        duration: Number(duration),
        mediaUrl,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      scope.notice(14103, `Record: the driver could not stop recording ${recordingSid}`);
    }
    if (verb.recordingStatusCallback !== null) {
      const target = scope.resolveUrl(verb.recordingStatusCallback);
      if (target === null) {
        scope.notice(
          13601,
          `Record: recordingStatusCallback "${verb.recordingStatusCallback}" is not http(s)`,
        );
      } else {
        scope.notify(target, verb.recordingStatusCallbackMethod, {
          AccountSid: scope.call.accountSid,
          CallSid: scope.call.sid,
          RecordingSid: recordingSid,
          RecordingUrl: url,
          RecordingStatus: 'completed',
          RecordingDuration: duration,
          RecordingChannels: '1',
          RecordingSource: 'RecordVerb',
        });
      }
    }
    const params: Record<string, string> = {
      RecordingUrl: url,
      RecordingSid: recordingSid,
      RecordingDuration: duration,
    };
    if (how.by === 'key' || how.by === 'hangup') params.Digits = how.digits;
    return fetchOutcome(scope, verb.action, verb.method, params);
  } finally {
    clearTimers();
    op.dispose();
  }
}
