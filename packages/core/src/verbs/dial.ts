/**
 * `<Dial>` (spec 4.6): ring up to `maxDialTargets` targets at once, bridge the first to
 * answer, cancel the rest. Each target is a child leg with its own SID (taken in document
 * order), `Direction=outbound-dial`, `ParentCallSid` and status callbacks. The dial ends when
 * a party hangs up, `timeLimit` passes, `*` with `hangupOnStar`, or nobody answers within
 * `timeout`. With `action`, `DialCallStatus`/`DialCallSid`/`DialCallDuration` are requested,
 * plus `RecordingUrl`/`RecordingSid`/`RecordingDuration` when `record` recorded (dialRecording.ts).
 */

import { ABORTED, childController, fireAndForget, isAborted, untilAborted } from '../call/abort.js';
import type { DialVerb } from '../document/ast.js';
import type { FinalStatus } from '../engine/types.js';
import type { Channel, ChannelHandler, DialSession, TimerId } from '../ports.js';
import { joinConference } from './dialConference.js';
import { executeDialQueue } from './dialQueue.js';
import { dialRecording } from './dialRecording.js';
import { dialTarget } from './dialTargets.js';
import {
  type DialLegHandle,
  fetchOutcome,
  type MediaListener,
  NEXT,
  type VerbOutcome,
  type VerbScope,
} from './types.js';

/** `whispering`: answered, its whisper documents running (or about to be skipped). */
type LegState = 'ringing' | 'whispering' | 'bridged' | 'ended';

