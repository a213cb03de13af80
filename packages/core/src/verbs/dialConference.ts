/**
 * A `<Dial><Conference>` participant (TwiML, decisions "Conferences"): the call's place in the
 * engine's conference registry while its conference leg is up. The registry decides when the
 * room starts and ends and sends the conference status callbacks; this module carries out
 * what it asks on the call: `waitUrl` documents while the room has not started, mute and hold
 * (with `HoldUrl` documents) through the leg's optional driver operations, a kick (the dial
 * ends), and the conference recording (`record="record-from-start"`) through the leg's
 * `recordCall`, registered as a Recordings resource with `source` `Conference`.
 */
import { ABORTED, childController, isAborted } from '../call/abort.js';
import type { Participation } from '../conferences/conferences.js';
import type { ConferenceNoun, HttpMethod, VerbKind } from '../document/ast.js';
import type { Channel, RecordingSession } from '../ports.js';
import { runSubDocuments } from './subDocuments.js';
import type { MediaListener, VerbScope } from './types.js';

/** Verbs of `waitUrl` and `HoldUrl` documents (TwiML's list). */
export const CONFERENCE_WAIT_VERBS: ReadonlySet<VerbKind> = new Set<VerbKind>([
  'Say',
  'Play',
  'Pause',
  'Redirect',
]);

/** What the dial gives the participant. */
export interface SeatHooks {
  /** The conference leg's channel, once the dial made it. */
  leg(): Channel | undefined;
  /** End the dial (the participant was taken out of the room). */
  kick(): void;
  /** The dial's own listener, put back after a wait or hold document. */
  listener(): MediaListener;
}

/** The participant as the dial drives it. */
export interface ConferenceSeat {
  readonly conferenceSid: string;
  /** The leg joined the room. */
  connected(): void;
  /** The participant's voice started or stopped. */
  speaking(active: boolean): void;
  /** The dial ended: leave the room; resolves when the conference recording (if any) is stored. */
  left(): Promise<void>;
}

/**
 * Join the room of `noun` for the call of `scope`; `full` when the room is at its
 * `maxParticipants`; null when the engine keeps no conferences here.
 */
