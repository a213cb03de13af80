/**
 * The queue elements of TwiML: `<Enqueue>` (its attributes; the queue name is its text) and
 * the `<Queue>` noun of `<Dial>`. `<Leave>` has no attributes. Warnings: 13801 for Enqueue,
 * the Dial code 13201 for Queue.
 */
import type { EnqueueVerb, Position, QueueNoun } from '../ast.js';
import type { ElementScope } from '../attributes.js';

/** Longest queue name TwiML accepts. */
export const MAX_QUEUE_NAME = 64;

/** `<Enqueue>` with its attributes; `name` is the trimmed element text (not empty). */
export function parseEnqueue(scope: ElementScope, name: string, position: Position): EnqueueVerb {
  let queue = name;
  if ([...queue].length > MAX_QUEUE_NAME) {
    queue = [...queue].slice(0, MAX_QUEUE_NAME).join('');
    scope.context.warnings.push({
      code: 13801,
      message: `<Enqueue> queue name is over ${MAX_QUEUE_NAME} characters; cut to "${queue}"`,
      path: position.path,
      ...(position.line === undefined ? {} : { line: position.line }),
    });
  }
  return {
    kind: 'Enqueue',
    queue,
    action: scope.string('action'),
    method: scope.method('method'),
    waitUrl: scope.string('waitUrl'),
    waitUrlMethod: scope.method('waitUrlMethod'),
    position,
  };
}

/** `<Queue>` (queue name in `value`) with its attributes. */
export function parseQueueNoun(scope: ElementScope, value: string, position: Position): QueueNoun {
  return { kind: 'Queue', value, url: scope.string('url'), method: scope.method('method'), position };
}
