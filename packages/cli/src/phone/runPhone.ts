/**
 * The terminal phone: an inbound call from "you" to an application, on the simulated driver
 * and the real clock. What the application says appears as it is spoken, keys typed are
 * DTMF, `s` speaks a phrase (or, with Enter alone, talks for two seconds, for `<Record>`),
 * `h` hangs up; a side log shows requests and events. Works in a real terminal (raw-mode
 * stdin), in tmux, and piped: piped input is paced, each action waiting until the app listens.
 */
import { type CallStatus, type HttpPort, type HttpRequest, isFinalStatus, type StreamPort } from '@rcml/core';
import type { SimulatedFarEnd } from '@rcml/driver';
import { createRuntime } from '../runtime/createRuntime.js';
import { formatLine, shortUrl } from '../timeline/format.js';
import type { ObservedOperation } from '../timeline/observe.js';
import { inboundParams } from './inboundParams.js';
import { type CallerAction, createInputReader, phraseSeconds } from './input.js';
import { applyOperation, createPhoneState, describeRefusal } from './phoneState.js';
import { renderFrame } from './render.js';

/** The terminal: raw keys in, frames out. */
export interface Terminal {
  readonly input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(on: boolean): unknown };
  /** Not a TTY (piped): the log is printed line by line instead of a screen. */
  readonly output: { write(text: string): unknown; columns?: number; rows?: number; isTTY?: boolean };
}

/** The application's settings for the number you call (spec 1.3), beyond `Url`/`Method`. */
export interface PhoneAppSettings {
  readonly fallbackUrl?: string;
  readonly fallbackMethod?: 'GET' | 'POST';
  readonly statusCallback?: string;
  readonly statusCallbackMethod?: 'GET' | 'POST';
  /** Space- or comma-separated events (`initiated ringing answered completed`). */
  readonly statusCallbackEvent?: string;
}

export interface PhoneOptions extends PhoneAppSettings {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly from: string;
  readonly to: string;
  /** The account the call belongs to (`AccountSid` on every request). */
  readonly accountSid?: string;
  /** Signs every request (`X-Twilio-Signature`) with this token. */
  readonly authToken?: string;
  /**
   * Extra parameters of the call (`--param`), e.g. `FromState`: handed to the engine with the
   * call and added to every request of the call that does not already carry them.
   */
  readonly params?: Readonly<Record<string, string>>;
  /** Seconds per spoken character (default 0.05, about a speaking pace). */
  readonly sayCharSeconds: number;
  /** Seconds one `<Play>` lasts. */
  readonly playSeconds: number;
  /**
   * A dialled party answers after `legAnswerAfter` seconds and hangs up `legHangupAfter`
   * seconds after it is connected with the caller (a leg never connected is ended by the engine).
   */
  readonly legAnswerAfter: number;
  readonly legHangupAfter: number;
  readonly terminal: Terminal;
  /** Records the call (`rcml call --record`): its HTTP exchanges and the caller's actions. */
  readonly recorder?: PhoneRecorder;
}

/** What `--record` needs to see of a call (`createCallRecording` of `@rcml/replay` fits). */
export interface PhoneRecorder {
  wrapHttp(http: HttpPort): HttpPort;
  /** What media-stream applications send (their `streams` script). */
  wrapStreams(streams: StreamPort): StreamPort;
  action(
    action:
      | { readonly kind: 'dtmf'; readonly digit: string }
      | { readonly kind: 'speak'; readonly text: string; readonly seconds: number }
      | { readonly kind: 'hangup' },
    atMs: number,
  ): void;
}

const SPEAK_SECONDS = 2;
const FRAME_MS = 50;
/** Piped input: how long the caller waits, once the app listens, before the next action. */
const REACTION_MS = 150;

/** Caller-supplied names the engine sets itself; `--param` may not replace them. */
export const RESERVED_PARAMS = new Set([
  'CallSid',
  'AccountSid',
  'From',
  'To',
  'Caller',
  'Called',
  'CallStatus',
  'ApiVersion',
  'Direction',
  'ParentCallSid',
]);

