/** `<Say>` (spec 4.1): text to speech, with SSML passed through. */

import { untilAborted } from '../call/abort.js';
import type { SayVerb } from '../document/ast.js';
import type { SayRequest } from '../ports.js';
import { loopCount, NEXT, type VerbOutcome, type VerbScope } from './types.js';

const MAX_TEXT = 4096;

/** Speak the text; empty text is skipped without answering. */
export async function executeSay(
  verb: SayVerb,
  scope: VerbScope,
  signal = scope.signal,
): Promise<VerbOutcome> {
  if (verb.text === '') return NEXT;
  await scope.answer();
  let text = verb.text;
  // Characters are code points: UTF-16 length over the cap does not mean over the cap.
  if (text.length > MAX_TEXT) {
    const cut = cutCodePoints(text, MAX_TEXT);
    if (cut !== text) {
      text = cut;
      scope.notice(13521, `Say text over ${MAX_TEXT} characters was cut`, 'warning');
    }
  }
  const request: SayRequest =
    verb.ssml === undefined
      ? { text, voice: verb.voice, language: verb.language, loop: loopCount(verb.loop, scope.limits.maxLoop) }
      : {
          text,
          ssml: verb.ssml,
          voice: verb.voice,
          language: verb.language,
          loop: loopCount(verb.loop, scope.limits.maxLoop),
        };
  await untilAborted(scope.channel.say(request, signal), signal);
  return NEXT;
}

/** `text` cut to its first `max` code points (never inside a surrogate pair). */
function cutCodePoints(text: string, max: number): string {
  let points = 0;
  for (let i = 0; i < text.length; i++) {
    if (points === max) return text.slice(0, i);
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
    points++;
  }
  return text;
}
