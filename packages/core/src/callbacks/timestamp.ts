/**
 * RFC 2822 dates in UTC to the second, as status callbacks and the Calls API show them:
 * `Thu, 01 Jan 2026 00:00:05 +0000` (fractions truncated).
 */

// Formatting a Date is costly and every callback of a busy second asks for the same string.
let lastSecond = Number.NaN;
// Stryker disable next-line StringLiteral: never read before it is set: lastSecond starts as NaN, which no second equals (NaN !== NaN holds even for a NaN epochMs), so the first call formats
let lastText = '';

/** The RFC 2822 date (UTC, whole seconds) of `epochMs` milliseconds since the Unix epoch. */
export function rfc2822(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== lastSecond) {
    // toUTCString gives "Thu, 01 Jan 2026 00:00:05 GMT"; RFC 2822 prefers the numeric zone.
    lastText = new Date(second * 1000).toUTCString().replace('GMT', '+0000');
    lastSecond = second;
  }
  return lastText;
}
