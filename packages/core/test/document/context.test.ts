/** WalkContext.lineOf: the line of an index, whatever order the indexes are asked in. */
import { describe, expect, it } from 'vitest';
import { WalkContext } from '../../src/document/context.js';
import { DEFAULT_LIMITS } from '../../src/document/limits.js';

describe('WalkContext.lineOf', () => {
  it('gives the 1-based line plus the lines trimmed before the document, forward or backward', () => {
    const context = new WalkContext('a\nb\nc\nd', DEFAULT_LIMITS, 2);
    expect(context.lineOf(0)).toBe(3);
    expect(context.lineOf(4)).toBe(5);
    expect(context.lineOf(6)).toBe(6);
    expect(context.lineOf(2)).toBe(4);
    expect(context.lineOf(0)).toBe(3);
    expect(context.lineOf(6)).toBe(6);
  });

  it('has no line for an element whose place is unknown (index -1)', () => {
    const context = new WalkContext('a\nb', DEFAULT_LIMITS, 0);
    expect(context.lineOf(2)).toBe(2);
    expect(context.lineOf(-1)).toBeUndefined();
  });
});
