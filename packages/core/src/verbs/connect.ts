/**
 * `<Connect><Stream>`: a bidirectional media stream (TwiML). The call stays in the verb while
 * the application's WebSocket is open: the party's audio and keys go to it, its audio is played
 * to the party. When the socket closes (or the stream fails), `action` is requested with the
 * call's parameters, or the next verb runs. A hang-up or a live change leaves the verb through
 * its signal; the stream is stopped (`stop` message, socket closed).
 */
import { untilAborted } from '../call/abort.js';
import type { ConnectVerb } from '../document/ast.js';
import { streamStart } from './start.js';
import { fetchOutcome, NEXT, type VerbOutcome, type VerbScope } from './types.js';

export async function executeConnect(verb: ConnectVerb, scope: VerbScope): Promise<VerbOutcome> {
  await scope.answer();
  const streams = scope.streams;
  // Stryker disable next-line ConditionalExpression,BlockStatement: only a whisper leg's scope has no streams, and a leg's document cannot hold <Connect> (WHISPER_VERBS, refused with 12200 before it runs): the guard cannot trigger
  if (streams === undefined) {
    // Stryker disable next-line StringLiteral: unreachable, see the guard above
    scope.notice(14107, '<Connect><Stream> is not available here (media streams)', 'error');
    return NEXT;
  }
  const stream = streams.connect(streamStart(verb.stream, scope));
  scope.listen({ dtmf: (digit) => stream.dtmf(digit) });
  const stop = () => stream.stop();
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal fires 'abort' at most once, and the finally below removes the listener anyway
  scope.signal.addEventListener('abort', stop, { once: true });
  try {
    await untilAborted(stream.ended, scope.signal);
  } finally {
    // Stryker disable next-line StringLiteral: a listener left on the verb's signal could only call stop() after the verb, when the stream has ended or been stopped, and stop() of an ended stream does nothing
    scope.signal.removeEventListener('abort', stop);
  }
  if (verb.action === null) return NEXT;
  return fetchOutcome(scope, verb.action, verb.method, {});
}
