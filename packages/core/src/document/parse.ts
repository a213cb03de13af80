/**
 * `parseDocument`: the checks in the order that keeps hostile input cheap. Size first (from the
 * string length alone when possible), then the markup scan (DOCTYPE, depth, well-formedness)
 * before any parser runs, then the single walk that builds the typed
 * document. Never throws: anything unexpected becomes a 12100 failure.
 */
import type { DocumentIssue, ParseResult } from './ast.js';
import { DocumentFailure, issue, WalkContext } from './context.js';
import type { ParseOptions } from './index.js';
import { isTooLarge, lineAt, resolveLimits } from './limits.js';
import { buildDocument } from './validate.js';
import { scanMarkup } from './wellFormed.js';
import { parseXmlTree } from './xml.js';

const NO_WARNINGS: readonly DocumentIssue[] = Object.freeze([]);

/** Parse and validate RCML text. Never throws. */
export function parseDocument(text: string, options?: ParseOptions): ParseResult {
  if (typeof text !== 'string') {
    return failure(issue(12100, 'the document is not text'));
  }
  const limits = resolveLimits(options);
  if (isTooLarge(text, limits.maxBytes)) {
    return failure(issue(12400, `the document is larger than ${limits.maxBytes} bytes`));
  }
  const { body, lineOffset } = trimBody(text);
  if (body === '') return failure(issue(12100, 'the document is empty'));
  const scan = scanMarkup(body, limits.maxDepth);
  if (scan !== null) {
    const line = lineAt(body, scan.index) + lineOffset;
    switch (scan.kind) {
      case 'doctype':
        return failure({ code: 12100, message: 'a DOCTYPE is not allowed in RCML documents', line });
      case 'depth':
        return failure({ code: 12400, message: `elements are nested deeper than ${limits.maxDepth}`, line });
      default:
        return failure({ code: 12100, message: `not well-formed XML: ${scan.message}`, line });
    }
  }
  const context = new WalkContext(body, limits, lineOffset);
  try {
    const document = buildDocument(parseXmlTree(body), context);
    return { ok: true, document, warnings: context.warnings.length === 0 ? NO_WARNINGS : context.warnings };
  } catch (error) {
    if (error instanceof DocumentFailure)
      return { ok: false, error: error.issue, warnings: context.warnings };
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: issue(12100, `not well-formed XML: ${reason}`), warnings: context.warnings };
  }
}

function failure(error: DocumentIssue): ParseResult {
  return { ok: false, error, warnings: NO_WARNINGS };
}

/** Trim the body and count the lines removed in front, so reported lines match the input. */
function trimBody(text: string): { body: string; lineOffset: number } {
  let start = 0;
  let lines = 0;
  const n = text.length;
  while (start < n) {
    const c = text.charCodeAt(start);
    if (c === 10) lines++;
    else if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) break;
    start++;
  }
  let end = n;
  while (end > start) {
    const c = text.charCodeAt(end - 1);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    end--;
  }
  return { body: start === 0 && end === n ? text : text.slice(start, end), lineOffset: lines };
}
