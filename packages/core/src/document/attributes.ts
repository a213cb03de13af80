/**
 * Reading the attributes of one element: each getter returns the typed value or, when the
 * value is invalid, reports the element's 13xxx warning naming the attribute and the reason
 * and returns the default. Absent attributes give the default silently; unknown ones are never
 * read (and so ignored).
 */

import type { ErrorCode } from '../errors.js';
import type { HttpMethod, Position } from './ast.js';
import { issue, type WalkContext } from './context.js';
import { decodeEntities } from './entities.js';
import type { XmlAttributes } from './xml.js';

/**
 * The longest duration an attribute may ask for where the spec sets no maximum: Node's timers
 * hold at most 2^31 - 1 ms (about 24.8 days), and a longer delay would fire at once.
 */
export const MAX_TIMER_SECONDS = 2_147_483;

const NO_ATTRIBUTES: XmlAttributes = Object.freeze({});

/** The attributes of one element, with the warning code of its verb. */
export class ElementScope {
  constructor(
    readonly context: WalkContext,
    readonly name: string,
    readonly position: Position,
    readonly warningCode: ErrorCode,
    attributes: XmlAttributes | undefined,
  ) {
    this.attributes = attributes ?? NO_ATTRIBUTES;
  }

  private readonly attributes: XmlAttributes;
  /** The present attributes a parser read (the ones this engine implements for the element). */
  private used: string[] | null = null;

  /** Whether the element has no attributes at all (the common case: every default applies). */
  // Stryker disable next-line BlockStatement: returning undefined is as false as `false`, and every caller only uses it as a fast path whose slow path gives the same result
  isEmpty(): boolean {
    return this.attributes === NO_ATTRIBUTES;
  }

  /** Report an invalid value; the caller uses the default. */
  warn(attribute: string, reason: string): void {
    this.context.warnings.push(
      issue(this.warningCode, `<${this.name}> ${attribute}: ${reason}`, this.position, attribute),
    );
  }

  /** The decoded, trimmed value, or undefined when absent. */
  raw(attribute: string): string | undefined {
    const value = this.attributes[attribute];
    if (value === undefined) return undefined;
    if (this.used === null) this.used = [attribute];
    else this.used.push(attribute);
    // Stryker disable next-line StringLiteral: with '' every value goes through decodeEntities, which returns a value without '&' unchanged (the fast path's result)
    const decoded = value.indexOf('&') === -1 ? value : decodeEntities(value);
    // Stryker disable next-line BlockStatement: unreachable: an invalid character reference fails the well-formedness scan before attributes are read
    if (decoded === null) {
      // Stryker disable next-line StringLiteral: unreachable: an invalid character reference fails the well-formedness scan before attributes are read
      this.context.fail(12100, `<${this.name}> ${attribute}: invalid character reference`, this.position);
    }
    return decoded.trim();
  }

  /**
   * Report every attribute the element's parser never read: this engine does not implement it
   * (another dialect's attribute, or a misspelling). A 13910 warning naming the element, the
   * attribute and its line; the attribute is otherwise ignored (spec 3, 9.5). Namespace
   * declarations (`xmlns`, `xmlns:*`, `xml:*`) are not attributes of the verb.
   */
  reportUnread(): void {
    const attributes = this.attributes;
    if (attributes === NO_ATTRIBUTES) return;
    const used = this.used;
    for (const name in attributes) {
      if (used?.includes(name)) continue;
      if (name === 'xmlns' || name.startsWith('xmlns:') || name.startsWith('xml:')) continue;
      const line = this.position.line === undefined ? '' : ` (line ${this.position.line})`;
      this.context.warnings.push(
        issue(
          13910,
          `<${this.name}> attribute ${name}${line} is not implemented by this engine; ignored`,
          this.position,
          name,
        ),
      );
    }
  }

  /** A string value; empty counts as absent. */
  string(attribute: string): string | null {
    const value = this.raw(attribute);
    return value === undefined || value === '' ? null : value;
  }

  /** A string value where empty is meaningful (e.g. `finishOnKey=""`). */
  stringOr(attribute: string, fallback: string): string {
    const value = this.raw(attribute);
    return value === undefined ? fallback : value;
  }

  /** A whole number in [min, max] (`max` defaults to the longest timer a host supports). */
  integer(attribute: string, fallback: number, min: number, max = MAX_TIMER_SECONDS): number {
    const value = this.raw(attribute);
    if (value === undefined) return fallback;
    const n = parseWhole(value);
    if (n === null) {
      this.warn(attribute, `"${value}" is not a whole number; using ${fallback}`);
      return fallback;
    }
    if (n < min || n > max) {
      this.warn(attribute, `${n} is outside ${min} to ${max}; using ${fallback}`);
      return fallback;
    }
    return n;
  }

  /** `true` / `false` (case-insensitive). */
  boolean(attribute: string, fallback: boolean): boolean {
    const value = this.raw(attribute);
    if (value === undefined) return fallback;
    if (value === 'true') return true;
    if (value === 'false') return false;
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    this.warn(attribute, `"${value}" is not true or false; using ${fallback}`);
    return fallback;
  }

  /** `GET` / `POST` (case-insensitive), default POST. */
  method(attribute: string): HttpMethod {
    const value = this.raw(attribute);
    if (value === undefined || value === 'POST') return 'POST';
    if (value === 'GET') return 'GET';
    const upper = value.toUpperCase();
    if (upper === 'GET' || upper === 'POST') return upper;
    this.warn(attribute, `"${value}" is not GET or POST; using POST`);
    return 'POST';
  }

  /** One of a fixed set of values (exact match). */
  oneOf<T extends string>(attribute: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(attribute);
    if (value === undefined) return fallback;
    if (setOf(allowed).has(value)) return value as T;
    this.warn(attribute, `"${value}" is not one of ${allowed.join(', ')}; using ${fallback}`);
    return fallback;
  }

  /** `loop`: a whole number from 0 (until hang-up) to the loop cap, default 1. */
  loop(): number {
    const value = this.raw('loop');
    if (value === undefined) return 1;
    const n = parseWhole(value);
    if (n === null) {
      this.warn('loop', `"${value}" is not a whole number; using 1`);
      return 1;
    }
    const cap = this.context.limits.maxLoop;
    if (n > cap) {
      this.warn('loop', `${n} is over the cap of ${cap}; using ${cap}`);
      return cap;
    }
    return n;
  }
}

/** A non-negative decimal integer of at most 9 digits (so it is exact), or null. */
export function parseWhole(value: string): number | null {
  const n = value.length;
  if (n === 0 || n > 9) return null;
  let out = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    out = out * 10 + c;
  }
  return out;
}

/** Whether every character of a value is one of `allowed` (no regular expression: hot path). */
export function onlyChars(value: string, allowed: string): boolean {
  for (let i = 0; i < value.length; i++) {
    if (allowed.indexOf(value[i] as string) === -1) return false;
  }
  return true;
}

const SETS = new WeakMap<readonly string[], ReadonlySet<string>>();

/** A Set of the allowed values (hash lookups: attribute values are not interned strings). */
function setOf(allowed: readonly string[]): ReadonlySet<string> {
  let set = SETS.get(allowed);
  if (set === undefined) {
    set = new Set(allowed);
    SETS.set(allowed, set);
  }
  return set;
}
