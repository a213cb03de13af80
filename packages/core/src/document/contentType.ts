/**
 * How to treat a fetched body (spec section 2): RCML, text to speak, audio to play, or a 12300
 * failure, from the Content-Type (case-insensitive, parameters ignored) and the body.
 * `text/html` is RCML (web frameworks answer a string body with it); `text/plain` and a missing
 * Content-Type are RCML when the body is a `<Response>` document, else text to speak.
 */
import type { ContentDecision, ParseOptions } from './index.js';
import { parseDocument } from './parse.js';

/** A body whose first element is `<Response>` (after an optional declaration and comments). */
const RESPONSE_ROOT = /^(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<Response[\s/>]/;

/** The media type without parameters, lower-cased (`Text/XML; charset=utf-8` → `text/xml`). */
function mediaTypeOf(contentType: string | null | undefined): string {
  if (contentType === null || contentType === undefined) return '';
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** Decide how to treat a fetched body. Never throws. */
export function classifyContent(
  contentType: string | null,
  body: string,
  options?: ParseOptions,
): ContentDecision {
  const type = mediaTypeOf(contentType);
  if (
    type === 'text/xml' ||
    type === 'application/xml' ||
    type === 'text/html' ||
    (type.endsWith('+xml') && type.includes('/'))
  ) {
    return { kind: 'rcml', result: parseDocument(body, options) };
  }
  if (type === 'text/plain' || type === '') {
    const text = body.trim();
    if (!text.startsWith('<')) return { kind: 'say', text };
    const result = parseDocument(body, options);
    // RCML when the body is a <Response> document, even one that then fails validation or a
    // limit; anything else (not XML, another root) is text to speak.
    if (result.ok || result.error.code === 12200) return { kind: 'rcml', result };
    if (result.error.code === 12400 && RESPONSE_ROOT.test(text)) return { kind: 'rcml', result };
    return { kind: 'say', text };
  }
  if (type.startsWith('audio/') && type.length > 6) return { kind: 'play' };
  return {
    kind: 'failure',
    code: 12300,
    message: `Content-Type "${contentType}" is not RCML (text/xml, application/xml, +xml, text/html), text/plain or audio/*`,
  };
}
