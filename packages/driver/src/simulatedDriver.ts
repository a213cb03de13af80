/**
 * The simulated media driver: calls, dial legs and media on an injected clock, with a far end
 * that follows a script (replay's `party` and `dialed`) or is driven live (tests, the terminal
 * phone, `rcml serve`).
 */
import type {
  Clock,
  DetectionMode,
  DialRequest,
  DialTargetType,
  DriverCapabilities,
  MediaDriver,
  OriginateRequest,
  RecordingRef,
} from '@rcml/core';
import { createTimerGroup, SCRIPT_PRIORITY, type TimerGroup, toMs } from './scheduler.js';
import { type AnswerTruth, SimChannel } from './simChannel.js';
import { createSimRecordings } from './simRecordings.js';
import { type MediaTiming, resolveTiming } from './timing.js';

/** One far-end action of a script. */
export type ScriptAction =
  | { readonly do: 'ring' | 'busy' | 'fail' | 'hangup' }
  | {
      readonly do: 'answer';
      /** Who picks up: the truth detection should find (default `human`). */
      readonly by?: AnswerTruth;
      /** Seconds until a machine's greeting ends (default 0). */
      readonly greeting?: number;
    }
  | { readonly do: 'dtmf'; readonly digits: string; readonly gap?: number }
  | {
      readonly do: 'speak';
      readonly for: number;
      /** What a speech `<Gather>` recognises when the utterance ends (none: voice without words). */
      readonly text?: string;
      /** 0 to 1 (default 0.9). */
      readonly confidence?: number;
    };

/** The call's far end: actions at absolute seconds since the driver's origin (t = 0). */
export type PartyScript = readonly (ScriptAction & { readonly at: number })[];

/** Dial targets by `to`: actions at seconds since that leg was dialled. */
export type DialedScript = Readonly<Record<string, readonly (ScriptAction & { readonly after: number })[]>>;

/** The far end of one simulated leg, driven live. Each action happens now. */
export interface SimulatedFarEnd {
  /** Start ringing (an outbound call or a leg). */
  ring(): Promise<void>;
  /** Pick up as `by` (default `human`); a machine's greeting lasts `greeting` seconds. */
  answer(by?: AnswerTruth, greeting?: number): Promise<void>;
  /** Report the line busy. */
  busy(): Promise<void>;
  /** Fail the call: it cannot be connected. */
  fail(): Promise<void>;
  /** Keys one after the other, `gap` seconds apart (default 0). */
  dtmf(digits: string, gap?: number): Promise<void>;
  /** Talk for `seconds`; `text` is what a listening recogniser hears (with `confidence`). */
  speak(seconds: number, text?: string, confidence?: number): Promise<void>;
  /** Hang up from the far end. */
  hangup(): Promise<void>;
}

/** A leg the driver made, with its far end. */
export interface SimulatedCall {
  readonly kind: 'outbound' | 'inbound' | 'leg';
  readonly to: string;
  readonly from: string;
  /** The engine's SID for it, when the driver was told (originate, dial targets). */
  readonly callSid: string | null;
  /** A `leg`: what its `<Dial>` target is (a `conference` leg is the call's place in a room, no party). */
  readonly target?: DialTargetType;
  readonly channel: SimChannel;
  readonly farEnd: SimulatedFarEnd;
}

/** Options of {@link createSimulatedDriver}; only `clock` is required. */
export interface SimulatedDriverOptions {
  /** The clock media and scripts run on: a `SimulatedClock` for replay, the system clock live. */
  readonly clock: Clock;
  /** Media timing (replay `media`); defaults of the replay format. */
  readonly media?: Partial<MediaTiming>;
  /** Script of the first call the driver makes or receives (replay `party`). */
  readonly party?: PartyScript;
  /** Scripts of dial targets by `to` (replay `dialed`). */
  readonly dialed?: DialedScript;
  /** Epoch ms that `party` times count from (default: the clock's time at creation). */
  readonly origin?: number;
  /**
   * Interactive use: an outbound call or dial leg without a script rings at once and answers
   * after this many seconds. Without it, such a leg rings until the engine gives up.
   */
  readonly autoAnswerAfter?: number;
  readonly capabilities?: Partial<DriverCapabilities>;
  /** Told of every leg the driver creates (outbound, inbound, dial legs). */
  readonly onCall?: (call: SimulatedCall) => void;
}

