/**
 * Document limits (spec sections 3 and 8). Size is checked from the string length before any
 * work (a 10 MB body costs nothing); depth is enforced by the markup scan (wellFormed.ts) before
 * the parser runs; verb count and the loop cap while walking.
 */
import type { ParseOptions } from './index.js';

/** The limits in force for one parse. */
export interface Limits {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxVerbs: number;
  readonly maxLoop: number;
}

/** Spec defaults: 64 KiB, depth 16, 100 verbs, loop 1000. */
export const DEFAULT_LIMITS: Limits = { maxBytes: 65_536, maxDepth: 16, maxVerbs: 100, maxLoop: 1000 };

/** Resolve user options against the defaults. */
export function resolveLimits(options: ParseOptions | undefined): Limits {
  if (options === undefined) return DEFAULT_LIMITS;
  return {
    maxBytes: options.maxBytes ?? DEFAULT_LIMITS.maxBytes,
    maxDepth: options.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxVerbs: options.maxVerbs ?? DEFAULT_LIMITS.maxVerbs,
    maxLoop: options.maxLoop ?? DEFAULT_LIMITS.maxLoop,
  };
}

/** Whether the text is over the byte limit; decided from its length alone when possible. */
export function isTooLarge(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true; // every UTF-16 unit is at least one byte
  if (text.length * 3 <= maxBytes) return false; // every unit is at most three bytes
  // Stryker disable next-line StringLiteral: Node's Buffer.byteLength counts UTF-8 when the encoding is empty (a falsy encoding means the default, 'utf8'), so '' counts the same bytes
  return Buffer.byteLength(text, 'utf8') > maxBytes;
}

/** 1-based line of an index in the text. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  let i = text.indexOf('\n');
  while (i !== -1 && i < index) {
    line++;
    i = text.indexOf('\n', i + 1);
  }
  return line;
}