/** A leg's running whisper: its stop switch, the verb listening, the party's voice. */
interface WhisperRun {
  readonly stop: ReturnType<typeof childController>;
  listener: MediaListener | null;
  voice: boolean;
}

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
  if (verb.queue !== undefined) return executeDialQueue(verb, verb.queue, scope);
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
  // `<Dial><Conference>`: the call's place in the engine's room (verbs/dialConference.ts).
  const room = nouns[0]!.kind === 'Conference' ? nouns[0]! : null;
  const joined =
    room === null
      ? null
      : joinConference(scope, room, {
          leg: () => session?.legs[0],
          kick: () => kick(),
          listener: () => ownListener,
        });
  if (joined === 'full') {
    scope.notice(
      13201,
      `Dial: conference "${room!.value}" is full (maxParticipants ${room!.maxParticipants})`,
      'warning',
    );
    if (verb.action === null) return NEXT;
    return fetchOutcome(scope, verb.action, verb.method, { DialCallStatus: 'failed', DialCallDuration: '0' });
  }
  const seat = joined;
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
  // Stryker disable next-line ArrowFunction: finals is only searched for 'no-answer' and 'busy', which an undefined entry matches no more than a null one
  const finals: (FinalStatus | null)[] = targets.map(() => null);

  // The driver keeps its listener on the dial's signal: a child, detached when the dial ends.
  const dialSignal = childController(signal);
  let session: DialSession | undefined;
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
    void seat?.left();
    throw error;
  }
  const dialled: DialSession = session;
  for (const handle of handles) handle.initiated();
  const recording = dialRecording(verb.record, dialled, scope);
  if (recording.fromRinging) recording.start();

  // Stops the whispers still running when the dial is over, however it ended.
  const whisperStop = childController(signal);
  /** Each leg's whisper: its stop switch and the events it listens to, while it runs. */
  // Stryker disable next-line ArrowFunction: every read of whispers treats an undefined entry as a null one (stopWhisper, the voice handler, toWhisper's ?.)
  const whispers: (WhisperRun | null)[] = targets.map(() => null);
  /** Legs in the order they answered (for `DialCallSid` when the caller leaves mid-whisper). */
  // Stryker disable next-line ArrayDeclaration: a non-number entry indexes no leg (states[entry] is undefined, never 'whispering'), so firstWhispering never picks it
  const answerOrder: number[] = [];
  /** Whether a leg declined (its whisper hung up, failed, or the party left during it). */
  let declined = false;
  /** The whispering leg when the caller hung up before any bridge (-1: none). */
  let callerLeftDuring = -1;
  let winner = -1;
  /** When the bridge started; -1 while not bridged. */
  let bridgedAt = -1;
  let endedAt = 0;
  let ringTimer: TimerId | null = scope.setTimer(() => {
    ringTimer = null;
    // Stops the targets still ringing; a whisper already running goes on (spec 4.6).
    for (let i = 0; i < states.length; i++) if (states[i] === 'ringing') endLeg(i, 'no-answer', true);
    checkExhausted();
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
  /** Nobody accepted and no target is left ringing or whispering: the dial is over. */
  function checkExhausted(): void {
    // Stryker disable next-line StringLiteral: outcome is only compared with null and 'caller-hangup', so any other text ends the dial alike
    if (winner === -1 && states.every((s) => s === 'ended')) finish('unanswered');
  }
  function legChannel(i: number): Channel | undefined {
    return dialled.legs[i];
  }
  /** The conference took the participant out: end the dial as a hang-up would. */
  function kick(): void {
    if (outcome !== null) return;
    if (winner !== -1) endBridge();
    else {
      for (let i = 0; i < states.length; i++) endLeg(i, endedStatus(i), true);
      // Stryker disable next-line StringLiteral: outcome is only compared with null and 'caller-hangup', so any other text ends the dial alike
      finish('unanswered');
    }
  }

  /** End leg `i` with `status`; `cancel` when the engine must stop the leg itself. */
  function endLeg(i: number, status: FinalStatus, cancel: boolean): void {
    const state = states[i];
    if (state === 'ended' || state === undefined) return;
    states[i] = 'ended';
    finals[i] = status;
    stopWhisper(i);
    if (cancel) {
      const channel = legChannel(i);
      if (channel !== undefined) {
        // An unanswered leg is cancelled, not hung up: it never had media.
        const answered = state !== 'ringing';
        fireAndForget(
          () => (answered || channel.cancel === undefined ? channel.hangup() : channel.cancel()),
          () => scope.notice(14103, `Dial: the driver could not end leg ${targets[i]!.callSid}`),
        );
      }
    }
    handles[i]!.end(status);
  }
  /** The status of a leg the engine ends: an answered leg ends `completed`. */
  function endedStatus(i: number): FinalStatus {
    return states[i] === 'ringing' ? 'canceled' : 'completed';
  }
  function stopWhisper(i: number): void {
    const run = whispers[i];
    if (run === null || run === undefined) return;
    whispers[i] = null;
    run.stop.controller.abort(ABORTED);
    run.stop.dispose();
  }
  function onLegEnded(i: number, status: FinalStatus): void {
    if (i === winner) {
      endLeg(i, 'completed', false);
      // Stryker disable next-line StringLiteral: outcome is only compared with null and 'caller-hangup', so any other text ends the dial alike
      finish('bridge-ended');
      return;
    }
    // A whispering leg that hangs up declines (its status `completed`).
    if (states[i] === 'whispering') declined = true;
    endLeg(i, states[i] === 'ringing' ? status : 'completed', false);
    checkExhausted();
  }
  function endBridge(): void {
    endLeg(winner, 'completed', true);
    // Stryker disable next-line StringLiteral: outcome is only compared with null and 'caller-hangup', so any other text ends the dial alike
    finish('bridge-ended');
  }
  function onAnswered(i: number): void {
    // Only a ringing leg can win: once a leg won (accept ends the others) or the dial ended
    // (finish comes after every leg but a winner ended), no leg is left ringing.
    if (states[i] !== 'ringing') return;
    states[i] = 'whispering';
    answerOrder.push(i);
    handles[i]!.answered();
    if (seat !== null) seat.connected();
    const noun = nouns[i]!;
    const whisperUrl = noun.kind === 'Conference' || noun.url === null ? null : scope.resolveUrl(noun.url);
    const channel = legChannel(i);
    if (whisperUrl === null || noun.kind === 'Conference' || channel === undefined) {
      accept(i);
      return;
    }
    const run: WhisperRun = {
      stop: childController(whisperStop.controller.signal),
      listener: null,
      voice: false,
    };
    whispers[i] = run;
    scope
      .whisper({
        leg: handles[i]!,
        channel,
        url: whisperUrl,
        method: noun.method,
        signal: run.stop.controller.signal,
        events: {
          listen: (listener) => {
            run.listener = listener;
          },
          get voiceActive() {
            return run.voice;
          },
        },
      })
      .then(
        (result) => {
          if (outcome !== null || states[i] !== 'whispering') return;
          if (result === 'accepted') accept(i);
          else decline(i);
        },
        (error: unknown) => {
          // Stopped (ABORTED) when the leg or the dial ended; anything else is a bug: decline.
          if (isAborted(error) || outcome !== null || states[i] !== 'whispering') return;
          scope.notice(20500, `Dial: the document of leg ${targets[i]!.callSid} failed: ${String(error)}`);
          decline(i);
        },
      );
  }
  /** Leg `i` declined: it ends (`completed`), the dial goes on with the others. */
  function decline(i: number): void {
    declined = true;
    endLeg(i, 'completed', true);
    checkExhausted();
  }
  /** Leg `i` accepted (answered, or its whisper ran out): bridge it, cancel the others. */
  function accept(i: number): void {
    winner = i;
    states[i] = 'bridged';
    stopWhisper(i);
    if (ringTimer !== null) scope.clearTimer(ringTimer);
    ringTimer = null;
    for (let j = 0; j < states.length; j++) if (j !== i) endLeg(j, endedStatus(j), true);
    bridge(i);
  }
  function bridge(i: number): void {
    bridgedAt = scope.clock.now();
    dialled.bridge(i).catch(() => {
      scope.notice(14103, `Dial: the driver could not bridge leg ${targets[i]!.callSid}`);
      endBridge();
    });
    if (!recording.fromRinging) recording.start();
    limitTimer = scope.setTimer(() => {
      limitTimer = null;
      endBridge();
    }, verb.timeLimit * 1000);
  }
  /** A leg's media event, for its whisper while one runs. */
  function toWhisper(i: number): MediaListener | null {
    // Stryker disable next-line OptionalChaining: a whispering leg always has its run in `whispers` (set in the same turn as the state)
    return states[i] === 'whispering' ? (whispers[i]?.listener ?? null) : null;
  }

  dialled.legs.forEach((leg, i) => {
    leg.listen({
      ringing: () => {
        if (states[i] === 'ringing') handles[i]!.ringing();
      },
      answered: () => onAnswered(i),
      detected: () => {},
      busy: () => onLegEnded(i, 'busy'),
      failed: () => onLegEnded(i, 'failed'),
      dtmf: (digit) => toWhisper(i)?.dtmf?.(digit),
      voice: (active) => {
        if (seat !== null) seat.speaking(active);
        const run = whispers[i];
        if (run !== null && run !== undefined) run.voice = active;
        toWhisper(i)?.voice?.(active);
      },
      speech: (result) => toWhisper(i)?.speech?.(result),
      partialSpeech: (result) => toWhisper(i)?.partialSpeech?.(result),
      hangup: () => onLegEnded(i, states[i] === 'ringing' ? 'failed' : 'completed'),
    });
  });
  /** The caller's keys and hang-up during the dial. */
  const ownListener: MediaListener = {
    dtmf(digit) {
      if (digit === '*' && verb.hangupOnStar && winner !== -1 && outcome === null) endBridge();
    },
    hangup() {
      if (winner !== -1) endBridge();
      else {
        callerLeftDuring = firstWhispering();
        for (let i = 0; i < states.length; i++) endLeg(i, endedStatus(i), true);
        finish('caller-hangup');
      }
    },
  };
  scope.listen(ownListener);
  /** The leg that answered first among those still whispering, or -1. */
  function firstWhispering(): number {
    return answerOrder.find((i) => states[i] === 'whispering') ?? -1;
  }

  let conferenceLeft: Promise<void> | null = null;
  try {
    await untilAborted(done, signal);
  } catch (error) {
    // A live change or the engine ending the call: every leg still up is ended.
    for (let i = 0; i < states.length; i++) endLeg(i, i === winner ? 'completed' : endedStatus(i), true);
    recording.discard();
    throw error;
  } finally {
    clearTimers();
    whisperStop.controller.abort(ABORTED);
    whisperStop.dispose();
    dialSignal.dispose();
    // Late events of the legs are ignored; the driver no longer holds this dial's state.
    for (const leg of dialled.legs) leg.listen(IGNORE);
    conferenceLeft = seat?.left() ?? null;
  }
  if (conferenceLeft !== null) await conferenceLeft;

  // Stopped even without `action`: the file exists either way (and the driver frees it).
  const stopping = recording.finish(endedAt, signal);
  const recorded = stopping === null ? {} : await stopping;
  if (verb.action === null) return NEXT;
  const first = 0;
  // Spec 4.6: a leg that answered and was not bridged (the caller left while it whispered)
  // still makes the dial `completed`; once every target declined or gave up, `no-answer`.
  const answered = winner !== -1 ? winner : callerLeftDuring;
  let status: string;
  if (answered !== -1) status = 'completed';
  else if (outcome === 'caller-hangup') status = 'canceled';
  else if (declined || finals.includes('no-answer')) status = 'no-answer';
  else if (finals.includes('busy')) status = 'busy';
  else status = 'failed';
  return fetchOutcome(scope, verb.action, verb.method, {
    DialCallStatus: status,
    DialCallSid: targets[answered !== -1 ? answered : first]!.callSid,
    DialCallDuration: String(bridgedAt < 0 ? 0 : Math.floor((endedAt - bridgedAt) / 1000)),
    ...recorded,
  });
}
