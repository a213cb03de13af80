/**
 * `<Start><Stream>`: fork the call's audio (`track`) to a WebSocket and go on at once; the
 * stream runs until `<Stop><Stream name>`, the application closes it, or the call ends.
 */
import type { StartVerb, StreamNoun } from '../document/ast.js';
import type { StreamStart } from '../streams/callStreams.js';
import { resolveStreamUrl } from '../streams/url.js';
import { NEXT, type VerbOutcome, type VerbScope } from './types.js';

export async function executeStart(verb: StartVerb, scope: VerbScope): Promise<VerbOutcome> {
  await scope.answer();
  const streams = scope.streams;
  // Stryker disable next-line ConditionalExpression,BlockStatement: only a whisper leg's scope has no streams, and a leg's document cannot hold <Start> (WHISPER_VERBS, refused with 12200 before it runs): the guard cannot trigger
  if (streams === undefined) {
    // Stryker disable next-line StringLiteral: unreachable, see the guard above
    scope.notice(14107, '<Start><Stream> is not available here (media streams)', 'error');
    return NEXT;
  }
  streams.fork(streamStart(verb.stream, scope));
  return NEXT;
}

/** A stream noun with its URLs resolved against the document. */
export function streamStart(noun: StreamNoun, scope: VerbScope): StreamStart {
  return {
    noun,
    url: resolveStreamUrl(noun.url, scope.documentUrl),
    statusCallback: noun.statusCallback === null ? null : scope.resolveUrl(noun.statusCallback),
  };
}
