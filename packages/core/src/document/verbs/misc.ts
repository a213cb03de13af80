/**
 * The small verbs: `<Redirect>` (13701), `<Reject>` and `<Sms>` (13801). `<Hangup>` has no
 * attributes.
 */
import type { HttpMethod, Position, SmsVerb } from '../ast.js';
import type { ElementScope } from '../attributes.js';

/** `<Redirect>` `method` (the URL is the element text, read by the walker). */
export function parseRedirectMethod(scope: ElementScope): HttpMethod {
  return scope.method('method');
}

const REASONS = ['rejected', 'busy'] as const;

/** `<Reject>` `reason`: `rejected` (default) or `busy`. */
export function parseRejectReason(scope: ElementScope): 'rejected' | 'busy' {
  return scope.oneOf('reason', REASONS, 'rejected');
}

/** `<Sms>` with its attributes; `body` is the trimmed element text. */
export function parseSms(scope: ElementScope, body: string, position: Position): SmsVerb {
  return {
    kind: 'Sms',
    body,
    to: scope.string('to'),
    from: scope.string('from'),
    action: scope.string('action'),
    method: scope.method('method'),
    statusCallback: scope.string('statusCallback'),
    position,
  };
}
