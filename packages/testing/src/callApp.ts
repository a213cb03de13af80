/**
 * `callApp`: call a running voice application (an Express app on 127.0.0.1, say) the way a
 * test calls a web route. The call runs on the simulated driver and clock (milliseconds, exact
 * times) and its requests go to the application over real HTTP (live replay). The caller is
 * paced: each entry of `input` answers the next `<Gather>` once it listens, so a test says
 * *what* the caller does, not when.
 */
import type { EngineEvent } from '@rcml/core';
import { SCRIPT_PRIORITY } from '@rcml/driver';
import {
  type PartyAction,
  type RunResult,
  runScenario,
  type Scenario,
  type ScenarioMedia,
  type StartedRun,
  type TimelineEntry,
} from '@rcml/replay';

/** One thing the caller does when the application next listens. */
export type CallerInput =
  /** Keys, e.g. `'2'` or `'1234#'`. */
  | string
  | { readonly keys: string }
  /** Words for a speech `<Gather>` (spoken for `seconds`, default 0.1 s per character, at least 1 s). */
  | { readonly say: string; readonly seconds?: number; readonly confidence?: number }
  /** Say nothing: this `<Gather>` runs out. */
  | { readonly silence: true }
  /** Hang up. */
  | { readonly hangup: true };

/** Options of {@link callApp}. */
export interface CallAppOptions {
  /**
   * What the caller does, in order: each entry answers the next `<Gather>` of the call,
   * `reaction` seconds after it starts (keys barge in on its prompts).
   */
  readonly input?: readonly CallerInput[];
  /** Shorthand for `input` of keys: one string per `<Gather>`, e.g. `['2', '1']`. */
  readonly keys?: readonly string[];
  /** Shorthand for `input` of phrases: one per speech `<Gather>`. Used when `keys` is given too, by input type. */
  readonly speech?: readonly string[];
  /** When the input is used up and the application listens again: hang up (default) or stay silent. */
  readonly afterInput?: 'hangup' | 'silence';
  /** Seconds between a `<Gather>` starting and the caller acting (default 0.5). */
  readonly reaction?: number;
  /** The caller (default `+15550001000`) and the number called (default `+15550002000`). */
  readonly from?: string;
  readonly to?: string;
  /** `Method` of the first request (default POST). */
  readonly method?: 'GET' | 'POST';
  /** Extra parameters of the inbound call (`StatusCallback`, `FromCity`...), scenario `inbound` fields. */
  readonly params?: Readonly<Record<string, string>>;
  /** Sign every request (`X-Twilio-Signature`) with this token, for the real URL. */
  readonly authToken?: string;
  /** Timed far-end actions on top of the paced input (e.g. `{ at: 30, do: 'hangup' }`). */
  readonly party?: readonly PartyAction[];
  /** How `<Dial>`led numbers behave (scenario `dialed`). */
  readonly dialed?: Scenario['dialed'];
  /** Media timing (scenario `media`; default 0.05 s per spoken character). */
  readonly media?: ScenarioMedia;
  /** The origin the scenario and the timeline use for the application (default `http://app.test`). */
  readonly origin?: string;
}

/** A request the application received. */
export interface AppRequest {
  /** Simulated seconds since the call started. */
  readonly at: number;
  readonly kind: 'fetch' | 'callback';
  readonly method: string;
  /** The path, e.g. `/menu` (no query: GET parameters are in `params`). */
  readonly path: string;
  /** The URL as the timeline shows it (under `origin`). */
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
}

/** What {@link callApp} observed. */
export interface AppCall {
  /** The engine's timeline, as replay scenarios write it. */
  readonly timeline: readonly TimelineEntry[];
  /** Every request the application received, in order. */
  readonly requests: readonly AppRequest[];
  /** The final status and duration, or null when the call never started. */
  readonly final: { readonly status: string; readonly duration: number } | null;
  /** Broken engine invariants (empty normally). */
  readonly violations: readonly string[];
  /** Notices (warnings and errors) the engine raised during the call. */
  readonly notices: readonly { readonly at: number; readonly code: number; readonly message: string }[];
  /** The call as a replay scenario (the caller's actions at their times, the timeline as `expect`). */
  readonly scenario: Scenario;
  readonly result: RunResult;
}

const DEFAULT_ORIGIN = 'http://app.test';

/** `input` from the options: `input`, else `keys`/`speech`. */
function inputsOf(options: CallAppOptions): { queue: CallerInput[]; typed: boolean } {
  if (options.input !== undefined) return { queue: [...options.input], typed: false };
  const keys = [...(options.keys ?? [])];
  const speech = (options.speech ?? []).map((say) => ({ say }));
  if (speech.length === 0) return { queue: keys, typed: false };
  if (keys.length === 0) return { queue: speech, typed: false };
  return { queue: [...keys, ...speech], typed: true };
}

/** The timed party action an input becomes. */
function actionFor(input: CallerInput, at: number): PartyAction | null {
  if (typeof input === 'string') return { at, do: 'dtmf', digits: input };
  if ('keys' in input) return { at, do: 'dtmf', digits: input.keys };
  if ('hangup' in input) return { at, do: 'hangup' };
  if ('silence' in input) return null;
  const seconds = input.seconds ?? Math.max(1, Math.round(input.say.length * 0.1 * 10) / 10);
  return {
    at,
    do: 'speak',
    for: seconds,
    text: input.say,
    ...(input.confidence === undefined ? {} : { confidence: input.confidence }),
  };
}

