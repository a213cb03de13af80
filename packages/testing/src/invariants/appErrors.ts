/**
 * Invariant for a real application (`fuzz({ app })`): the application never makes the call
 * fail. Every error-level notice of the run is a violation: a document request answered
 * 4xx/5xx or not at all (11200, 11205…), an answer that is not RCML or does not parse (12100,
 * 12300…), a document the engine refuses. Warnings (an ignored attribute, say) are not.
 */
import type { Invariant, Violation } from '../types.js';

const NAME = 'app-errors';

/** The application answered every request of the call with something the engine could run. */
export const appErrors: Invariant = {
  name: NAME,
  description: 'the application answers every document request with a runnable document (no error notice)',
  check({ run }) {
    if (run === null) return [];
    const out: Violation[] = [];
    for (const event of run.events) {
      if (event.type !== 'notice' || event.level !== 'error') continue;
      out.push({ invariant: NAME, message: `error ${event.code}: ${event.message}` });
    }
    return out;
  },
};
