/**
 * The document model's entry points (owned by the document-model work; being written).
 */
import type { ParseResult, RcmlDocument } from './ast.js';

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

/** Parse and validate RCML text. Never throws. */
export function parseDocument(_text: string, _options?: ParseOptions): ParseResult {
  throw new Error('parseDocument: not written yet');
}

/** Typed document to RCML text. */
export function serializeDocument(_document: RcmlDocument): string {
  throw new Error('serializeDocument: not written yet');
}

/** Decide how to treat a fetched body. Never throws. */
export function classifyContent(
  _contentType: string | null,
  _body: string,
  _options?: ParseOptions,
): ContentDecision {
  throw new Error('classifyContent: not written yet');
}
