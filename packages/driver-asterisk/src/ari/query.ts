/**
 * Query strings the way the recorded ARI clients send them: every parameter in the query
 * (ARI accepts that for all operations), with `:` `/` `@` `,` left readable so that media
 * URIs and endpoints stay legible in logs and match the recorded traffic.
 */

/** A parameter value; `undefined` leaves the parameter out. */
export type QueryValue = string | number | boolean | undefined;

const READABLE: Readonly<Record<string, string>> = { '%3A': ':', '%2F': '/', '%40': '@', '%2C': ',' };

/** Percent-encode one query value, keeping `:` `/` `@` `,` as they are. */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A|%2F|%40|%2C/g, (m) => READABLE[m] ?? m);
}

/** Build `?a=1&b=2` (empty string when nothing is set), in the order given. */
export function buildQuery(params: Readonly<Record<string, QueryValue>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    parts.push(`${key}=${encodeQueryValue(String(value))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** Percent-encode a path segment (channel ids, recording names, bridge ids). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
