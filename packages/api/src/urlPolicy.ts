/**
 * The Calls API's early check of the URLs a client names (`Url`, `FallbackUrl`,
 * `StatusCallback`, and every other parameter whose name ends in `Url` or `Callback`): with a
 * URL check configured (the SSRF guard's `check`, e.g. `createUrlGuard().check` from
 * `@rcml/webhook`), a create or change naming a refused address is answered 400 naming the
 * parameter and the reason, and nothing is created or changed. Names that only DNS can judge
 * pass here; the transport refuses them when it connects.
 */
import { RcmlError } from '@rcml/core';

/** Why a URL is refused judging by the URL alone, or null. */
export type UrlCheck = (url: string) => string | null;

const FIRST = ['Url', 'FallbackUrl', 'StatusCallback'];

/** Whether a request parameter holds a URL the engine will request. */
export function isUrlParam(name: string): boolean {
  return /(Url|Callback)$/.test(name);
}

/** Throws `RcmlError` 20001 (400) naming the first URL parameter that `check` refuses. */
export function checkRequestUrls(
  params: Readonly<Record<string, string>>,
  check: UrlCheck | undefined,
): void {
  if (check === undefined) return;
  const names = Object.keys(params).filter(isUrlParam);
  names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const value = params[name]?.trim() ?? '';
    if (value === '') continue;
    const reason = check(value);
    if (reason !== null) {
      throw new RcmlError(20001, `${name}: ${reason}; this server does not request internal addresses`, {
        field: name,
      });
    }
  }
}

function rank(name: string): number {
  const index = FIRST.indexOf(name);
  return index < 0 ? FIRST.length : index;
}
