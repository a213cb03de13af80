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
  if (streams === undefined) {
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
