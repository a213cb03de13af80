/**
 * `<Dial>` (spec 4.6): ring up to `maxDialTargets` targets at once, bridge the first to
 * answer, cancel the rest. Each target is a child leg with its own SID (taken in document
 * order), `Direction=outbound-dial`, `ParentCallSid` and status callbacks. The dial ends when
 * a party hangs up, `timeLimit` passes, `*` with `hangupOnStar`, or nobody answers within
 * `timeout`. With `action`, `DialCallStatus`/`DialCallSid`/`DialCallDuration` are requested,
 * plus `RecordingUrl`/`RecordingSid`/`RecordingDuration` when `record` recorded (dialRecording.ts).
 */

import { ABORTED, childController, fireAndForget, untilAborted } from '../call/abort.js';
import type { DialVerb } from '../document/ast.js';
import type { FinalStatus } from '../engine/types.js';
import type { Channel, ChannelHandler, DialSession, TimerId } from '../ports.js';
import { dialRecording } from './dialRecording.js';
import { dialTarget } from './dialTargets.js';
import { type DialLegHandle, fetchOutcome, NEXT, type VerbOutcome, type VerbScope } from './types.js';

type LegState = 'ringing' | 'answered' | 'ended';

function ignore(): void {}

/** The handler a leg keeps once its dial is over. */
const IGNORE: ChannelHandler = {
  ringing: ignore,
  answered: ignore,
  detected: ignore,
  busy: ignore,
  failed: ignore,
  dtmf: ignore,
  voice: ignore,
  speech: ignore,
  hangup: ignore,
};

/** How the dial as a whole ended. */
type DialEnd = 'bridge-ended' | 'unanswered' | 'caller-hangup';