export function joinConference(
  scope: VerbScope,
  noun: ConferenceNoun,
  hooks: SeatHooks,
): ConferenceSeat | 'full' | null {
  const desk = scope.conferences;
  if (desk === undefined) return null;
  const statusCallback = noun.statusCallback === undefined ? null : scope.resolveUrl(noun.statusCallback);
  if (noun.statusCallback !== undefined && statusCallback === null) {
    scope.notice(
      13201,
      `Conference: statusCallback "${noun.statusCallback}" is not an http(s) URL`,
      'warning',
    );
  }
  /** A wait or hold document loop: its stop switch. */
  let documents: ReturnType<typeof childController> | null = null;
  let recordStarted = false;
  let recording: Promise<RecordingSession | null> | null = null;
  // Stryker disable next-line StringLiteral: record() sets the SID before `recording` is set, and it is read only once `recording` is
  let recordingSid = '';
  let recordedFrom = 0;
  const recordStop = childController(scope.signal);
  let participation: Participation | null = null;

  function stopDocuments(): void {
    if (documents === null) return;
    documents.controller.abort(ABORTED);
    documents.dispose();
    documents = null;
    scope.listen(hooks.listener());
  }
  function loopDocuments(url: string, method: HttpMethod, what: string): void {
    stopDocuments();
    const run = childController(scope.signal);
    documents = run;
    void (async () => {
      try {
        for (;;) {
          const end = await runSubDocuments(scope, {
            first: { url, method, params: {} },
            // Stryker disable next-line OptionalChaining,StringLiteral: documents start only after desk.join returned and set `participation`
            params: () => ({ ConferenceSid: participation?.conferenceSid ?? '', FriendlyName: noun.value }),
            allowed: CONFERENCE_WAIT_VERBS,
            what,
            signal: run.controller.signal,
            onHangup: () => {
              // Stop the documents at once: no further verb starts after the caller left.
              run.controller.abort(ABORTED);
              hooks.listener().hangup?.();
            },
          });
          if (end.kind !== 'ran-out') return;
        }
      } catch (error) {
        if (!isAborted(error)) scope.notice(20500, `${what}: ${String(error)}`);
      }
    })();
  }

  const joined = desk.join({
    accountSid: scope.call.accountSid,
    name: noun.value,
    callSid: scope.call.sid,
    muted: noun.muted,
    startConferenceOnEnter: noun.startConferenceOnEnter,
    endConferenceOnExit: noun.endConferenceOnExit,
    maxParticipants: noun.maxParticipants,
    coach: noun.coach ?? null,
    record: noun.record === 'record-from-start',
    statusCallback,
    statusCallbackMethod: noun.statusCallbackMethod ?? 'POST',
    // TwiML's default when a callback is given without events: `start end`.
    statusCallbackEvent: noun.statusCallbackEvent ?? ['start', 'end'],
    control: {
      async mute(muted) {
        const leg = hooks.leg();
        if (leg?.mute === undefined) {
          scope.notice(14103, 'Conference: the media driver cannot mute a participant');
          return;
        }
        await leg.mute(muted);
      },
      async hold(held, holdUrl, holdMethod) {
        const leg = hooks.leg();
        if (leg?.hold === undefined)
          scope.notice(14103, 'Conference: the media driver cannot hold a participant');
        else await leg.hold(held);
        if (!held) stopDocuments();
        else if (holdUrl !== null) loopDocuments(holdUrl, holdMethod, `Conference HoldUrl of ${noun.value}`);
      },
      kick: () => hooks.kick(),
      started: () => stopDocuments(),
      record() {
        if (recordStarted) return;
        recordStarted = true;
        const leg = hooks.leg();
        if (leg?.recordCall === undefined) {
          scope.notice(14103, 'Conference: the media driver cannot record the conference');
          return;
        }
        recordingSid = scope.nextSid('RE');
        recordedFrom = scope.clock.now();
        recording = leg
          .recordCall({ recordingSid, dual: false }, recordStop.controller.signal)
          .catch((error: unknown) => {
            scope.notice(14103, `Conference: the driver could not record: ${String(error)}`);
            return null;
          });
      },
    },
  });
  if ('full' in joined) {
    recordStop.dispose();
    return 'full';
  }
  participation = joined;
  const seat = joined;

  async function finishRecording(): Promise<void> {
    // Stryker disable next-line ConditionalExpression: awaiting a null `recording` gives null, on which the next line returns
    if (recording === null) return;
    const session = await recording;
    if (session === null) return;
    const endedAt = scope.clock.now();
    try {
      const mediaUrl = (await session.stop()).url;
      const duration = Math.floor(Math.max(0, endedAt - recordedFrom) / 1000);
      const url = scope.recorded({
        sid: recordingSid,
        source: 'Conference',
        conferenceSid: seat.conferenceSid,
        channels: 1,
        startTime: recordedFrom,
        duration,
        mediaUrl,
      });
      const target =
        noun.recordingStatusCallback === undefined ? null : scope.resolveUrl(noun.recordingStatusCallback);
      if (target !== null) {
        scope.notify(target, noun.recordingStatusCallbackMethod ?? 'POST', {
          AccountSid: scope.call.accountSid,
          CallSid: scope.call.sid,
          ConferenceSid: seat.conferenceSid,
          RecordingSid: recordingSid,
          RecordingUrl: url,
          RecordingStatus: 'completed',
          RecordingDuration: String(duration),
          RecordingChannels: '1',
          RecordingSource: 'Conference',
        });
      }
    } catch (error) {
      scope.notice(
        14103,
        `Conference: the driver could not stop recording ${recordingSid}: ${String(error)}`,
      );
    } finally {
      recordStop.dispose();
    }
  }

  return {
    conferenceSid: seat.conferenceSid,
    connected() {
      seat.connected();
      const waitUrl = noun.waitUrl === null ? null : scope.resolveUrl(noun.waitUrl);
      if (!seat.roomStarted && waitUrl !== null && desk.playWaitUrl) {
        loopDocuments(waitUrl, noun.waitMethod ?? 'POST', `Conference waitUrl of ${noun.value}`);
      }
    },
    speaking: (active) => seat.speaking(active),
    left() {
      if (documents !== null) {
        documents.controller.abort(ABORTED);
        documents.dispose();
        documents = null;
      }
      seat.left();
      return finishRecording();
    },
  };
}
