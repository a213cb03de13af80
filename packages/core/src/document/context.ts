/**
 * State of one document walk: the source text (for lines), the limits, the warnings found so
 * far, and the failure that stops the walk. Verb parsers receive a {@link ElementScope} to read
 * attributes and report warnings without knowing where they stand.
 */

import type { ErrorCode } from '../errors.js';
import type { DocumentIssue, Position } from './ast.js';
import type { Limits } from './limits.js';

/** Thrown inside the walk to stop it at the first failure; caught by parseDocument. */
export class DocumentFailure {
  constructor(readonly issue: DocumentIssue) {}
}

/** Shared state of one parse. */
export class WalkContext {
  readonly warnings: DocumentIssue[] = [];
  verbCount = 0;
  private lineCursor = 0;
  private lineAtCursor = 1;

  constructor(
    readonly text: string,
    readonly limits: Limits,
    /** Lines removed by trimming the body, added to every reported line. */
    readonly lineOffset: number,
  ) {}

  /**
   * 1-based line of an index. Elements are visited in document order, so the cursor only
   * moves forward in the common case; it restarts from the top otherwise.
   */
  lineOf(index: number): number | undefined {
    if (index < 0) return undefined;
    if (index < this.lineCursor) {
      this.lineCursor = 0;
      this.lineAtCursor = 1;
    }
    const text = this.text;
    let line = this.lineAtCursor;
    let nl = text.indexOf('\n', this.lineCursor);
    while (nl !== -1 && nl < index) {
      line++;
      nl = text.indexOf('\n', nl + 1);
    }
    this.lineCursor = index;
    this.lineAtCursor = line;
    return line + this.lineOffset;
  }

  fail(code: ErrorCode, message: string, position?: Position): never {
    throw new DocumentFailure(issue(code, message, position));
  }
}

/** A DocumentIssue without undefined optional fields (exactOptionalPropertyTypes). */
export function issue(
  code: ErrorCode,
  message: string,
  position?: Position,
  attribute?: string,
): DocumentIssue {
  const out: { -readonly [K in keyof DocumentIssue]: DocumentIssue[K] } = { code, message };
  if (position !== undefined) {
    out.path = position.path;
    if (position.line !== undefined) out.line = position.line;
  }
  if (attribute !== undefined) out.attribute = attribute;
  return out;
}
