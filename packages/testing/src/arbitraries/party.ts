/**
 * Far-end behaviours: what the called party (outbound) or the caller (inbound) does and
 * when. Outbound calls ring, answer (by a human or a machine), are busy, fail, or never
 * answer; answered calls and inbound callers press keys (with gaps between keys), talk, and
 * hang up at any moment. Every answered call hangs up within `maxSeconds`, so a generated
 * call is bounded in simulated time.
 */
import type { PartyAction } from '@rcml/replay';
import fc from 'fast-check';
import { byTime, digitString, seconds } from './common.js';

/** Limits of the generated behaviour. */
export interface PartyOptions {
  /** Latest hang-up, simulated seconds after the call is connected (default 60). */
  readonly maxSeconds?: number;
  /** Most keypress/voice actions (default 4). */
  readonly maxActions?: number;
}

/** Key presses, voice activity, at times within `[from, to]`. */
function inCallActions(from: number, to: number, maxActions: number): fc.Arbitrary<PartyAction[]> {
  const dtmf = fc
    .record({
      at: seconds(from, to),
      digits: digitString(4),
      gap: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: seconds(0.1, 2) }),
    })
    .map(
      ({ at, digits, gap }): PartyAction =>
        gap === 0 ? { at, do: 'dtmf', digits } : { at, do: 'dtmf', digits, gap },
    );
  const speak = fc
    .record({ at: seconds(from, to), for: seconds(0.5, 6) })
    .map((s): PartyAction => ({ at: s.at, do: 'speak', for: s.for }));
  return fc.array(fc.oneof({ weight: 3, arbitrary: dtmf }, { weight: 1, arbitrary: speak }), {
    maxLength: maxActions,
  });
}

/** The caller of an inbound call: keys and voice, and a hang-up at any moment. */
export function callerBehaviour(options: PartyOptions = {}): fc.Arbitrary<PartyAction[]> {
  const max = options.maxSeconds ?? 60;
  return fc
    .tuple(inCallActions(0, max, options.maxActions ?? 4), seconds(0, max))
    .map(([actions, hangup]) =>
      byTime([...actions.filter((a) => a.at < hangup), { at: hangup, do: 'hangup' }], (a) => a.at),
    );
}

/** How an outbound attempt ends before anyone talks. */
export type OutboundOutcome = 'answer' | 'busy' | 'fail' | 'no-answer';

/**
 * The called party of an outbound call. `timeout` is the call's `Timeout` in seconds: an
 * answer is generated before it (a no-answer case simply never answers).
 */
export function calledPartyBehaviour(
  timeout: number,
  options: PartyOptions & { readonly detect?: boolean } = {},
): fc.Arbitrary<PartyAction[]> {
  const max = options.maxSeconds ?? 60;
  const outcome = fc.oneof(
    { weight: 14, arbitrary: fc.constant<OutboundOutcome>('answer') },
    { weight: 2, arbitrary: fc.constant<OutboundOutcome>('busy') },
    { weight: 1, arbitrary: fc.constant<OutboundOutcome>('fail') },
    { weight: 2, arbitrary: fc.constant<OutboundOutcome>('no-answer') },
  );
  const latest = Math.max(0, timeout - 0.5);
  return fc
    .record({
      outcome,
      ring: fc.option(seconds(0, Math.min(2, latest)), { nil: undefined }),
      pickUp: seconds(0, latest),
      by: fc.constantFrom<'human' | 'machine'>('human', 'machine'),
      talk: seconds(0, max),
      actions: inCallActions(0, max, options.maxActions ?? 4),
    })
    .map(({ outcome: o, ring, pickUp, by, talk, actions }) => {
      const start = Math.max(pickUp, ring ?? 0);
      const out: PartyAction[] = ring === undefined ? [] : [{ at: ring, do: 'ring' }];
      if (o === 'busy') return [...out, { at: start, do: 'busy' }];
      if (o === 'fail') return [...out, { at: start, do: 'fail' }];
      if (o === 'no-answer') return out;
      const answer: PartyAction = options.detect
        ? { at: start, do: 'answer', by }
        : { at: start, do: 'answer' };
      const shifted = actions
        .map((a) => ({ ...a, at: round(a.at + start) }))
        .filter((a) => a.at < start + talk);
      return byTime([...out, answer, ...shifted, { at: round(start + talk), do: 'hangup' }], (a) => a.at);
    });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
