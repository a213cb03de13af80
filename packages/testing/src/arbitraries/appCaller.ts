/**
 * Generated callers of a real application (`fuzz({ app })`, `rcml fuzz --app`): scenarios
 * with no `app` section, whose requests a live replay sends to the running application. The
 * caller calls in (or the application's number is called out through the Calls API and
 * picked up, is busy, fails or never answers), presses keys, speaks phrases the application
 * may understand, stays silent, and hangs up at any moment; numbers the
 * application dials answer, are busy, fail or never answer.
 */
import type { DialedAction, PartyAction, Scenario } from '@rcml/replay';
import fc from 'fast-check';
import { byTime, digitString, seconds } from './common.js';
import { dialedBehaviour } from './dialed.js';

/** Options of {@link appCaller}. */
export interface AppCallerOptions {
  /** The scenario URL of the first document, e.g. `http://app.test/voice`. */
  readonly url: string;
  /** Where progress callbacks go (scenario URL), e.g. `http://app.test/status`; none by default. */
  readonly statusCallback?: string;
  /** Numbers the caller calls from (default two made-up ones). */
  readonly from?: readonly string[];
  /** The application's number (default `+15550002000`). */
  readonly to?: string;
  /** Phrases a speaking caller says (default a few menu words and nonsense). */
  readonly phrases?: readonly string[];
  /** Numbers the application may `<Dial>`: each gets a generated behaviour. */
  readonly dialed?: readonly string[];
  /** Latest hang-up, simulated seconds after the answer (default 60). */
  readonly maxSeconds?: number;
  /** Most keypress/speech actions per call (default 6). */
  readonly maxActions?: number;
  /** Generate outbound calls through the Calls API too (default true). */
  readonly outbound?: boolean;
}

const DEFAULT_PHRASES = ['yes', 'no', 'sales', 'support', 'goodbye', 'agent please', 'umm', 'blue banana'];

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Keys, speech (with words) and silent voice at times within `[from, to]`. */
function actions(from: number, to: number, options: AppCallerOptions): fc.Arbitrary<PartyAction[]> {
  const phrases = options.phrases ?? DEFAULT_PHRASES;
  const dtmf = fc
    .record({
      at: seconds(from, to),
      digits: digitString(4),
      gap: fc.option(seconds(0.1, 2), { nil: undefined }),
    })
    .map(
      ({ at, digits, gap }): PartyAction =>
        gap === undefined ? { at, do: 'dtmf', digits } : { at, do: 'dtmf', digits, gap },
    );
  const speak = fc
    .record({ at: seconds(from, to), for: seconds(0.5, 4), text: fc.option(fc.constantFrom(...phrases)) })
    .map(
      (s): PartyAction =>
        s.text === null
          ? { at: s.at, do: 'speak', for: s.for }
          : { at: s.at, do: 'speak', for: s.for, text: s.text },
    );
  return fc.array(fc.oneof({ weight: 3, arbitrary: dtmf }, { weight: 2, arbitrary: speak }), {
    maxLength: options.maxActions ?? 6,
  });
}

/**
 * What the caller does after `start` (the answer): actions, and a hang-up at any time up to
 * `maxSeconds` later (always: a menu that loops on silence would otherwise never end).
 */
function caller(start: number, options: AppCallerOptions): fc.Arbitrary<PartyAction[]> {
  const max = options.maxSeconds ?? 60;
  return fc
    .tuple(actions(start, start + max, options), seconds(start, start + max))
    .map(([list, hangup]) =>
      byTime([...list.filter((a) => a.at < hangup), { at: hangup, do: 'hangup' }], (a) => a.at),
    );
}

function dialedOf(options: AppCallerOptions): fc.Arbitrary<Record<string, DialedAction[]> | undefined> {
  const numbers = options.dialed ?? [];
  if (numbers.length === 0) return fc.constant(undefined);
  return fc
    .tuple(...numbers.map((n) => dialedBehaviour().map((b) => [n, b] as const)))
    .map((entries) => Object.fromEntries(entries));
}

/** Generated calls to the application at `options.url`, as scenarios without an `app` section. */
export function appCaller(options: AppCallerOptions): fc.Arbitrary<Scenario> {
  const from = options.from ?? ['+15550001000', '+15550003333'];
  const to = options.to ?? '+15550002000';
  const callbacks =
    options.statusCallback === undefined
      ? {}
      : {
          StatusCallback: options.statusCallback,
          StatusCallbackEvent: 'initiated ringing answered completed',
        };
  const inbound = fc
    .record({ from: fc.constantFrom(...from), party: caller(0, options), dialed: dialedOf(options) })
    .map(
      ({ from: caller, party, dialed }): Scenario => ({
        name: 'generated caller',
        inbound: { From: caller, To: to, Url: options.url, ...callbacks },
        party,
        ...(dialed === undefined ? {} : { dialed }),
      }),
    );
  if (options.outbound === false) return inbound;
  const outcome = fc.constantFrom('answer', 'answer', 'answer', 'busy', 'fail', 'no-answer');
  const outbound = fc
    .record({
      from: fc.constantFrom(...from),
      outcome,
      pickUp: seconds(0, 20),
      party: seconds(0, 20).chain((start) => caller(start, options).map((p) => ({ start, p }))),
      dialed: dialedOf(options),
    })
    .map(({ from: number, outcome: o, pickUp, party, dialed }): Scenario => {
      const call = { From: to, To: number, Url: options.url, Timeout: '20', ...callbacks };
      const base = { name: 'generated call', call, ...(dialed === undefined ? {} : { dialed }) };
      if (o === 'no-answer') return { ...base, party: [] };
      if (o === 'busy' || o === 'fail') return { ...base, party: [{ at: pickUp, do: o }] };
      const answer: PartyAction = { at: party.start, do: 'answer' };
      return { ...base, party: [answer, ...party.p.map((a) => ({ ...a, at: round(a.at) }))] };
    });
  return fc.oneof({ weight: 3, arbitrary: inbound }, { weight: 1, arbitrary: outbound });
}
