/** `<Play>` attributes (spec 4.2): loop, digits. Warning code 13401. */
import { type ElementScope, onlyChars } from '../attributes.js';

/** Typed `<Play>` attributes with defaults applied. */
export interface PlayAttributes {
  readonly loop: number;
  readonly digits: string | null;
}

/** `<Play>` `loop` and `digits` (invalid digits: warning, ignored, the URL plays). */
export function parsePlayAttributes(scope: ElementScope): PlayAttributes {
  const loop = scope.loop();
  const raw = scope.raw('digits');
  let digits: string | null = null;
  if (raw !== undefined && raw !== '') {
    if (isDtmf(raw)) digits = raw;
    else scope.warn('digits', `"${raw}" holds characters other than 0-9 * # A-D w W; ignored`);
  }
  return { loop, digits };
}

/** Whether every character is a DTMF key or a wait (`0-9 * # A-D w W`). */
function isDtmf(value: string): boolean {
  return value.length > 0 && onlyChars(value, '0123456789*#ABCDwW');
}