const isKeys = (input: CallerInput) => typeof input === 'string' || 'keys' in input;

/**
 * Call the application at `url` (e.g. `http://127.0.0.1:3000/voice`) as an inbound call and
 * return what happened. The application must be running; its origin is mapped from
 * `options.origin`.
 *
 * @example
 * const call = await callApp(`${base}/voice`, { keys: ['2'], authToken: 'secret' });
 * assertRequested(call, '/menu', { Digits: '2' });
 * assertEndedWith(call, 'completed');
 */
export async function callApp(url: string, options: CallAppOptions = {}): Promise<AppCall> {
  let real: URL;
  try {
    real = new URL(url);
  } catch {
    throw new TypeError(`callApp: "${url}" is not an absolute http(s) URL`);
  }
  if (real.protocol !== 'http:' && real.protocol !== 'https:') {
    throw new TypeError(`callApp: "${url}" must be an http or https URL`);
  }
  const origin = options.origin ?? DEFAULT_ORIGIN;
  const reaction = options.reaction ?? 0.5;
  const { queue, typed } = inputsOf(options);
  const scenario: Scenario = {
    name: `callApp ${real.pathname}`,
    inbound: {
      From: options.from ?? '+15550001000',
      To: options.to ?? '+15550002000',
      ...options.params,
      Url: `${origin}${real.pathname}${real.search}`,
      ...(options.method === undefined ? {} : { Method: options.method }),
    },
    ...(options.party === undefined ? {} : { party: options.party }),
    ...(options.dialed === undefined ? {} : { dialed: options.dialed }),
    media: options.media ?? { sayCharSeconds: 0.05 },
  };
  const performed: PartyAction[] = [];
  const result = await runScenario(scenario, {
    app: {
      url: real.origin,
      origin,
      ...(options.authToken === undefined ? {} : { authToken: options.authToken }),
    },
    onStart: (run) => pace(run, queue, typed, reaction, options.afterInput ?? 'hangup', performed),
  });
  const timeline = result.outcome.timeline;
  const party = [...(options.party ?? []), ...performed].sort((a, b) => a.at - b.at);
  return {
    timeline,
    requests: timeline.flatMap((e) =>
      e.kind === 'media' || e.kind === 'stream'
        ? []
        : [
            {
              at: e.at,
              kind: e.kind,
              method: e.method,
              url: e.url,
              path: e.url.startsWith(origin) ? e.url.slice(origin.length) || '/' : e.url,
              params: e.params,
            },
          ],
    ),
    final: result.outcome.final,
    violations: result.violations,
    notices: result.events.flatMap((e) =>
      e.type === 'notice' ? [{ at: e.at, code: e.code, message: e.message }] : [],
    ),
    scenario: {
      ...scenario,
      party,
      expect: {
        timeline: timeline as unknown as Readonly<Record<string, unknown>>[],
        ...(result.outcome.final === null ? {} : { final: result.outcome.final }),
      },
    },
    result,
  };
}

/**
 * The paced caller: when a `<Gather>` of the call starts, the next input is performed
 * `reaction` seconds later (if that Gather still runs), and written down as a timed action.
 */
function pace(
  run: StartedRun,
  queue: CallerInput[],
  typed: boolean,
  reaction: number,
  afterInput: 'hangup' | 'silence',
  performed: PartyAction[],
): void {
  const { engine, world, callSid } = run;
  const clock = world.clock;
  let generation = 0;
  let listening = false;
  engine.subscribe((event: EngineEvent) => {
    if (event.type !== 'verb' || event.callSid !== callSid || event.verb !== 'Gather') return;
    listening = event.phase === 'start';
    if (!listening) return;
    const mine = ++generation;
    clock.schedule(
      clock.now() + reaction * 1000,
      () => {
        if (!listening || mine !== generation) return;
        const input = next();
        const at = Math.round(((clock.now() - world.origin) / 1000) * 1_000_000) / 1_000_000;
        const action = input === undefined ? null : actionFor(input, at);
        if (action === null) return;
        performed.push(action);
        const farEnd = world.driver.calls[0]?.farEnd;
        if (farEnd === undefined) return;
        switch (action.do) {
          case 'dtmf':
            void farEnd.dtmf(action.digits);
            break;
          case 'speak':
            void farEnd.speak(action.for, action.text, action.confidence);
            break;
          case 'hangup':
            void farEnd.hangup();
            break;
          default:
            break;
        }
      },
      SCRIPT_PRIORITY,
    );
  });

  /** The next input for the Gather that is listening (by its `input` when keys and speech were both given). */
  function next(): CallerInput | undefined {
    if (queue.length === 0) return afterInput === 'hangup' ? { hangup: true } : undefined;
    if (!typed) return queue.shift();
    const gather = [...world.recorder.entries].reverse().find((e) => e.kind === 'media' && e.op === 'gather');
    const accepts = String((gather as { input?: unknown } | undefined)?.input ?? 'dtmf');
    const wantKeys = accepts.includes('dtmf');
    const wantSpeech = accepts.includes('speech');
    const i = queue.findIndex((input) => (isKeys(input) ? wantKeys : wantSpeech));
    if (i === -1) return undefined;
    return queue.splice(i, 1)[0];
  }
}
