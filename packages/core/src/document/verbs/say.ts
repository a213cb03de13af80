/** `<Say>` attributes (spec 4.1): voice, language, loop. Warning code 13501. */
import type { ElementScope } from '../attributes.js';

/** Typed `<Say>` attributes with defaults applied. */
export interface SayAttributes {
  readonly voice: string;
  readonly language: string;
  readonly loop: number;
}

const DEFAULT_SAY: SayAttributes = Object.freeze({ voice: 'man', language: 'en-US', loop: 1 });

/**
 * Longest text a `<Say>` speaks, in characters (Unicode code points, as replay's
 * `sayCharSeconds` counts them); longer text is cut with warning 13521.
 */
export const MAX_SAY_CHARS = 4096;

/**
 * The one place `<Say>` text is cut (spec 4.1): its first {@link MAX_SAY_CHARS} code points,
 * never inside a surrogate pair, and nothing trimmed after the cut (a trailing space is one of
 * the characters kept). Returns `text` itself when it is not over the limit.
 */
export function cutSayText(text: string): string {
  // UTF-16 length is never below the code point count: at most MAX_SAY_CHARS units is short.
  if (text.length <= MAX_SAY_CHARS) return text;
  let points = 0;
  for (let i = 0; i < text.length; i++) {
    if (points === MAX_SAY_CHARS) return text.slice(0, i);
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) i++;
    }
    points++;
  }
  return text;
}

/** `<Say>` `voice`, `language` and `loop`; a `<Say>` without attributes shares one frozen default. */
export function parseSayAttributes(scope: ElementScope): SayAttributes {
  if (scope.isEmpty()) return DEFAULT_SAY;
  const voiceRaw = scope.raw('voice');
  let voice = 'man';
  if (voiceRaw !== undefined) {
    if (voiceRaw === '') scope.warn('voice', 'empty voice; using man');
    else voice = voiceRaw;
  }
  const languageRaw = scope.raw('language');
  let language = 'en-US';
  if (languageRaw !== undefined) {
    if (isLanguageTag(languageRaw)) language = languageRaw;
    else scope.warn('language', `"${languageRaw}" is not a language tag; using en-US`);
  }
  return { voice, language, loop: scope.loop() };
}

/**
 * Whether a value looks like a BCP 47 language tag: a 2-3 letter primary language, then
 * subtags of 2-8 letters or digits (`en`, `en-GB`, `cmn-Hans-CN`).
 */
function isLanguageTag(value: string): boolean {
  return /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(value);
}
