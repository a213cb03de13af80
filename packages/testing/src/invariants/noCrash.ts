/**
 * Invariant (e): the engine never throws and leaves no unhandled rejection, whatever the
 * documents and the timing. Errors inside a call travel as events (notices); an internal
 * error notice (20500) counts as a crash too, and so does a media-driver failure (14103) in a
 * replay, whose simulated driver never fails.
 */
import type { Invariant, RunObservation, Violation } from '../types.js';

const NAME = 'no-crash';

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function check({ run, thrown, unhandled }: RunObservation): Violation[] {
  const out: Violation[] = [];
  for (const error of thrown) out.push({ invariant: NAME, message: `the run threw ${describe(error)}` });
  for (const error of unhandled) {
    out.push({ invariant: NAME, message: `unhandled rejection or exception: ${describe(error)}` });
  }
  for (const event of run?.events ?? []) {
    if (event.type === 'notice' && event.code === 20500) {
      out.push({ invariant: NAME, message: `internal error notice: ${event.message}` });
    }
    // The simulated driver of a replay never fails, so a driver-failure notice there means
    // the engine misused it or failed inside (the session reports its own crash this way).
    if (event.type === 'notice' && event.code === 14103) {
      out.push({
        invariant: NAME,
        message: `media driver failure notice (the simulated driver never fails): ${event.message}`,
      });
    }
  }
  return out;
}

/** The engine never throws and leaves no unhandled rejection. */
export const noCrash: Invariant = {
  name: NAME,
  description: 'the engine never throws and leaves no unhandled rejection, whatever the documents and timing',
  check,
};