/** Run one call; resolves with its final status when it has ended. */
export async function runPhone(options: PhoneOptions): Promise<string> {
  const { terminal } = options;
  const state = createPhoneState();
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const extra = options.params ?? {};
  let mainSid: string | undefined;
  let mainChannel: string | undefined;
  const listening = createListening();
  const runtime = createRuntime({
    media: { sayCharSeconds: options.sayCharSeconds, defaultPlaySeconds: options.playSeconds },
    ...(options.accountSid === undefined ? {} : { accountSid: options.accountSid }),
    ...(options.authToken === undefined ? {} : { authToken: options.authToken }),
    ...(Object.keys(extra).length === 0
      ? {}
      : {
          requestParams: (request: HttpRequest) => {
            // The first request of the run is the call's first fetch: it names the call.
            mainSid ??= request.callSid;
            return request.callSid === mainSid ? extra : undefined;
          },
        }),
    onOperation: (op) => {
      // A leg's operations (a whisper document) are heard by the dialled party, not by you.
      if (op.legSid === undefined)
        applyOperation(state, op, {
          charMs: options.sayCharSeconds * 1000,
          playMs: options.playSeconds * 1000,
          now: () => Date.now(),
        });
      if (op.channelId === mainChannel) listening.onOperation(op);
      // A dialled party talks for `legHangupAfter` seconds once connected with the caller,
      // however long it rang or its whisper document ran.
      // A conference leg is the caller's place in a room, no party: it stays until the caller
      // hangs up (piped input: once it has run out).
      if (op.op === 'bridge') {
        const leg = runtime.simulated?.calls.find((c) => c.kind === 'leg' && c.callSid === op.detail.callSid);
        if (leg?.target === 'conference') {
          if (op.channelId === mainChannel) listening.enterRoom();
        } else if (leg !== undefined) later(() => void leg.farEnd.hangup(), options.legHangupAfter * 1000);
      }
    },
    ...(options.recorder === undefined
      ? {}
      : {
          wrapHttp: (http: HttpPort) => options.recorder!.wrapHttp(http),
          wrapStreams: (streams: StreamPort) => options.recorder!.wrapStreams(streams),
        }),
    onCall: (call) => {
      if (call.kind !== 'leg') return;
      later(() => void call.farEnd.ring(), 0);
      later(() => void call.farEnd.answer(), options.legAnswerAfter * 1000);
    },
  });
  const { engine, log, clock } = runtime;
  const t0 = clock.now();
  let resolveEnd: (status: string) => void = () => {};
  const ended = new Promise<string>((resolve) => {
    resolveEnd = resolve;
  });
  const say = (text: string) => log.add({ kind: 'phone', at: clock.now(), text });
  engine.subscribe((event) => {
    if (event.type === 'verb' && event.callSid === mainSid) listening.onVerb(event.verb, event.phase);
  });
  /** The call's own lines plain; its dialled legs' lines marked `leg CA…0002`. */
  const lineOf = (entry: Parameters<typeof formatLine>[0]) =>
    formatLine(entry, { t0, ...(mainSid === undefined ? {} : { mainCall: mainSid }) });
  /** Legs whose whisper document has been announced. */
  const whispering = new Set<string>();
  log.listen((entry) => {
    const line = lineOf(entry);
    if (line !== undefined) state.log.push(line.trimStart());
    // A dialled leg's first document fetch: its whisper runs while the caller waits in silence.
    if (
      entry.kind === 'request' &&
      entry.requestKind === 'fetch' &&
      mainSid !== undefined &&
      entry.callSid !== mainSid &&
      !whispering.has(entry.callSid)
    ) {
      whispering.add(entry.callSid);
      const who = entry.params.To ?? 'the dialled party';
      const text = `${who} answered; its screening (whisper document ${shortUrl(entry.url)}) runs before you are connected`;
      state.transcript.push(`(${who} answered; screening runs before you are connected)`);
      // After the fetch line itself (every listener has seen it).
      queueMicrotask(() => say(text));
    }
    if (entry.kind === 'request' && entry.requestKind === 'fetch') {
      state.mode = undefined;
      if (entry.callSid === mainSid) {
        state.refusal = undefined;
        listening.documentFetched();
      }
    }
    // A <Connect><Stream> agent hears the caller: piped input is played as it comes.
    if (entry.kind === 'stream' && entry.callSid === mainSid) {
      if (entry.event === 'connected') {
        if (listening.connecting) listening.enterStream();
        state.transcript.push('(connected to the app’s audio stream: it hears you, and you hear it)');
      } else state.transcript.push('(the audio stream closed)');
    }
    if (entry.kind === 'key') state.keys.push(entry.digit);
    if (entry.kind === 'notice' && entry.level === 'error' && entry.callSid === mainSid) {
      state.refusal = { code: entry.code, message: entry.message };
    }
    if (entry.kind === 'status') {
      mainSid ??= entry.callSid;
      if (entry.callSid !== mainSid) return;
      state.status = entry.status;
      if (entry.status === 'in-progress') state.answeredAt = entry.at;
      if (isFinalStatus(entry.status as CallStatus)) {
        // A call the engine ended without a hang-up of its own (never answered) still says why.
        if (state.refusal !== undefined && !state.refusalShown) {
          state.refusalShown = true;
          const text = describeRefusal(state.refusal);
          state.transcript.push(`(${text})`);
          say(text);
        }
        state.endedAt = entry.at;
        state.ended = `ended: ${entry.status}`;
        state.activity = undefined;
        state.mode = undefined;
        resolveEnd(entry.status);
      }
    }
  });
  state.onRefusalShown = (text) => say(text);

  const simulated = runtime.simulated;
  if (simulated === undefined) throw new Error('the terminal phone needs the simulated driver');
  const call = simulated.inbound({ from: options.from, to: options.to });
  mainChannel = call.channel.id;
  const farEnd: SimulatedFarEnd = call.farEnd;

  const perform = (action: CallerAction): number => {
    if (state.ended !== undefined) return 0;
    switch (action.kind) {
      case 'dtmf':
        options.recorder?.action(action, clock.now());
        void farEnd.dtmf(action.digit);
        return 0;
      case 'speak': {
        const seconds = action.text === '' ? SPEAK_SECONDS : phraseSeconds(action.text);
        options.recorder?.action({ ...action, seconds }, clock.now());
        log.add({
          kind: 'party',
          at: clock.now(),
          text: action.text === '' ? `speaks for ${seconds} s` : `says “${action.text}” (${seconds} s)`,
        });
        // The words reach a listening speech recogniser (the simulated driver has one).
        void (action.text === '' ? farEnd.speak(seconds) : farEnd.speak(seconds, action.text));
        return seconds * 1000;
      }
      case 'hangup':
        options.recorder?.action(action, clock.now());
        log.add({ kind: 'party', at: clock.now(), text: 'hangs up' });
        void farEnd.hangup();
        return 0;
    }
  };

  const reader = createInputReader();
  const paced = terminal.input.isTTY !== true;
  const queue: CallerAction[] = [];
  let inputEnded = false;
  let busyUntil = 0;
  let scheduled = false;
  /** A phrase answers one `<Gather>`: after one, the next action waits for the next listener. */
  let answered = -1;
  /** The `<Record>` the caller last spoke into (its generation). */
  let spokeInto = -1;
  // In a conference room nobody asks for anything: the input is played as it comes. In a
  // queue, keys wait for a wait document's <Gather>, but once the input has run out the caller
  // hangs up there too (no agent comes under rcml call).
  const ready = () =>
    listening.inRoom ||
    listening.inStream ||
    (listening.now() && listening.generation !== answered) ||
    (listening.queued && inputEnded && queue.length === 0);
  /** Piped input: the next action once the app listens (and the caller's last speech ended). */
  const pump = () => {
    if (scheduled || state.ended !== undefined) return;
    if (!ready()) return;
    scheduled = true;
    later(
      () => {
        scheduled = false;
        if (state.ended !== undefined || !ready()) return;
        if (Date.now() < busyUntil) {
          later(pump, busyUntil - Date.now());
          return;
        }
        const next = queue.shift();
        if (next === undefined) {
          // Input ran out while a <Record> the caller spoke into still listens: it ends by
          // its silence timeout (the recording kept), not by a hang-up as the phrase ends.
          const recording = listening.verb === 'Record' && spokeInto === listening.generation;
          // An agent on a <Connect><Stream> ends the stream itself (or talks on): the caller
          // keeps listening once its input has run out.
          if (inputEnded && !recording && !listening.inStream) {
            options.recorder?.action({ kind: 'hangup' }, clock.now());
            log.add({ kind: 'party', at: clock.now(), text: 'hangs up (no more input)' });
            void farEnd.hangup();
          }
          return;
        }
        busyUntil = Date.now() + perform(next);
        if (next.kind === 'speak' && next.text !== '') answered = listening.generation;
        if (next.kind === 'speak' && listening.verb === 'Record') spokeInto = listening.generation;
        pump();
      },
      Math.max(REACTION_MS, busyUntil - Date.now()),
    );
  };
  listening.onChange = pump;
  const onKey = (data: Buffer | string) => {
    const actions = reader.feed(data.toString());
    state.typing = reader.typing;
    if (!paced) {
      for (const action of actions) perform(action);
      return;
    }
    queue.push(...actions);
    pump();
  };
  const onEnd = () => {
    inputEnded = true;
    pump();
  };
  terminal.input.setRawMode?.(true);
  terminal.input.on('data', onKey);
  terminal.input.on('end', onEnd);
  terminal.input.resume();

  const screen = terminal.output.isTTY === true;
  if (!screen) {
    log.listen((entry) => {
      const line = lineOf(entry);
      if (line !== undefined) terminal.output.write(`${line}\n`);
    });
  }
  let lastFrame = '';
  const draw = () => {
    if (!screen) return;
    const width = Math.max(40, terminal.output.columns ?? 100);
    const height = Math.max(12, (terminal.output.rows ?? 30) - 1);
    const frame = renderFrame(state, options.url, clock.now(), width, height);
    if (frame === lastFrame) return;
    lastFrame = frame;
    terminal.output.write(`\u001b[H${frame.split('\n').join('\u001b[K\n')}\u001b[K\u001b[J`);
  };
  if (screen) terminal.output.write('\u001b[2J\u001b[H\u001b[?25l');
  const ticker = setInterval(draw, FRAME_MS);

  try {
    const record = engine.inbound(inboundParams(options), runtime.observe(call.channel));
    mainSid ??= record.sid;
    const status = await ended;
    await runtime.close({ deadlineMs: 3000 });
    draw();
    return status;
  } finally {
    clearInterval(ticker);
    for (const t of timers) clearTimeout(t);
    terminal.input.off('data', onKey);
    terminal.input.off('end', onEnd);
    terminal.input.setRawMode?.(false);
    terminal.input.pause();
    if (screen) terminal.output.write('\u001b[?25h\n');
    await runtime.close({ deadlineMs: 0 }).catch(() => undefined);
  }
}

