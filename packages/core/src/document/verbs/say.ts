/** `<Say>` attributes (spec 4.1): voice, language, loop. Warning code 13501. */
import type { ElementScope } from '../attributes.js';

/** Typed `<Say>` attributes with defaults applied. */
export interface SayAttributes {
  readonly voice: string;
  readonly language: string;
  readonly loop: number;
}

const DEFAULT_SAY: SayAttributes = Object.freeze({ voice: 'man', language: 'en-US', loop: 1 });

/** Longest text a `<Say>` speaks; longer text is cut with warning 13521. */
export const MAX_SAY_CHARS = 4096;

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
export function isLanguageTag(value: string): boolean {
  return /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(value);
}