/** The simulated driver: a `MediaDriver` plus inbound calls and far-end access. */
export interface SimulatedDriver extends MediaDriver {
  originate(request: OriginateRequest): SimChannel;
  /** A recording's audio: a WAV of its simulated length (rejects for one it never made). */
  recordingAudio(recording: RecordingRef): Promise<Uint8Array>;
  /** A call arriving from `from` to `to`, not yet answered. Hand `channel` to `engine.inbound`. */
  inbound(params: { readonly from: string; readonly to: string }): SimulatedCall;
  /** Every leg made so far, in creation order. */
  readonly calls: readonly SimulatedCall[];
  /** The leg with this channel or channel id. */
  find(channel: SimChannel | string): SimulatedCall | undefined;
  /** Legs not yet ended. */
  readonly liveChannels: number;
  /** Media operations still running on any leg. */
  readonly runningOperations: number;
}

/** Create a simulated media driver. */
export function createSimulatedDriver(options: SimulatedDriverOptions): SimulatedDriver {
  const { clock } = options;
  const timing = resolveTiming(options.media);
  const origin = options.origin ?? clock.now();
  const capabilities: DriverCapabilities = {
    ssml: true,
    speech: true,
    voicemailDetection: true,
    ...options.capabilities,
  };
  const calls: SimulatedCall[] = [];
  const live = new Set<SimChannel>();
  const recordings = createSimRecordings(clock);
  let nextId = 1;
  let partyUsed = false;

  function makeLeg(
    kind: SimulatedCall['kind'],
    init: {
      to: string;
      from: string;
      callSid: string | null;
      detectVoicemail: boolean;
      target?: DialTargetType;
    },
    detection: DetectionMode | null = null,
  ): { call: SimulatedCall; timers: TimerGroup } {
    const timers = createTimerGroup(clock);
    const channel = new SimChannel({
      id: `sim-${nextId++}`,
      direction: kind === 'inbound' ? 'inbound' : 'outbound',
      detectVoicemail: init.detectVoicemail,
      detection,
      recogniser: capabilities.speech,
      timing,
      timers,
      createLegs,
      recordings,
      onEnd: (c) => live.delete(c),
    });
    live.add(channel);
    const call: SimulatedCall = { kind, ...init, channel, farEnd: farEndOf(channel) };
    calls.push(call);
    return { call, timers };
  }

  function createLegs(request: DialRequest): SimChannel[] {
    return request.targets.map((target) => {
      const { call, timers } = makeLeg('leg', {
        to: target.to,
        from: request.callerId,
        callSid: target.callSid,
        detectVoicemail: false,
        target: target.type,
      });
      // Own keys only: a target named like an Object.prototype member ("constructor") has no script.
      const dialed = options.dialed;
      const scripted =
        dialed !== undefined && Object.hasOwn(dialed, target.to) ? dialed[target.to] : undefined;
      // A conference room "answers" as soon as the leg has joined it (a script may add more).
      const script =
        target.type === 'conference'
          ? [{ after: 0, do: 'answer' as const }, ...(scripted ?? [])]
          : (scripted ?? defaultScript().map(({ at, ...a }) => ({ ...a, after: at })));
      // A participant joining muted (`<Conference muted>`) starts muted in the room.
      if (target.conference?.muted === true) call.channel.muted = true;
      const dialledAt = clock.now();
      scheduleScript(
        timers,
        call.channel,
        script.map((a) => ({ ...a, at: dialledAt + toMs(a.after) })),
      );
      options.onCall?.(call);
      return call.channel;
    });
  }

  /** What an unscripted outbound leg does: rings, and answers when interactive. */
  function defaultScript(): (ScriptAction & { at: number })[] {
    const ring = { at: 0, do: 'ring' as const };
    return options.autoAnswerAfter === undefined
      ? [ring]
      : [ring, { at: options.autoAnswerAfter, do: 'answer' as const }];
  }

  function takeParty(): PartyScript | undefined {
    if (partyUsed || options.party === undefined) return undefined;
    partyUsed = true;
    return options.party;
  }

  function scheduleParty(timers: TimerGroup, channel: SimChannel, party: PartyScript): void {
    scheduleScript(
      timers,
      channel,
      party.map((a) => ({ ...a, at: origin + toMs(a.at) })),
    );
  }

  return {
    capabilities,
    recordingAudio: (recording) => recordings.audio(recording),
    originate(request) {
      const { call, timers } = makeLeg(
        'outbound',
        {
          to: request.to,
          from: request.from,
          callSid: request.callSid,
          detectVoicemail: request.detectVoicemail,
        },
        request.detection ?? (request.detectVoicemail ? 'voicemail' : null),
      );
      const party = takeParty();
      if (party !== undefined) scheduleParty(timers, call.channel, party);
      else if (options.autoAnswerAfter !== undefined) {
        const now = clock.now();
        scheduleScript(
          timers,
          call.channel,
          defaultScript().map((a) => ({ ...a, at: now + toMs(a.at) })),
        );
      }
      options.onCall?.(call);
      return call.channel;
    },
    inbound({ from, to }) {
      const { call, timers } = makeLeg('inbound', { to, from, callSid: null, detectVoicemail: false });
      const party = takeParty();
      if (party !== undefined) scheduleParty(timers, call.channel, party);
      options.onCall?.(call);
      return call;
    },
    get calls() {
      return calls;
    },
    find(channel) {
      return calls.find((c) => c.channel === channel || c.channel.id === channel);
    },
    get liveChannels() {
      return live.size;
    },
    get runningOperations() {
      return calls.reduce((n, c) => n + c.channel.runningOperations, 0);
    },
  };
}