/**
 * Whether the app is listening to the caller: a `<Gather>` whose prompts have finished, or a
 * `<Record>` that has started recording, is running on the call. The engine's verb events say
 * when a verb starts and ends; the channel's operations say when prompts play.
 */
function createListening(): {
  onVerb(verb: string, phase: 'start' | 'end'): void;
  onOperation(op: ObservedOperation): void;
  now(): boolean;
  /** The listening verb running now, if any. */
  readonly verb: 'Gather' | 'Record' | undefined;
  /** Counts the `<Gather>`s and `<Record>`s started so far: which one is listening. */
  readonly generation: number;
  /** The caller is in a conference room (its `<Dial><Conference>` is connected). */
  readonly inRoom: boolean;
  /** The caller waits in a queue (`<Enqueue>`): its wait documents may still ask for keys. */
  readonly queued: boolean;
  /** The call fetched a document: a wait document's `<Gather>` is over. */
  documentFetched(): void;
  /** The call's `<Dial>` put it in a conference room; it leaves when that `<Dial>` ends. */
  enterRoom(): void;
  /** A `<Connect>` verb is running (its stream may connect). */
  readonly connecting: boolean;
  /** The `<Connect>`'s stream is connected: the agent hears the caller. */
  readonly inStream: boolean;
  /** The `<Connect>`'s stream connected; it ends with that `<Connect>`. */
  enterStream(): void;
  onChange: () => void;
} {
  let verb: 'Gather' | 'Record' | undefined;
  let started = false;
  let prompts = 0;
  let generation = 0;
  let inRoom = false;
  let queued = false;
  let connecting = false;
  let inStream = false;
  /**
   * A `<Gather>` of an `<Enqueue>` wait document: those documents report no verb events, so
   * it is known by its `gather` operation and ends when the next document is fetched.
   */
  let waitGather = false;
  const self = {
    get generation() {
      return generation;
    },
    get verb() {
      return verb;
    },
    get inRoom() {
      return inRoom;
    },
    get queued() {
      return queued;
    },
    enterRoom() {
      inRoom = true;
      self.onChange();
    },
    get connecting() {
      return connecting;
    },
    get inStream() {
      return inStream;
    },
    enterStream() {
      inStream = true;
      self.onChange();
    },
    onChange: () => {},
    now: () => verb !== undefined && started && prompts === 0,
    onVerb(name: string, phase: 'start' | 'end') {
      if (name === 'Dial' && phase === 'end' && inRoom) {
        inRoom = false;
        self.onChange();
      }
      if (name === 'Connect') {
        connecting = phase === 'start';
        if (!connecting && inStream) {
          inStream = false;
          self.onChange();
        }
      }
      if (name === 'Enqueue') {
        queued = phase === 'start';
        if (waitGather) {
          waitGather = false;
          verb = undefined;
        }
        self.onChange();
      }
      if (name !== 'Gather' && name !== 'Record') return;
      verb = phase === 'start' ? name : undefined;
      if (phase === 'start') generation++;
      started = false;
      prompts = 0;
      self.onChange();
    },
    documentFetched() {
      if (!waitGather) return;
      waitGather = false;
      verb = undefined;
      self.onChange();
    },
    onOperation(op: ObservedOperation) {
      if (verb === undefined && queued && op.op === 'gather') {
        waitGather = true;
        verb = 'Gather';
        generation++;
        prompts = 0;
      }
      if (verb === undefined) return;
      if (op.op === 'gather' || op.op === 'record') {
        started = true;
        self.onChange();
      } else if (verb === 'Gather' && (op.op === 'say' || op.op === 'play' || op.op === 'pause')) {
        const current = verb;
        prompts++;
        void op.settled.then(() => {
          if (verb !== current) return;
          prompts = Math.max(0, prompts - 1);
          self.onChange();
        });
      }
    },
  };
  return self;
}