export async function executeDial(verb: DialVerb, scope: VerbScope): Promise<VerbOutcome> {
  await scope.answer();
  const { signal, call } = scope;
  let nouns = verb.nouns;
  if (nouns.length > scope.limits.maxDialTargets) {
    scope.notice(
      13201,
      `Dial: ${nouns.length} targets, only the first ${scope.limits.maxDialTargets} are dialled`,
      'warning',
    );
    nouns = nouns.slice(0, scope.limits.maxDialTargets);
  }
  if (nouns.length === 0) return NEXT;
  const callerId = verb.callerId ?? call.from;
  const targets = nouns.map((noun) => dialTarget(noun, scope.nextSid('CA')));
  const handles: DialLegHandle[] = targets.map((target, i) => {
    const noun = nouns[i]!;
    const leg = noun.kind === 'Conference' ? null : noun;
    return scope.createLeg({
      sid: target.callSid,
      to: target.to,
      from: callerId,
      statusCallback: leg?.statusCallback == null ? null : scope.resolveUrl(leg.statusCallback),
      statusCallbackMethod: leg?.statusCallbackMethod ?? 'POST',
      statusCallbackEvent: leg?.statusCallbackEvent ?? [],
    });
  });
  const states: LegState[] = targets.map(() => 'ringing');
  const finals: (FinalStatus | null)[] = targets.map(() => null);

  // The driver keeps its listener on the dial's signal: a child, detached when the dial ends.
  const dialSignal = childController(signal);
  let session: DialSession;
  try {
    session = scope.channel.dial(
      {
        targets,
        timeout: verb.timeout,
        timeLimit: verb.timeLimit,
        callerId,
        hangupOnStar: verb.hangupOnStar,
        record: verb.record,
      },
      dialSignal.controller.signal,
    );
  } catch (error) {
    // The driver could not dial at all: the legs end failed, none stays alive.
    dialSignal.dispose();
    for (const handle of handles) handle.end('failed');
    throw error;
  }
  for (const handle of handles) handle.initiated();
  const recording = dialRecording(verb.record, session, scope);
  if (recording.fromRinging) recording.start();

  // Stops a whisper still playing when the dial is over, however it ended.
  const whisperStop = childController(signal);
  let winner = -1;
  /** When the bridge started; -1 while not bridged (a whisper may still be playing). */
  let bridgedAt = -1;
  let endedAt = 0;
  let ringTimer: TimerId | null = scope.setTimer(() => {
    ringTimer = null;
    for (let i = 0; i < states.length; i++) if (states[i] === 'ringing') endLeg(i, 'no-answer', true);
    finish('unanswered');
  }, verb.timeout * 1000);
  let limitTimer: TimerId | null = null;
  let outcome: DialEnd | null = null;
  let resolveDone!: (end: DialEnd) => void;
  const done = new Promise<DialEnd>((resolve) => {
    resolveDone = resolve;
  });

  function clearTimers(): void {
    if (ringTimer !== null) scope.clearTimer(ringTimer);
    if (limitTimer !== null) scope.clearTimer(limitTimer);
    ringTimer = limitTimer = null;
  }
  function finish(how: DialEnd): void {
    if (outcome !== null) return;
    outcome = how;
    endedAt = scope.clock.now();
    clearTimers();
    resolveDone(how);
  }
  function legChannel(i: number): Channel | undefined {
    return session.legs[i];
  }
  /** End leg `i` with `status`; `cancel` when the engine must stop the leg itself. */
  function endLeg(i: number, status: FinalStatus, cancel: boolean): void {
    const state = states[i];
    if (state === 'ended' || state === undefined) return;
    states[i] = 'ended';
    finals[i] = status;
    if (cancel) {
      const channel = legChannel(i);
      if (channel !== undefined) {
        // An unanswered leg is cancelled, not hung up: it never had media.
        const answered = state === 'answered';
        fireAndForget(
          () => (answered || channel.cancel === undefined ? channel.hangup() : channel.cancel()),
          () => scope.notice(14103, `Dial: the driver could not end leg ${targets[i]!.callSid}`),
        );
      }
    }
    handles[i]!.end(status);
  }
  function onLegEnded(i: number, status: FinalStatus): void {
    if (i === winner) {
      endLeg(i, 'completed', false);
      finish('bridge-ended');
      return;
    }
    endLeg(i, status, false);
    if (winner === -1 && states.every((s) => s === 'ended')) finish('unanswered');
  }
  function endBridge(): void {
    endLeg(winner, 'completed', true);
    finish('bridge-ended');
  }
  function onAnswered(i: number): void {
    if (outcome !== null || winner !== -1 || states[i] !== 'ringing') {
      if (states[i] === 'ringing') endLeg(i, 'canceled', true);
      return;
    }
    winner = i;
    states[i] = 'answered';
    if (ringTimer !== null) scope.clearTimer(ringTimer);
    ringTimer = null;
    handles[i]!.answered();
    for (let j = 0; j < states.length; j++) if (j !== i) endLeg(j, 'canceled', true);
    const noun = nouns[i]!;
    const whisperUrl = noun.kind === 'Conference' || noun.url === null ? null : scope.resolveUrl(noun.url);
    if (whisperUrl === null || noun.kind === 'Conference') bridge(i);
    else {
      const channel = legChannel(i);
      if (channel === undefined) {
        bridge(i);
        return;
      }
      scope.whisper(handles[i]!, channel, whisperUrl, noun.method, whisperStop.controller.signal).then(
        () => {
          if (outcome === null && states[i] === 'answered') bridge(i);
        },
        () => {},
      );
    }
  }
  function bridge(i: number): void {
    bridgedAt = scope.clock.now();
    session.bridge(i).catch(() => {
      scope.notice(14103, `Dial: the driver could not bridge leg ${targets[i]!.callSid}`);
      endBridge();
    });
    if (!recording.fromRinging) recording.start();
    limitTimer = scope.setTimer(() => {
      limitTimer = null;
      endBridge();
    }, verb.timeLimit * 1000);
  }

  session.legs.forEach((leg, i) => {
    leg.listen({
      ringing: () => {
        if (states[i] === 'ringing') handles[i]!.ringing();
      },
      answered: () => onAnswered(i),
      detected: () => {},
      busy: () => onLegEnded(i, 'busy'),
      failed: () => onLegEnded(i, 'failed'),
      dtmf: () => {},
      voice: () => {},
      speech: () => {},
      hangup: () => onLegEnded(i, states[i] === 'answered' ? 'completed' : 'failed'),
    });
  });
  scope.listen({
    dtmf(digit) {
      if (digit === '*' && verb.hangupOnStar && winner !== -1 && outcome === null) endBridge();
    },
    hangup() {
      if (winner !== -1) endBridge();
      else {
        for (let i = 0; i < states.length; i++) endLeg(i, 'canceled', true);
        finish('caller-hangup');
      }
    },
  });

  try {
    await untilAborted(done, signal);
  } catch (error) {
    // A live change or the engine ending the call: every leg still up is ended.
    for (let i = 0; i < states.length; i++) endLeg(i, i === winner ? 'completed' : 'canceled', true);
    recording.discard();
    throw error;
  } finally {
    clearTimers();
    whisperStop.controller.abort(ABORTED);
    whisperStop.dispose();
    dialSignal.dispose();
    // Late events of the legs are ignored; the driver no longer holds this dial's state.
    for (const leg of session.legs) leg.listen(IGNORE);
  }

  // Stopped even without `action`: the file exists either way (and the driver frees it).
  const stopping = recording.finish(endedAt, signal);
  const recorded = stopping === null ? {} : await stopping;
  if (verb.action === null) return NEXT;
  const first = 0;
  const answered = winner !== -1;
  let status: string;
  if (answered) status = 'completed';
  else if (outcome === 'caller-hangup') status = 'canceled';
  else if (finals.includes('no-answer')) status = 'no-answer';
  else if (finals.includes('busy')) status = 'busy';
  else status = 'failed';
  return fetchOutcome(scope, verb.action, verb.method, {
    DialCallStatus: status,
    DialCallSid: targets[answered ? winner : first]!.callSid,
    DialCallDuration: String(bridgedAt < 0 ? 0 : Math.floor((endedAt - bridgedAt) / 1000)),
    ...recorded,
  });
}
