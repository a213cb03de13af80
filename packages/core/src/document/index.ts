/**
 * The document model's entry points: parse RCML text into a typed, validated document, decide
 * what a fetched body is, and serialize a typed document back to RCML. The work lives in the
 * sibling modules; this file only names the public surface.
 */
import type { ParseResult, RcmlDocument } from './ast.js';
import { classifyContent as classify } from './contentType.js';
import { parseDocument as parse } from './parse.js';
import { serializeDocument as serialize } from './serialize.js';

export { XML_PARSER_OPTIONS } from './xml.js';

/** Limits applied while parsing (spec sections 3 and 8). */
export interface ParseOptions {
  /** Bytes (UTF-8), default 65,536. */
  readonly maxBytes?: number;
  /** Element nesting depth, default 16. */
  readonly maxDepth?: number;
  /** Verbs per document (nested ones included), default 100. */
  readonly maxVerbs?: number;
  /** `loop` cap, default 1000. */
  readonly maxLoop?: number;
}

/** What a fetched body is, from its Content-Type and text (spec section 2). */
export type ContentDecision =
  | { readonly kind: 'rcml'; readonly result: ParseResult }
  | { readonly kind: 'say'; readonly text: string }
  | { readonly kind: 'play' }
  | { readonly kind: 'failure'; readonly code: 12300; readonly message: string };

/**
 * Parse and validate RCML text. Never throws. Returns the typed document (every default of
 * spec section 4 applied) with its 13xxx warnings, or the first failure: 12100 (not
 * well-formed, DOCTYPE), 12102 (root is not `<Response>`), 12200 (schema violation) or 12400
 * (size, depth or verb-count limit).
 */
export function parseDocument(text: string, options?: ParseOptions): ParseResult {
  return parse(text, options);
}

/** Typed document to RCML text; `parseDocument` of the result gives the same document back. */
export function serializeDocument(document: RcmlDocument): string {
  return serialize(document);
}

/**
 * Decide how to treat a fetched body. Never throws. `text/xml`, `application/xml`, `+xml` and
 * `text/html` are RCML; `text/plain` or no Content-Type at all is RCML when it is a
 * `<Response>` document, else text to say; `audio/*` is played; anything else is a 12300 failure.
 */
export function classifyContent(
  contentType: string | null,
  body: string,
  options?: ParseOptions,
): ContentDecision {
  return classify(contentType, body, options);
}
