/**
 * Live changes through `POST Calls/{CallSid}` at any moment (spec 1.5): a new `Url` (with
 * its method and sometimes a fallback), or `Status=completed` / `Status=canceled`.
 */
import type { ModifyEntry } from '@rcml/replay';
import fc from 'fast-check';
import { APP_BASE, byTime, FALLBACK_URL, seconds } from './common.js';

/** One live change at a time within `[0, maxSeconds]`, to one of `pages` for a new `Url`. */
export function liveChange(pages: readonly string[], maxSeconds = 60): fc.Arbitrary<ModifyEntry> {
  const redirect = fc
    .record({
      at: seconds(0, maxSeconds),
      page: fc.constantFrom(...pages),
      method: fc.option(fc.constantFrom('GET', 'POST'), { nil: undefined }),
      fallback: fc.boolean(),
    })
    .map(({ at, page, method, fallback }): ModifyEntry => {
      const entry: Record<string, string | number> = { at, Url: `${APP_BASE}/${page}` };
      if (method !== undefined) entry.Method = method;
      if (fallback) entry.FallbackUrl = FALLBACK_URL;
      return entry as ModifyEntry;
    });
  const status = fc
    .record({ at: seconds(0, maxSeconds), status: fc.constantFrom('completed', 'completed', 'canceled') })
    .map(({ at, status: s }): ModifyEntry => ({ at, Status: s }));
  return fc.oneof({ weight: 2, arbitrary: redirect }, { weight: 1, arbitrary: status });
}

/** Usually no live change, sometimes one or two, in time order. */
export function liveChanges(pages: readonly string[], maxSeconds = 60): fc.Arbitrary<ModifyEntry[]> {
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.array(liveChange(pages, maxSeconds), { minLength: 1, maxLength: 2 }) },
    )
    .map((entries) => byTime(entries, (e) => e.at));
}
