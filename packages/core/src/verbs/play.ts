/** `<Play>` (spec 4.2): audio from a URL, or DTMF with `digits`. */

import { untilAborted } from '../call/abort.js';
import type { PlayVerb } from '../document/ast.js';
import { loopCount, NEXT, type VerbOutcome, type VerbScope } from './types.js';

/** Play (or send digits). A media URL that cannot be fetched: notice 13227 and go on. */
export async function executePlay(
  verb: PlayVerb,
  scope: VerbScope,
  signal = scope.signal,
): Promise<VerbOutcome> {
  await scope.answer();
  if (verb.digits !== null) {
    await untilAborted(scope.channel.sendDigits({ digits: verb.digits }, signal), signal);
    return NEXT;
  }
  const url = scope.resolveUrl(verb.url);
  if (url === null) {
    scope.notice(13227, `Play: media URL "${verb.url}" is not an http(s) URL`);
    return NEXT;
  }
  const outcome = await untilAborted(
    scope.channel.play({ url, loop: loopCount(verb.loop, scope.limits.maxLoop) }, signal),
    signal,
  );
  if (!outcome.ok) scope.notice(13227, `Play: media URL ${url} could not be fetched`);
  return NEXT;
}
