/**
 * Dialed-target behaviours: what each `<Dial>` target does after it is dialled (rings,
 * answers, is busy, fails, or never answers; once answered it may press keys and hangs up).
 */
import type { DialedAction } from '@rcml/replay';
import fc from 'fast-check';
import { byTime, digitString, seconds } from './common.js';

/** The behaviour of one dialled target, bounded by `maxSeconds` after it was dialled. */
export function dialedBehaviour(maxSeconds = 30): fc.Arbitrary<DialedAction[]> {
  return fc
    .record({
      outcome: fc.constantFrom('answer', 'answer', 'answer', 'busy', 'fail', 'silent'),
      ring: fc.option(seconds(0, 2), { nil: undefined }),
      pickUp: seconds(0, 12),
      talk: seconds(0, maxSeconds),
      keys: fc.option(
        fc.record({ after: seconds(0, 10), digits: fc.oneof(fc.constant('*'), digitString(2)) }),
        {
          nil: undefined,
        },
      ),
    })
    .map(({ outcome, ring, pickUp, talk, keys }) => {
      const start = Math.max(pickUp, ring ?? 0);
      const out: DialedAction[] = ring === undefined ? [] : [{ after: ring, do: 'ring' }];
      if (outcome === 'silent') return out;
      if (outcome === 'busy' || outcome === 'fail') return [...out, { after: start, do: outcome }];
      out.push({ after: start, do: 'answer' });
      const end = round(start + talk);
      if (keys !== undefined && start + keys.after < end) {
        out.push({ after: round(start + keys.after), do: 'dtmf', digits: keys.digits });
      }
      out.push({ after: end, do: 'hangup' });
      return byTime(out, (a) => a.after);
    });
}

/** Behaviours for some of `targets` (the rest ring until the `<Dial>` timeout). */
export function dialedTargets(targets: readonly string[]): fc.Arbitrary<Record<string, DialedAction[]>> {
  return fc
    .tuple(
      ...targets.map((t) =>
        fc.option(
          dialedBehaviour().map((b) => [t, b] as const),
          { nil: undefined, freq: 4 },
        ),
      ),
    )
    .map((entries) => Object.fromEntries(entries.filter((e) => e !== undefined)));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