/**
 * Schedule a script (times in epoch ms). Every step is armed now, so that steps due at the
 * same instant run in file order: each key of a `dtmf` and the end of a `speak` included.
 */
function scheduleScript(
  timers: TimerGroup,
  channel: SimChannel,
  script: readonly (ScriptAction & { readonly at: number })[],
): void {
  for (const action of script) {
    if (action.do === 'dtmf') {
      [...action.digits].forEach((digit, i) => {
        timers.at(action.at + toMs((action.gap ?? 0) * i), () => channel.farKey(digit), SCRIPT_PRIORITY);
      });
    } else if (action.do === 'speak') {
      const until = action.at + toMs(action.for);
      const words = wordsOf(action);
      timers.at(action.at, () => channel.farVoiceStart(until, words), SCRIPT_PRIORITY);
      timers.at(until, () => channel.farVoiceStop(), SCRIPT_PRIORITY);
    } else timers.at(action.at, () => perform(channel, action), SCRIPT_PRIORITY);
  }
}

/** Carry out one scripted action on a leg. */
function perform(channel: SimChannel, action: ScriptAction): void {
  switch (action.do) {
    case 'ring':
      channel.farRing();
      break;
    case 'answer':
      channel.farAnswer(action.by ?? 'human', action.greeting ?? 0);
      break;
    case 'busy':
      channel.farBusy();
      break;
    case 'fail':
      channel.farFail();
      break;
    case 'hangup':
      channel.farHangup();
      break;
    case 'dtmf':
      channel.farDtmf(action.digits, action.gap ?? 0);
      break;
    case 'speak':
      channel.farSpeak(action.for, wordsOf(action));
      break;
    default: {
      const never: never = action;
      throw new Error(`unknown far-end action ${JSON.stringify(never)}`);
    }
  }
}

/** The words of a `speak` action, when it has a `text`. */
function wordsOf(action: { readonly text?: string; readonly confidence?: number }) {
  if (action.text === undefined) return undefined;
  return action.confidence === undefined
    ? { text: action.text }
    : { text: action.text, confidence: action.confidence };
}

function farEndOf(channel: SimChannel): SimulatedFarEnd {
  const act = (fn: () => void) => {
    fn();
    return Promise.resolve();
  };
  return {
    ring: () => act(() => channel.farRing()),
    answer: (by, greeting) => act(() => channel.farAnswer(by ?? 'human', greeting ?? 0)),
    busy: () => act(() => channel.farBusy()),
    fail: () => act(() => channel.farFail()),
    dtmf: (digits, gap) => act(() => channel.farDtmf(digits, gap ?? 0)),
    speak: (seconds, text, confidence) =>
      act(() =>
        channel.farSpeak(
          seconds,
          wordsOf({
            ...(text === undefined ? {} : { text }),
            ...(confidence === undefined ? {} : { confidence }),
          }),
        ),
      ),
    hangup: () => act(() => channel.farHangup()),
  };
}
