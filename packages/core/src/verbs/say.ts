/** `<Say>` (spec 4.1): text to speech, with SSML passed through. */

import { untilAborted } from '../call/abort.js';
import type { SayVerb } from '../document/ast.js';
import type { SayRequest } from '../ports.js';
import { loopCount, NEXT, type VerbOutcome, type VerbScope } from './types.js';

/**
 * Speak the text; empty text is skipped without answering. The text is already cut to 4096
 * characters by the document layer (`cutSayText`, for RCML and `text/plain` alike).
 */
export async function executeSay(
  verb: SayVerb,
  scope: VerbScope,
  signal = scope.signal,
): Promise<VerbOutcome> {
  if (verb.text === '') return NEXT;
  await scope.answer();
  const text = verb.text;
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
